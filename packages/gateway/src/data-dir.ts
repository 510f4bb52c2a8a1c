// Where a gateway keeps its state (DECISIONS 52), and the small secret files in it.
import { randomBytes } from 'node:crypto';
import { chmodSync, existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { homedir } from 'node:os';
import { join } from 'node:path';

/** /var/lib/kordon as root, else $XDG_DATA_HOME/kordon (~/.local/share/kordon). */
export function defaultDataDir(env: Record<string, string | undefined>, isRoot: boolean): string {
  if (isRoot) return '/var/lib/kordon';
  const xdg = env['XDG_DATA_HOME'];
  return join(xdg && xdg !== '' ? xdg : join(homedir(), '.local', 'share'), 'kordon');
}

export interface DataPaths {
  dir: string;
  database: string;
  installers: string;
  resumeKey: string;
  initialAdminPassword: string;
  wireguardKey: string;
  /** Kerberos's keytab, written from the store (0600) for GSSAPI to read. */
  keytab: string;
}

export function dataPaths(dir: string): DataPaths {
  return {
    dir,
    database: join(dir, 'kordon.db'),
    installers: join(dir, 'installers'),
    resumeKey: join(dir, 'resume-key'),
    initialAdminPassword: join(dir, 'initial-admin-password'),
    wireguardKey: join(dir, 'wireguard.key'),
    keytab: join(dir, 'sso', 'krb5.keytab'),
  };
}

export function ensureDataDir(paths: DataPaths): void {
  mkdirSync(paths.dir, { recursive: true, mode: 0o700 });
  mkdirSync(paths.installers, { recursive: true, mode: 0o755 });
}

/** A secret file made once (0600) and kept: the same key across restarts. */
export function loadOrCreateKey(file: string, bytes = 32): Buffer {
  if (existsSync(file)) {
    const key = readFileSync(file);
    if (key.length !== bytes)
      throw new Error(`${file} is damaged (expected ${bytes} bytes); remove it to make a new key`);
    return key;
  }
  const key = randomBytes(bytes);
  writeFileSync(file, key, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return key;
}

/** A secret text file made once by `make` (0600) and kept. */
export function loadOrCreateText(file: string, make: () => string): string {
  if (existsSync(file)) return readFileSync(file, 'utf8').trim();
  const value = make();
  writeFileSync(file, `${value}\n`, { mode: 0o600, flag: 'wx' });
  chmodSync(file, 0o600);
  return value;
}
