// WireGuard: keys, wireguard-go's control socket, the tunnel drivers and how one is chosen.
export {
  InvalidKeyError,
  generateKeyPair,
  hexToKey,
  isValidKey,
  keyToHex,
  publicKeyOf,
  type WireGuardKeyPair,
} from './keys.js';
export {
  UAPI_SOCKET_DIR,
  UapiError,
  buildSetRequest,
  parseGetResponse,
  probeUapiSocket,
  uapiGet,
  uapiSet,
  uapiSocketPath,
  type UapiCallOptions,
  type UapiDeviceState,
  type UapiPeerChange,
  type UapiPeerRemoval,
  type UapiPeerState,
  type UapiPeerUpsert,
  type UapiSetRequest,
  type UapiSocketState,
} from './uapi.js';
export {
  checkInterfaceName,
  type WireGuardDriverOptions,
  type WireGuardLog,
  type WireGuardLogLevel,
} from './link.js';
export { withSecretPipe } from './secret-pipe.js';
export { UserspaceWireGuard, type UserspaceWireGuardOptions } from './userspace.js';
export {
  WgCliWireGuard,
  buildWgConfig,
  buildWgSetArgs,
  parseWgDump,
  type WgCliWireGuardOptions,
} from './wg-cli.js';
export {
  NoTunnelDriver,
  findOnPath,
  selectTunnelDriver,
  type SelectTunnelDriverOptions,
  type SelectedTunnelDriver,
  type TunnelDriverChoice,
} from './detect.js';
