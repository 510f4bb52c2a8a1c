import type { ConfigIssue } from './types.js';

export type ConfigErrorCode =
  /** Only root may change the administrator's configuration (DECISIONS 40). */
  | 'not_root'
  /** A configuration file is not valid; `issues` lists every problem. */
  | 'invalid_config'
  /** A stored file (the user's profiles) cannot be read back as written. */
  | 'corrupt'
  | 'not_found'
  /** A name matches more than one profile. */
  | 'ambiguous'
  /** The profile is the administrator's (read-only or not removable). */
  | 'read_only'
  /** The administrator's configuration forbids it (`deny_*`). */
  | 'denied'
  /** A value given is not acceptable; the message says which and why. */
  | 'invalid'
  /** The file system refused a read or a write. */
  | 'io';

/** A refusal or failure of the configuration and profile stores, in words for the user or the administrator. */
export class ConfigError extends Error {
  override readonly name = 'ConfigError';

  constructor(
    readonly code: ConfigErrorCode,
    message: string,
    readonly issues: readonly ConfigIssue[] = [],
  ) {
    super(message);
  }
}
