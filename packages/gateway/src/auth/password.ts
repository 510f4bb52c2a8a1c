// argon2id password hashing with Node's built-in implementation, in PHC string format.
import { argon2, randomBytes, timingSafeEqual } from 'node:crypto';
import type { PasswordHasher } from '@kordon/core';

/** OWASP Password Storage Cheat Sheet: argon2id, m=19 MiB, t=2, p=1. */
const defaults = { memory: 19_456, passes: 2, parallelism: 1, tagLength: 32, saltLength: 16 };

function derive(
  password: string,
  salt: Buffer,
  p: { memory: number; passes: number; parallelism: number; tagLength: number },
): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    argon2(
      'argon2id',
      {
        message: password,
        nonce: salt,
        memory: p.memory,
        passes: p.passes,
        parallelism: p.parallelism,
        tagLength: p.tagLength,
      },
      (err, key) => {
        if (err) reject(err);
        else resolve(key);
      },
    );
  });
}

const phc = /^\$argon2id\$v=19\$m=(\d+),t=(\d+),p=(\d+)\$([A-Za-z0-9+/]+)\$([A-Za-z0-9+/]+)$/;

export class Argon2idHasher implements PasswordHasher {
  async hash(password: string): Promise<string> {
    const salt = randomBytes(defaults.saltLength);
    const key = await derive(password, salt, defaults);
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
    const got = await derive(password, Buffer.from(salt, 'base64'), {
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
