import { describe, expect, it } from 'vitest';
import { runCommand } from '../process.js';
import { InvalidKeyError, generateKeyPair, hexToKey, isValidKey, keyToHex, publicKeyOf } from './keys.js';
import { findOnPath } from './detect.js';

// RFC 7748 section 6.1 (Alice).
const RFC_PRIVATE_HEX = '77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a';
const RFC_PUBLIC_HEX = '8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a';
const requireTools = process.env.CI === 'true';

describe('WireGuard keys', () => {
  it('computes the X25519 public key of RFC 7748', () => {
    expect(keyToHex(publicKeyOf(hexToKey(RFC_PRIVATE_HEX)))).toBe(RFC_PUBLIC_HEX);
  });

  it('generates pairs of 32-byte base64 keys that belong together', () => {
    const a = generateKeyPair();
    const b = generateKeyPair();
    expect(isValidKey(a.privateKey)).toBe(true);
    expect(isValidKey(a.publicKey)).toBe(true);
    expect(a.privateKey).toHaveLength(44);
    expect(publicKeyOf(a.privateKey)).toBe(a.publicKey);
    expect(b.privateKey).not.toBe(a.privateKey);
  });

  it.skipIf(!requireTools && findOnPath('wg') === undefined)('agrees with `wg pubkey`', async () => {
    for (let i = 0; i < 3; i++) {
      const pair = generateKeyPair();
      const { stdout } = await runCommand('wg', ['pubkey'], { stdin: `${pair.privateKey}\n` });
      expect(stdout.trim()).toBe(pair.publicKey);
    }
    // A private key from `wg genkey` (clamped) gives the same public key too.
    const { stdout: genkey } = await runCommand('wg', ['genkey']);
    const { stdout: pub } = await runCommand('wg', ['pubkey'], { stdin: genkey });
    expect(publicKeyOf(genkey.trim())).toBe(pub.trim());
  });

  it('converts between base64 and hex', () => {
    const key = hexToKey(RFC_PUBLIC_HEX);
    expect(key).toBe('hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=');
    expect(keyToHex(key)).toBe(RFC_PUBLIC_HEX);
    expect(hexToKey(RFC_PUBLIC_HEX.toUpperCase())).toBe(key);
  });

  it('rejects malformed keys without echoing them', () => {
    const secretish = 'c2VjcmV0LXNlY3JldC1zZWNyZXQtc2VjcmV0LXNlYw'; // 43 chars, no padding
    expect(isValidKey(secretish)).toBe(false);
    expect(isValidKey(`${secretish.slice(0, 42)}B=`)).toBe(false); // non-canonical last character
    expect(isValidKey('hSDwCYkwp1R0i33ctD73Wg2/Og0mOBr066SpjqqbTmo=')).toBe(true);
    expect(() => publicKeyOf(secretish)).toThrow(InvalidKeyError);
    expect(() => publicKeyOf(secretish)).toThrow(
      'a WireGuard private key must be 32 bytes in standard base64',
    );
    let message = '';
    try {
      keyToHex(secretish);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toBe('a WireGuard key must be 32 bytes in standard base64');
    expect(() => hexToKey('zz'.repeat(32))).toThrow('a WireGuard key in hex must be 64 hex digits');
    expect(() => hexToKey(RFC_PUBLIC_HEX.slice(2))).toThrow(InvalidKeyError);
  });
});
