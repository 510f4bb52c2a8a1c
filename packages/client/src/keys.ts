// DECISIONS 1: a profile keeps its WireGuard key pair across reconnects and restarts (0600), so its
// device and its tunnel address stay the same; a new key would be a new device.
import { chmodSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { generateKeyPair, publicKeyOf } from '@kordon/drivers';

export function profileKeys(userDir: string, profileId: string): { privateKey: string; publicKey: string } {
  const dir = join(userDir, 'keys');
  mkdirSync(dir, { recursive: true, mode: 0o700 });
  const file = join(dir, `${profileId.replace(/[^A-Za-z0-9_-]/g, '_')}.key`);
  let privateKey: string;
  try {
    privateKey = readFileSync(file, 'utf8').trim();
  } catch {
    privateKey = generateKeyPair().privateKey;
    writeFileSync(file, `${privateKey}\n`, { mode: 0o600 });
    chmodSync(file, 0o600);
  }
  return { privateKey, publicKey: publicKeyOf(privateKey) };
}
