// The daemon's local socket: one JSON request per connection, one JSON answer, each one line.
// The caller's user id comes from its peer proof (peer-proof.ts), never from what it claims.
import { chmodSync, rmSync } from 'node:fs';
import { connect, createServer, type Server } from 'node:net';
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

/** An error whose message is for the caller (anything else is reported as an internal error). */
export class RequestError extends Error {
  override readonly name = 'RequestError';
}

const maxRequestBytes = 64 * 1024;

export async function serve(socketPath: string, handle: Handler): Promise<Server> {
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
      buf = '';
      void answer(line).then((a) => sock.end(`${JSON.stringify(a)}\n`));
    });
  });
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
