// What this client says of itself in `version` (PROTOCOL.md stage 1).
import type { ClientIdentity } from './session/engine.js';

/** The client's own version, kept in step with packages/client/package.json. */
const clientVersion = { major: 0, minor: 1, build: 0 };

function currentOs(platform: NodeJS.Platform = process.platform): ClientIdentity['os'] {
  if (platform === 'win32') return 'windows';
  if (platform === 'darwin') return 'macos';
  return 'linux';
}

export function identity(): ClientIdentity {
  return { ...clientVersion, os: currentOs() };
}
