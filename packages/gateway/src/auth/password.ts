// argon2id password hashing with Node's built-in implementation, in PHC string format.
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '@kordon/core';
import type { Argon2Parameters, HashPool } from './hash-pool.js';

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
const defaults = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32, saltLength: 16 };

/** On libuv's threads: for the CLI and tests, which hash now and then. */
function deriveOnLibuv(parameters: Argon2Parameters): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2('argon2id', parameters, (err, key) => {
      if (err) reject(err);
      else resolve(key);
    });
  });
}

const phc = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export class Argon2idHasher implements PasswordHasher {
  private readonly derive: (parameters: Argon2Parameters) => Promise<Buffer>;

  /** With a pool, the hashing is the pool's (a serving gateway: DECISIONS 68); else libuv's threads. */
  constructor(pool?: HashPool) {
    this.derive = pool === undefined ? deriveOnLibuv : (parameters) => pool.derive(parameters);
  }

  async hash(password: string): Promise<string> {
    const salt = randomBytes(defaults.saltLength);
    const key = await this.derive({
      message: password,
      nonce: salt,
      memory: defaults.memory,
      passes: defaults.passes,
      parallelism: defaults.parallelism,
      tagLength: defaults.tagLength,
    });
    return `$argon2id$v=19$m=${defaults.memory},t=${defaults.passes},p=${defaults.parallelism}$${b64(salt)}$${b64(key)}`;
  }

  async verify(hash: string, password: string): Promise<boolean> {
    const m = phc.exec(hash);
    if (!m) return false;
    const [, memory, passes, parallelism, salt, expected] = m as unknown as [
      string,
      string,
      string,
      string,
      string,
      string,
    ];
    const want = Buffer.from(expected, 'base64');
    const got = await this.derive({
      message: password,
      nonce: Buffer.from(salt, 'base64'),
      memory: Number(memory),
      passes: Number(passes),
      parallelism: Number(parallelism),
      tagLength: want.length,
    });
    return got.length === want.length && timingSafeEqual(got, want);
  }
}

function b64(buf: Buffer): string {
  return buf.toString('base64').replace(/=+$/, '');
}
