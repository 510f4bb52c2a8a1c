// WireGuard keys: Curve25519 (X25519) key pairs as standard base64, the form `wg` and clients use.
// The UAPI speaks hex, so conversions live here too.
import { createPrivateKey, createPublicKey, generateKeyPairSync } from 'node:crypto';

const KEY_BYTES = 32;
/** PKCS#8 DER header of an X25519 private key; the raw 32-byte key follows it. */
const X25519_PKCS8_PREFIX = Buffer.from('302e020100300506032b656e04220420', 'hex');

export interface WireGuardKeyPair {
  privateKey: string;
  publicKey: string;
}

/** Thrown for a key that is not 32 bytes in canonical base64 or hex. The message never holds the key. */
export class InvalidKeyError extends Error {
  override readonly name = 'InvalidKeyError';
}

export function generateKeyPair(): WireGuardKeyPair {
  const { privateKey, publicKey } = generateKeyPairSync('x25519');
  const d = privateKey.export({ format: 'jwk' }).d;
  const x = publicKey.export({ format: 'jwk' }).x;
  if (d === undefined || x === undefined) throw new Error('node:crypto exported an X25519 key without d/x');
  return { privateKey: base64UrlToBase64(d), publicKey: base64UrlToBase64(x) };
}

/** The public key of a base64 private key (what `wg pubkey` prints). */
export function publicKeyOf(privateKey: string): string {
  const raw = keyBytes(privateKey, 'private key');
  const key = createPrivateKey({
    key: Buffer.concat([X25519_PKCS8_PREFIX, raw]),
    format: 'der',
    type: 'pkcs8',
  });
  const x = createPublicKey(key).export({ format: 'jwk' }).x;
  if (x === undefined) throw new Error('node:crypto exported an X25519 public key without x');
  return base64UrlToBase64(x);
}

/** True for 32 bytes in canonical standard base64 (44 characters ending in "="). */
export function isValidKey(key: string): boolean {
  return /^[A-Za-z0-9+/]{42}[AEIMQUYcgkosw048]=$/.test(key);
}

export function keyToHex(key: string): string {
  return keyBytes(key, 'key').toString('hex');
}

export function hexToKey(hex: string): string {
  if (!/^[0-9a-fA-F]{64}$/.test(hex))
    throw new InvalidKeyError('a WireGuard key in hex must be 64 hex digits');
  return Buffer.from(hex, 'hex').toString('base64');
}

function keyBytes(key: string, what: string): Buffer {
  if (!isValidKey(key)) {
    throw new InvalidKeyError(`a WireGuard ${what} must be ${KEY_BYTES} bytes in standard base64`);
  }
  return Buffer.from(key, 'base64');
}

function base64UrlToBase64(value: string): string {
  return Buffer.from(value, 'base64url').toString('base64');
}
