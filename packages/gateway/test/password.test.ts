import { describe, expect, it } from 'vitest';
import { Argon2idHasher } from '../src/auth/password.js';

describe('Argon2idHasher', () => {
  const hasher = new Argon2idHasher();

  it('stores argon2id with OWASP parameters and verifies the right password only', async () => {
    const hash = await hasher.hash('correct horse');
    expect(hash).toMatch(/^\$argon2id\$v=19\$m=19456,t=2,p=1\$/);
    expect(await hasher.verify(hash, 'correct horse')).toBe(true);
    expect(await hasher.verify(hash, 'correct horsE')).toBe(false);
  });

  it('salts every hash', async () => {
    expect(await hasher.hash('same')).not.toBe(await hasher.hash('same'));
  });

  it('rejects a malformed stored hash instead of throwing', async () => {
    expect(await hasher.verify('plain', 'plain')).toBe(false);
    expect(await hasher.verify('$argon2i$v=19$m=1,t=1,p=1$AAAA$AAAA', 'x')).toBe(false);
  });
});
