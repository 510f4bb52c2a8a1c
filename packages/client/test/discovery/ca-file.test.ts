// A profile's ca_file as the root daemon reads it (DECISIONS 73): never through a symbolic link, never
// from a FIFO, at most 1 MiB, and only what the profile's owner could read (file and folders judged by
// their mode bits against the owner's uid and groups). Files are made for a fake uid with chown, so
// the owner checks run only as root (as here and in CI).
import { execFileSync } from 'node:child_process';
import {
  chmodSync,
  chownSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  rmSync,
  symlinkSync,
  writeFileSync,
} from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ClientError } from '../../src/discovery/errors.js';
import { findGateway, type FindGatewayDeps } from '../../src/discovery/probe.js';
import { dnsDeps } from '../../src/discovery/resolve.js';
import { type CaFileOwner, userGroups } from '../../src/discovery/ca-file.js';
import { tlsPolicyFor, type TlsPolicy } from '../../src/discovery/tls.js';
import { type DnsServer, startDnsServer } from './dns-server.js';
import {
  type CertificateFolder,
  certificateFolder,
  startHttpsServer,
  type TestCertificate,
  type TestHttpsServer,
} from './servers.js';

const isRoot = process.getuid?.() === 0;
const user: CaFileOwner = { uid: 12345, gids: [12345] };
let certs: CertificateFolder;
let authority: TestCertificate;
let dns: DnsServer;
let server: TestHttpsServer;
let dir: string;

beforeAll(async () => {
  certs = certificateFolder();
  authority = certs.authority('profile-ca');
  const leaf = certs.make('gateway', ['IP:127.0.0.1'], authority);
  server = await startHttpsServer({
    name: 'gateway',
    host: '127.0.0.1',
    certificate: leaf,
    handler: (_req, res) => {
      res.writeHead(200).end();
    },
  });
  dns = await startDnsServer({});
  dir = mkdtempSync(join(tmpdir(), 'kordon-ca-file-'));
  // Enterable by everyone: each test decides what its own files and folders allow.
  chmodSync(dir, 0o755);
});

afterAll(async () => {
  await server.close();
  await dns.close();
  rmSync(dir, { recursive: true, force: true });
  certs.dispose();
});

function deps(): FindGatewayDeps {
  return { ...dnsDeps({ servers: [dns.server], timeoutMs: 1000, tries: 1 }), probeTimeoutMs: 2000 };
}

/** A copy of the CA certificate at `path`, owned and moded as given. */
function pemFile(path: string, mode = 0o644, uid = 0, gid = 0): string {
  copyFileSync(authority.certFile, path);
  chmodSync(path, mode);
  if (uid !== 0 || gid !== 0) chownSync(path, uid, gid);
  return path;
}

function policy(caFile: string, owner?: CaFileOwner): TlsPolicy {
  return tlsPolicyFor({ ca_file: caFile }, owner);
}

/** Connects through the loopback gateway; resolves with the host it found. */
async function connect(tls: TlsPolicy): Promise<string> {
  return (await findGateway(`127.0.0.1:${server.port}`, tls, deps())).host;
}

/** The refusal, which must come at once and before any connection. */
async function refusal(tls: TlsPolicy): Promise<ClientError> {
  const connections = server.connections;
  const started = performance.now();
  const error = await connect(tls).then(
    () => new Error('expected a refusal'),
    (e: unknown) => e,
  );
  expect(performance.now() - started).toBeLessThan(250);
  expect(error).toBeInstanceOf(ClientError);
  expect((error as ClientError).code).toBe('bad_profile');
  expect((error as ClientError).detail).toEqual({ field: 'ca_file' });
  expect((error as ClientError).transient).toBe(false);
  expect(server.connections).toBe(connections);
  return error as ClientError;
}

