/**
 * Where the administrator's configuration lives (`/etc/kordon/config.json`, set by root only: DECISIONS 40), behind
 * `kordon --set-json-config=PATH`, `--print-json-config` (DECISIONS 49) and `--reset-json-config`.
 */
import { mkdirSync, readFileSync, rmSync } from 'node:fs';
import { dirname } from 'node:path';

import { formatConfigIssues, parseAdminConfig, readAdminConfigText } from './admin-config.js';
import { writeFileAtomic } from './atomic-write.js';
import { ConfigError } from './errors.js';
import type { AdminConfig, AdminConfigResult } from './types.js';

export const DEFAULT_ADMIN_CONFIG_PATH = '/etc/kordon/config.json';

/** What the profile store needs of the administrator's configuration: the one in force now, or none. */
export interface AdminConfigSource {
  get(): AdminConfig | null;
}

export interface AdminConfigStoreOptions {
  /** Whether the caller is root; only root may set or reset the configuration. */
  isRoot: boolean;
  path?: string;
}

export class AdminConfigStore implements AdminConfigSource {
  readonly path: string;
  private readonly isRoot: boolean;

  constructor(options: AdminConfigStoreOptions) {
    this.path = options.path ?? DEFAULT_ADMIN_CONFIG_PATH;
    this.isRoot = options.isRoot;
  }

  /**
   * Checks the file at `fromPath` and, when it is valid, stores it in place of the current one (atomically, 0644:
   * every user's client reads it). An invalid file changes nothing, and the result lists every problem.
   * The file is stored as the administrator wrote it, so it stays comparable with their master copy.
   */
  set(fromPath: string): AdminConfigResult {
    this.requireRoot('set');
    const read = readAdminConfigText(fromPath);
    if (!read.ok) return read.failure;
    const result = parseAdminConfig(read.text, fromPath);
    if (!result.ok) return result;
    try {
      mkdirSync(dirname(this.path), { recursive: true, mode: 0o755 });
      writeFileAtomic(this.path, read.text, 0o644);
    } catch (e) {
      throw new ConfigError('io', `cannot write ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    return result;
  }

  /** The configuration in force, or null when none is set. A stored file that went bad is an error, not "none". */
  get(): AdminConfig | null {
    let text: string;
    try {
      text = readFileSync(this.path, 'utf8');
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return null;
      throw new ConfigError('io', `cannot read ${this.path}: ${e instanceof Error ? e.message : String(e)}`);
    }
    const result = parseAdminConfig(text, this.path);
    if (result.ok) return result.config;
    throw new ConfigError(
      'invalid_config',
      `${formatConfigIssues(this.path, result.issues)}\nSet a valid one with "kordon --set-json-config=PATH", or remove it with "kordon --reset-json-config".`,
      result.issues,
    );
  }

  /** What `--print-json-config` prints: the configuration in force as JSON, `null` when none (DECISIONS 49). */
  printable(): string {
    return JSON.stringify(this.get(), null, 2);
  }

  /** Removes the configuration; true when there was one. */
  reset(): boolean {
    this.requireRoot('reset');
    try {
      rmSync(this.path);
      return true;
    } catch (e) {
      if (isErrno(e, 'ENOENT')) return false;
      throw new ConfigError(
        'io',
        `cannot remove ${this.path}: ${e instanceof Error ? e.message : String(e)}`,
      );
    }
  }

  private requireRoot(action: 'set' | 'reset'): void {
    if (this.isRoot) return;
    const flag = action === 'set' ? '--set-json-config=PATH' : '--reset-json-config';
    throw new ConfigError(
      'not_root',
      `only root may ${action} the administrator's client configuration (${this.path}); run "sudo kordon ${flag}"`,
    );
  }
}

function isErrno(e: unknown, code: string): boolean {
  return typeof e === 'object' && e !== null && 'code' in e && e.code === code;
}
