// The daemon's proof folder and proofs on the real file system (DECISIONS 40, 73): both sides check the
// folder before use and never through a link, an empty or junk token identifies nobody, and a round
// trip gives the caller's uid, also for a caller running as another user.
import { spawn } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  existsSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { call, serve } from '../../src/ipc/channel.js';
import { ProofFolderError, checkProof, makeProof, proofDir } from '../../src/ipc/peer-proof.js';

const otherUid = 12345;
const isRoot = process.geteuid?.() === 0;
let base: string;
let n = 0;
const servers: Server[] = [];

beforeAll(() => {
  base = mkdtempSync(join(tmpdir(), 'kordon-ipc-'));
  // Others (uid 12345's child) must reach the sockets inside.
  chmodSync(base, 0o755);
});
afterAll(() => rmSync(base, { recursive: true, force: true }));
afterEach(async () => {
  await Promise.all(servers.splice(0).map((s) => new Promise((r) => s.close(r))));
});

/** A fresh folder for one test, with the socket path in it. */
function place(): { dir: string; socket: string } {
  const dir = join(base, `t${n++}`);
  mkdirSync(dir, { mode: 0o755 });
  chmodSync(dir, 0o755);
  return { dir, socket: join(dir, 'daemon.sock') };
}

const whoami = (uid: number): Promise<unknown> => Promise.resolve({ uid });

async function start(socket: string): Promise<Server> {
  const server = await serve(socket, whoami);
  servers.push(server);
  return server;
}

/** A raw request line, as a hostile or sloppy client might send it; the answer line, parsed. */
function raw(socket: string, line: string): Promise<unknown> {
  return new Promise((res, rej) => {
    const sock = connect(socket);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${line}\n`));
    sock.on('data', (d: string) => (buf += d));
    sock.on('error', rej);
    sock.on('end', () => res(JSON.parse(buf)));
  });
}

const modeOf = (path: string): number => lstatSync(path).mode & 0o7777;

describe.skipIf(!isRoot)('the daemon prepares its proof folder (DECISIONS 73)', () => {
  it('makes a missing folder 1733, and sets 1733 on an existing one of its own', async () => {
    const a = place();
    await start(a.socket);
    const st = lstatSync(proofDir(a.socket));
    expect(st.isDirectory()).toBe(true);
    expect(st.uid).toBe(0);
    expect(modeOf(proofDir(a.socket))).toBe(0o1733);

    const b = place();
    mkdirSync(proofDir(b.socket));
    chmodSync(proofDir(b.socket), 0o777);
    await start(b.socket);
    expect(modeOf(proofDir(b.socket))).toBe(0o1733);
  });

  it('refuses a symbolic link and leaves what it points at alone', async () => {
    const { dir, socket } = place();
    const target = mkdtempSync(join(dir, 'target-'));
    chmodSync(target, 0o755);
    symlinkSync(target, proofDir(socket));
    // An old socket stays where it is when the daemon refuses to start.
    writeFileSync(socket, '');
    await expect(serve(socket, whoami)).rejects.toThrow(
      `the proof folder ${proofDir(socket)} is a symbolic link`,
    );
    expect(modeOf(target)).toBe(0o755);
    expect(lstatSync(proofDir(socket)).isSymbolicLink()).toBe(true);
    expect(existsSync(socket)).toBe(true);
  });

  it('refuses a folder of another user, and a file', async () => {
    const a = place();
    mkdirSync(proofDir(a.socket), { mode: 0o755 });
    chownSync(proofDir(a.socket), otherUid, otherUid);
    await expect(serve(a.socket, whoami)).rejects.toThrow(
      `${proofDir(a.socket)} belongs to uid ${otherUid}, not uid 0 (the daemon's user)`,
    );
    expect(modeOf(proofDir(a.socket))).toBe(0o755);
    expect(lstatSync(proofDir(a.socket)).uid).toBe(otherUid);

    const b = place();
    writeFileSync(proofDir(b.socket), 'not a folder');
    await expect(serve(b.socket, whoami)).rejects.toThrow(ProofFolderError);
    await expect(serve(b.socket, whoami)).rejects.toThrow('is not a directory');
    expect(readFileSync(proofDir(b.socket), 'utf8')).toBe('not a folder');
  });
});

