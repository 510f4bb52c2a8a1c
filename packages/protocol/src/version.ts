/** Client versions: comparison and the update rule (DECISIONS 12). */
import { INT31_MAX } from './shared-schemas.js';

export interface ClientVersion {
  major: number;
  minor: number;
  build: number;
}

/** `exact`: any difference from the installer updates (the seed's rule); `minimum`: only older clients do. */
export type UpdatePolicy = 'exact' | 'minimum';

export function compareVersions(a: ClientVersion, b: ClientVersion): -1 | 0 | 1 {
  const difference = a.major - b.major || a.minor - b.minor || a.build - b.build;
  return difference < 0 ? -1 : difference > 0 ? 1 : 0;
}

export function formatVersion(version: ClientVersion): string {
  return `${version.major}.${version.minor}.${version.build}`;
}

const VERSION_STRING = /^(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,9})\.(0|[1-9][0-9]{0,9})$/;

/** "1.2.3" → {major: 1, minor: 2, build: 3}; undefined for anything but three integers 0..2^31-1. */
export function parseVersionString(text: string): ClientVersion | undefined {
  const match = VERSION_STRING.exec(text);
  if (match === null) return undefined;
  const [major, minor, build] = [Number(match[1]), Number(match[2]), Number(match[3])];
  if (major > INT31_MAX || minor > INT31_MAX || build > INT31_MAX) return undefined;
  return { major, minor, build };
}

export function needsUpdate(client: ClientVersion, installer: ClientVersion, policy: UpdatePolicy): boolean {
  const order = compareVersions(client, installer);
  return policy === 'exact' ? order !== 0 : order < 0;
}