describe('ca_file read by the root daemon (DECISIONS 73)', () => {
  it('connects with a readable regular PEM file', async () => {
    expect(await connect(policy(pemFile(join(dir, 'plain.pem'))))).toBe('127.0.0.1');
  });

  it('refuses a FIFO at once (it would block a plain read forever)', async () => {
    const fifo = join(dir, 'fifo.pem');
    execFileSync('mkfifo', [fifo]);
    for (const owner of [undefined, isRoot ? user : undefined]) {
      const error = await refusal(policy(fifo, owner));
      expect(error.message).toBe(`The profile's ca_file ${fifo} is not a regular file (a FIFO).`);
    }
  });

  it('refuses a symbolic link, even to a good PEM file', async () => {
    const link = join(dir, 'link.pem');
    symlinkSync(pemFile(join(dir, 'target.pem')), link);
    const error = await refusal(policy(link));
    expect(error.message).toContain(`The profile's ca_file ${link} is a symbolic link`);
  });

  it('refuses a file larger than 1 MiB without reading it', async () => {
    const big = join(dir, 'big.pem');
    writeFileSync(big, Buffer.alloc(2 * 1024 * 1024, 0x41));
    const error = await refusal(policy(big));
    expect(error.message).toBe(`The profile's ca_file ${big} is larger than 1 MiB (2,097,152 bytes).`);
  });

  it('refuses a folder, and a file that holds no PEM certificate', async () => {
    const folder = join(dir, 'folder.pem');
    mkdirSync(folder);
    expect((await refusal(policy(folder))).message).toBe(
      `The profile's ca_file ${folder} is not a regular file (a folder).`,
    );
    const garbage = join(dir, 'garbage.pem');
    writeFileSync(garbage, 'not a certificate');
    expect((await refusal(policy(garbage))).message).toBe(
      `The profile's ca_file ${garbage} does not hold a PEM certificate.`,
    );
  });

  describe.skipIf(!isRoot)('for a profile owner other than root', () => {
    it("refuses another uid's 0600 file", async () => {
      const theirs = pemFile(join(dir, 'theirs.pem'), 0o600, 1001, 1001);
      const error = await refusal(policy(theirs, user));
      expect(error.message).toContain(
        `The profile's ca_file ${theirs} cannot be read by the profile's owner (uid 12345): it belongs to uid 1001 and group 1001 with mode 0600`,
      );
      // Root itself, and a run without an owner (a user's own `kordon connect`), may read it.
      expect(await connect(policy(theirs, { uid: 0, gids: [0] }))).toBe('127.0.0.1');
      expect(await connect(policy(theirs))).toBe('127.0.0.1');
    });

    it("connects with the owner's own 0600 file", async () => {
      const own = pemFile(join(dir, 'own.pem'), 0o600, 12345, 12345);
      expect(await connect(policy(own, user))).toBe('127.0.0.1');
    });

    it('judges by group bits for a group the owner is in, and by the others’ bits otherwise', async () => {
      const group = pemFile(join(dir, 'group.pem'), 0o640, 1001, 12345);
      expect(await connect(policy(group, user))).toBe('127.0.0.1');
      const error = await refusal(policy(group, { uid: 12345, gids: [] }));
      expect(error.message).toContain('it belongs to uid 1001 and group 12345 with mode 0640');
      // Owner bits decide for the owner, even when the others may read.
      const ownerDenied = pemFile(join(dir, 'owner-denied.pem'), 0o044, 12345, 12345);
      expect((await refusal(policy(ownerDenied, user))).message).toContain('with mode 0044');
    });

    it('refuses a file in a folder the owner cannot enter, naming the folder', async () => {
      const secret = join(dir, 'secret');
      mkdirSync(secret, { mode: 0o700 });
      chmodSync(secret, 0o700);
      const inside = pemFile(join(secret, 'ca.pem'), 0o644);
      const error = await refusal(policy(inside, user));
      expect(error.message).toContain(
        `The profile's ca_file ${inside} cannot be used: a folder on its path cannot be entered by uid 12345: ${secret} (it belongs to uid 0 and group 0 with mode 0700)`,
      );
    });

    it('follows a symbolic link among the folders as the kernel would, and judges where it leads', async () => {
      const hidden = join(dir, 'hidden');
      mkdirSync(join(hidden, 'certs'), { recursive: true });
      chmodSync(hidden, 0o700);
      chmodSync(join(hidden, 'certs'), 0o755);
      pemFile(join(hidden, 'certs', 'ca.pem'), 0o644);
      const open = join(dir, 'open');
      mkdirSync(open);
      chmodSync(open, 0o755);
      symlinkSync('../hidden/certs', join(open, 'certs'));
      const through = join(open, 'certs', 'ca.pem');
      const error = await refusal(policy(through, user));
      expect(error.message).toContain(`a folder on its path cannot be entered by uid 12345: ${hidden} `);
      // Root reads through the same link.
      expect(await connect(policy(through))).toBe('127.0.0.1');
    });
  });
});

describe('userGroups', () => {
  it('reads the groups of a user with id -G', async () => {
    expect(await userGroups(0)).toContain(0);
  });

  it('fails closed for a user whose groups cannot be read', async () => {
    const error = await userGroups(12345).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ClientError);
    expect((error as ClientError).code).toBe('bad_profile');
    expect((error as ClientError).message).toContain('kordon could not read the groups of uid 12345 (');
    expect((error as ClientError).message).toContain(
      "so it does not read the profile's ca_file for that user",
    );
    await expect(userGroups(-1)).rejects.toThrow('not a user id');
  });
});