describe.skipIf(!isRoot)('the caller checks the proof folder before writing to it', () => {
  /** A root-owned 1733 folder elsewhere, as a link target or a model. */
  function realFolder(dir: string): string {
    const f = join(dir, 'real.d');
    mkdirSync(f);
    chmodSync(f, 0o1733);
    return f;
  }

  it('refuses a symbolic link, even to a good folder, and writes nothing there', () => {
    const { dir, socket } = place();
    const target = realFolder(dir);
    symlinkSync(target, proofDir(socket));
    expect(() => makeProof(socket)).toThrow(`${proofDir(socket)} is a symbolic link`);
    expect(readdirSync(target)).toEqual([]);
  });

  it("refuses a folder of another user, unless that user owns the daemon's socket", async () => {
    const { socket } = place();
    mkdirSync(proofDir(socket));
    chmodSync(proofDir(socket), 0o1733);
    chownSync(proofDir(socket), otherUid, otherUid);
    expect(() => makeProof(socket)).toThrow(`${proofDir(socket)} belongs to uid ${otherUid}, not root`);
    expect(readdirSync(proofDir(socket))).toEqual([]);

    // A daemon running as that user (as in tests): its own socket vouches for its folder.
    const server = createServer();
    servers.push(server);
    await new Promise<void>((r) => server.listen(socket, r));
    chownSync(socket, otherUid, otherUid);
    const proof = makeProof(socket);
    expect(lstatSync(join(proofDir(socket), proof.name)).mode & 0o777).toBe(0o600);
  });

  it('refuses a folder that is not sticky or that others can list, and a file', () => {
    const { socket } = place();
    mkdirSync(proofDir(socket));
    chmodSync(proofDir(socket), 0o733);
    expect(() => makeProof(socket)).toThrow('is not sticky (mode 0733)');
    chmodSync(proofDir(socket), 0o1777);
    expect(() => makeProof(socket)).toThrow('can be listed by its group or others (mode 1777)');
    chmodSync(proofDir(socket), 0o1773);
    expect(() => makeProof(socket)).toThrow('(mode 1773)');
    rmSync(proofDir(socket), { recursive: true });
    writeFileSync(proofDir(socket), '');
    expect(() => makeProof(socket)).toThrow(`${proofDir(socket)} is not a directory`);
  });

  it('names the folder problem instead of asking whether the daemon runs', async () => {
    const { dir, socket } = place();
    await start(socket);
    // Swapped for a link after the daemon started (by someone who could write the socket's folder).
    const moved = join(dir, 'moved.d');
    rmSync(proofDir(socket), { recursive: true });
    mkdirSync(moved);
    chmodSync(moved, 0o1733);
    symlinkSync(moved, proofDir(socket));
    const err = await call(socket, { op: 'status', args: {} }).catch((e: unknown) => e as Error);
    expect((err as Error).message).toContain(`not calling the kordon daemon at ${socket}`);
    expect((err as Error).message).toContain('is a symbolic link');
    expect(readdirSync(moved)).toEqual([]);
  });
});

