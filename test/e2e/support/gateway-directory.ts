// The gateway's directory settings for a test DC (support/samba.ts), as an administrator gives them
// with `kordon-gateway directory set`: the DC's LDAPS URL, names, base DN, service account and CA.
import { writeFileSync } from 'node:fs';
import type { SambaDc } from './samba.js';

/**
 * The argv of `directory set` for `dc`, followed by `extra` (`--keytab FILE`, `--ntlm`, `--data-dir DIR`...).
 * Writes the service account's password to `secretFile` (0600) first: the CLI reads it from there,
 * never from its command line.
 */
export function directorySetArgs(dc: SambaDc, secretFile: string, extra: readonly string[] = []): string[] {
  writeFileSync(secretFile, `${dc.servicePassword}\n`, { mode: 0o600 });
  return [
    'directory',
    'set',
    '--url',
    dc.ldapsUrl,
    '--domain',
    dc.domain,
    '--realm',
    dc.realm,
    '--base-dn',
    dc.baseDn,
    '--bind-dn',
    dc.serviceBindDn,
    '--bind-password-file',
    secretFile,
    '--ca-file',
    dc.caFile,
    ...extra,
  ];
}
