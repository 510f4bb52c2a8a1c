// The daemon's local socket: one JSON request per connection, one JSON answer, each one line; or, for
// the operations the daemon keeps open (a user's single sign-on, DECISIONS 78), a line channel after
// the answer. The caller's user id comes from its peer proof (peer-proof.ts), never from what it claims.
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Server, type Socket } from 'node:net';
import {
  ProofFolderError,
  checkProof,
  dropProof,
  makeProof,
  prepareProofDir,
  type Proof,
} from './peer-proof.js';

export interface Request {
  op: string;
  args: Record<string, unknown>;
}

type Answer = { ok: true; result: unknown } | { ok: false; error: string };

export type Handler = (uid: number, request: Request) => Promise<unknown>;

/** Both ends of a kept connection: one JSON object per line. */
export interface LineChannel {
  send(message: Record<string, unknown>): void;
  /** Each line the other end sends, parsed; lines that are not JSON objects are dropped. */
  onMessage(listener: (message: Record<string, unknown>) => void): void;
  readonly closed: Promise<void>;
  close(): void;
}

/** Takes a kept connection once its request was accepted (the answer line is already sent). */
export type KeptHandler = (uid: number, request: Request, channel: LineChannel) => void;

/** An error whose message is for the caller (anything else is reported as an internal error). */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

const maxRequestBytes = 64 * 1024;

export async function serve(
  socketPath: string,
  handle: Handler,
  kept: Record<string, KeptHandler> = {},
): Promise<Server> {
  // The proof folder first: a daemon that refuses it (DECISIONS 73) leaves the old socket alone.
  prepareProofDir(socketPath);
  rmSync(socketPath, { force: true });
  const server = createServer((sock) => {
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('error', () => sock.destroy());
    sock.on('data', (chunk: string) => {
      buf += chunk;
      if (buf.length > maxRequestBytes) {
        sock.end(`${JSON.stringify({ ok: false, error: 'request too large' })}\n`);
        return;
      }
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      const line = buf.slice(0, nl);
      const rest = buf.slice(nl + 1);
      buf = '';
      sock.removeAllListeners('data');
      const keep = keptRequest(line);
      if (keep !== undefined) {
        sock.write(`${JSON.stringify({ ok: true, result: 'kept' })}\n`);
        keep.handler(keep.uid, keep.request, lineChannel(sock, rest));
        return;
      }
      void answer(line).then((a) => sock.end(`${JSON.stringify(a)}\n`));
    });
  });
  /** A request for a kept connection, with a proof that names its caller; else undefined. */
  function keptRequest(line: string): { uid: number; request: Request; handler: KeptHandler } | undefined {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return undefined;
    }
    if (typeof parsed !== 'object' || parsed === null) return undefined;
    const msg = parsed as { proof?: unknown; op?: unknown; args?: unknown };
    if (typeof msg.op !== 'string' || !Object.hasOwn(kept, msg.op)) return undefined;
    const handler = kept[msg.op];
    const uid = checkProof(socketPath, msg.proof);
    // An unproven caller gets the ordinary refusal from `answer`.
    if (uid === undefined || handler === undefined) return undefined;
    const args =
      typeof msg.args === 'object' && msg.args !== null ? (msg.args as Record<string, unknown>) : {};
    return { uid, request: { op: msg.op, args }, handler };
  }
  async function answer(line: string): Promise<Answer> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(line);
    } catch {
      return { ok: false, error: 'the request is not JSON' };
    }
    // `null` or `5` is JSON too; reading `.proof` of null would reject and take the daemon down.
    if (typeof parsed !== 'object' || parsed === null) {
      return { ok: false, error: 'the caller could not be identified' };
    }
    const msg = parsed as { proof?: unknown; op?: unknown; args?: unknown };
    const uid = checkProof(socketPath, msg.proof);
    if (uid === undefined) return { ok: false, error: 'the caller could not be identified' };
    if (typeof msg.op !== 'string') return { ok: false, error: 'the request names no operation' };
    const args =
      typeof msg.args === 'object' && msg.args !== null ? (msg.args as Record<string, unknown>) : {};
    try {
      return { ok: true, result: await handle(uid, { op: msg.op, args }) };
    } catch (e) {
      return {
        ok: false,
        error: e instanceof RequestError ? e.message : `internal error: ${(e as Error).message}`,
      };
    }
  }
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(socketPath, () => resolve());
  });
  // Anyone may connect; what they may do depends on who the proof shows.
  chmodSync(socketPath, 0o666);
  return server;
}