describe.skipIf(!isRoot)('proofs', () => {
  function plant(socket: string, name: string, content: string): void {
    writeFileSync(join(proofDir(socket), name), content, { mode: 0o600 });
  }

  it('an empty token identifies nobody, with an empty file or without one', async () => {
    const { socket } = place();
    await start(socket);
    const name = 'E'.repeat(24);
    plant(socket, name, '');
    expect(checkProof(socket, { name, token: '' })).toBeUndefined();
    expect(existsSync(join(proofDir(socket), name))).toBe(false); // consumed all the same
    plant(socket, name, '');
    expect(await raw(socket, JSON.stringify({ proof: { name, token: '' }, op: 'status' }))).toEqual({
      ok: false,
      error: 'the caller could not be identified',
    });
    expect(checkProof(socket, { name: 'F'.repeat(24), token: '' })).toBeUndefined();
  });

  it('junk or long tokens identify nobody even when the file matches; a good one does', () => {
    const { socket } = place();
    mkdirSync(proofDir(socket));
    chmodSync(proofDir(socket), 0o1733);
    const name = 'G'.repeat(24);
    for (const token of ['\u0001\u0002\u0003', 'a b', '\u00e9t\u00e9', 'x'.repeat(101)]) {
      plant(socket, name, token);
      expect(checkProof(socket, { name, token })).toBeUndefined();
    }
    plant(socket, name, 'x'.repeat(100));
    expect(checkProof(socket, { name, token: 'x'.repeat(100) })).toBe(0);
    // Not a proof at all: nothing is read, nothing breaks.
    for (const proof of [undefined, null, 5, 'x', { name: 5, token: 'x' }, { name, token: 7 }]) {
      expect(checkProof(socket, proof)).toBeUndefined();
    }
  });

  it('a request that is JSON but no object is answered, and the daemon goes on', async () => {
    const { socket } = place();
    await start(socket);
    for (const line of ['null', '5', '"x"', '{"proof":null}', '{"proof":{"name":1,"token":[]}}']) {
      expect(await raw(socket, line)).toEqual({ ok: false, error: 'the caller could not be identified' });
    }
    expect(await call(socket, { op: 'status', args: {} })).toEqual({ uid: 0 });
  });
});

describe.skipIf(!isRoot)('a round trip', () => {
  it("gives root's uid to an in-process call, and leaves no proof behind", async () => {
    const { socket } = place();
    await start(socket);
    expect(await call(socket, { op: 'status', args: {} })).toEqual({ uid: 0 });
    expect(readdirSync(proofDir(socket))).toEqual([]);
  });

  it('gives uid 12345 to the real client code running as uid 12345', async () => {
    const { dir, socket } = place();
    await start(socket);
    // The child runs the same sources (Node strips the types), copied where uid 12345 may read them.
    const src = resolve(import.meta.dirname, '../../src/ipc');
    const child = join(dir, 'child');
    mkdirSync(child);
    writeFileSync(join(child, 'package.json'), '{"type":"module"}');
    copyFileSync(join(src, 'peer-proof.ts'), join(child, 'peer-proof.ts'));
    const channel = readFileSync(join(src, 'channel.ts'), 'utf8');
    expect(channel).toContain("from './peer-proof.js'");
    writeFileSync(
      join(child, 'channel.ts'),
      channel.replace("from './peer-proof.js'", "from './peer-proof.ts'"),
    );
    writeFileSync(
      join(child, 'main.mjs'),
      [
        "import { call } from './channel.ts';",
        "const result = await call(process.argv[2], { op: 'status', args: {} }, 10000);",
        'process.stdout.write(JSON.stringify(result));',
      ].join('\n'),
    );
    chmodSync(child, 0o755);
    for (const f of readdirSync(child)) chmodSync(join(child, f), 0o644);

    const out = await new Promise<{ code: number | null; stdout: string; stderr: string }>((res) => {
      const p = spawn(process.execPath, ['--no-warnings', join(child, 'main.mjs'), socket], {
        uid: otherUid,
        gid: otherUid,
        cwd: child,
        stdio: ['ignore', 'pipe', 'pipe'],
      });
      let stdout = '';
      let stderr = '';
      p.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
      p.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
      p.on('close', (code) => res({ code, stdout, stderr }));
    });
    expect(out.stderr).toBe('');
    expect(out.code).toBe(0);
    expect(JSON.parse(out.stdout)).toEqual({ uid: otherUid });
    expect(readdirSync(proofDir(socket))).toEqual([]);
    expect(statSync(socket).isSocket()).toBe(true);
  });
});
