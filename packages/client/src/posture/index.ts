// Device posture (PROTOCOL.md "3. ZTNA: device posture"): the collectors of this platform and the
// report they make for the gateway's `ztna` request.
export { collectPosture } from './collect.js';
export { nodePostureHost } from './host.js';
export type { PostureRequest } from './types.js';