export function call(socketPath: string, request: Request, timeoutMs = 120_000): Promise<unknown> {
  let proof: Proof;
  try {
    proof = makeProof(socketPath);
  } catch (e) {
    // A bad proof folder is not a daemon that is down: say so rather than "is it running?".
    if (e instanceof ProofFolderError) {
      return Promise.reject(new Error(`not calling the kordon daemon at ${socketPath}: ${e.message}`));
    }
    return Promise.reject(
      new Error(
        `cannot reach the kordon daemon at ${socketPath} (is it running? \`kordon daemon\`): ${(e as Error).message}`,
      ),
    );
  }
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = '';
    const timer = setTimeout(() => {
      sock.destroy();
      reject(new Error('the daemon did not answer in time'));
    }, timeoutMs);
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify({ proof, ...request })}\n`));
    sock.on('data', (d: string) => (buf += d));
    sock.on('error', (e) => {
      clearTimeout(timer);
      dropProof(socketPath, proof);
      reject(
        new Error(
          `cannot reach the kordon daemon at ${socketPath} (is it running? \`kordon daemon\`): ${e.message}`,
        ),
      );
    });
    sock.on('end', () => {
      clearTimeout(timer);
      try {
        const a = JSON.parse(buf) as Answer;
        if (a.ok) resolve(a.result);
        else reject(new RequestError(a.error));
      } catch {
        reject(new Error('the daemon answered something unreadable'));
      }
    });
  });
}

/** A line channel over a socket; `pending` is what arrived after the first line. */
function lineChannel(sock: Socket, pending: string): LineChannel {
  const listeners: ((m: Record<string, unknown>) => void)[] = [];
  let buf = pending;
  let received = 0;
  const closed = new Promise<void>((resolve) => sock.once('close', () => resolve()));
  const drain = (): void => {
    for (let nl = buf.indexOf('\n'); nl >= 0; nl = buf.indexOf('\n')) {
      const line = buf.slice(0, nl);
      buf = buf.slice(nl + 1);
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        continue;
      }
      if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) continue;
      for (const l of listeners) l(parsed as Record<string, unknown>);
    }
  };
  sock.on('data', (chunk: string | Buffer) => {
    const text = chunk.toString();
    received += text.length;
    buf += text;
    // A line longer than any token: the other end is not speaking this protocol.
    if (buf.length > maxRequestBytes * 4) {
      sock.destroy();
      return;
    }
    drain();
  });
  return {
    send(message) {
      if (!sock.destroyed) sock.write(`${JSON.stringify(message)}\n`);
    },
    onMessage(listener) {
      listeners.push(listener);
      if (received === 0 && buf !== '') drain();
    },
    closed,
    close() {
      sock.end();
    },
  };
}

/**
 * Opens a kept connection to the daemon (`op` must be one it keeps): resolves once the daemon has
 * accepted it, with the channel; rejects with the daemon's refusal.
 */
export function openChannel(socketPath: string, request: Request): Promise<LineChannel> {
  let proof: Proof;
  try {
    proof = makeProof(socketPath);
  } catch (e) {
    return Promise.reject(
      new Error(`cannot reach the kordon daemon at ${socketPath}: ${(e as Error).message}`),
    );
  }
  return new Promise((resolve, reject) => {
    const sock = connect(socketPath);
    let buf = '';
    sock.setEncoding('utf8');
    sock.on('connect', () => sock.write(`${JSON.stringify({ proof, ...request })}\n`));
    const onData = (d: string): void => {
      buf += d;
      const nl = buf.indexOf('\n');
      if (nl < 0) return;
      sock.off('data', onData);
      dropProof(socketPath, proof);
      let a: Answer;
      try {
        a = JSON.parse(buf.slice(0, nl)) as Answer;
      } catch {
        sock.destroy();
        reject(new Error('the daemon answered something unreadable'));
        return;
      }
      if (!a.ok) {
        sock.destroy();
        reject(new RequestError(a.error));
        return;
      }
      resolve(lineChannel(sock, buf.slice(nl + 1)));
    };
    sock.on('data', onData);
    sock.on('error', (e) => {
      dropProof(socketPath, proof);
      reject(
        new Error(
          `cannot reach the kordon daemon at ${socketPath} (is it running? \`kordon daemon\`): ${e.message}`,
        ),
      );
    });
  });
}
