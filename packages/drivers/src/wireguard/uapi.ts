// A client of wireguard-go's control socket (the cross-platform UAPI: https://www.wireguard.com/xplatform/).
// One request per connection. The sockets live in one folder shared by every network namespace
// (ARCHITECTURE "Pitfalls"), so an interface name must be unique on the machine.
import { createConnection, isIP } from 'node:net';
import { hexToKey, keyToHex, publicKeyOf } from './keys.js';

export const UAPI_SOCKET_DIR = '/var/run/wireguard';

export function uapiSocketPath(interfaceName: string): string {
  return `${UAPI_SOCKET_DIR}/${interfaceName}.sock`;
}

/** A peer to create or update: its allowed IPs replace the ones it had. */
export interface UapiPeerUpsert {
  publicKey: string;
  allowedIps: readonly string[];
  /** "host:port" or "[v6]:port"; only clients set it (the gateway learns endpoints from handshakes). */
  endpoint?: string;
  /** Seconds; 0 turns it off. */
  persistentKeepalive?: number;
}

export interface UapiPeerRemoval {
  publicKey: string;
  remove: true;
}

export type UapiPeerChange = UapiPeerUpsert | UapiPeerRemoval;

export interface UapiSetRequest {
  /** Standard base64. Goes only into the request, never into an error. */
  privateKey?: string;
  listenPort?: number;
  /** Removes every peer not named in `peers` (wireguard-go: all peers first, then `peers`). */
  replacePeers?: boolean;
  peers?: readonly UapiPeerChange[];
}

export interface UapiPeerState {
  publicKey: string;
  endpoint: string | null;
  allowedIps: string[];
  lastHandshake: Date | null;
  rxBytes: number;
  txBytes: number;
  persistentKeepalive: number;
}

export interface UapiDeviceState {
  /** Derived from the private key, which is not kept; null when none is set. */
  publicKey: string | null;
  listenPort: number | null;
  peers: UapiPeerState[];
}

/** errno values wireguard-go answers with (negated Linux errno), named for error messages. */
const ERRNO_NAMES: Readonly<Record<number, string>> = {
  [-1]: 'EPERM',
  [-2]: 'ENOENT',
  [-5]: 'EIO (could not apply)',
  [-22]: 'EINVAL (invalid value)',
  [-71]: 'EPROTO (protocol error)',
  [-95]: 'EOPNOTSUPP',
  [-98]: 'EADDRINUSE (listen port in use)',
};

export class UapiError extends Error {
  override readonly name = 'UapiError';
  constructor(
    readonly interfaceName: string,
    message: string,
    readonly errno: number | null = null,
    cause?: unknown,
  ) {
    super(message, cause === undefined ? undefined : { cause });
  }
}

/** Checks a CIDR ("100.64.0.2/32", "fd00::/64") so that nothing else can reach a request line. */
export function isCidr(value: string): boolean {
  const slash = value.indexOf('/');
  if (slash < 0) return false;
  const address = value.slice(0, slash);
  const prefix = value.slice(slash + 1);
  const family = isIP(address);
  if (family === 0 || !/^\d{1,3}$/.test(prefix)) return false;
  return Number(prefix) <= (family === 4 ? 32 : 128);
}

const ENDPOINT = /^(?:\d{1,3}(?:\.\d{1,3}){3}|\[[0-9a-fA-F:.]+\]):\d{1,5}$/;

/** Builds one `set=1` request (pure). Every value is checked, so no line can be injected. */
export function buildSetRequest(request: UapiSetRequest): string {
  const lines = ['set=1'];
  if (request.privateKey !== undefined) lines.push(`private_key=${keyToHex(request.privateKey)}`);
  if (request.listenPort !== undefined) {
    checkPort(request.listenPort);
    lines.push(`listen_port=${request.listenPort}`);
  }
  if (request.replacePeers === true) lines.push('replace_peers=true');
  for (const peer of request.peers ?? []) {
    lines.push(`public_key=${keyToHex(peer.publicKey)}`);
    if ('remove' in peer) {
      lines.push('remove=true');
      continue;
    }
    if (peer.endpoint !== undefined) {
      if (!ENDPOINT.test(peer.endpoint)) throw new TypeError(`invalid WireGuard endpoint: ${peer.endpoint}`);
      lines.push(`endpoint=${peer.endpoint}`);
    }
    if (peer.persistentKeepalive !== undefined) {
      const k = peer.persistentKeepalive;
      if (!Number.isInteger(k) || k < 0 || k > 65535)
        throw new TypeError(`invalid persistent keepalive: ${k}`);
      lines.push(`persistent_keepalive_interval=${k}`);
    }
    lines.push('replace_allowed_ips=true');
    for (const cidr of peer.allowedIps) {
      if (!isCidr(cidr))
        throw new TypeError(`invalid allowed IP (a CIDR is needed): ${JSON.stringify(cidr)}`);
      lines.push(`allowed_ip=${cidr}`);
    }
  }
  return `${lines.join('\n')}\n\n`;
}

export const GET_REQUEST = 'get=1\n\n';

/** Parses the key=value lines of a `get=1` answer (without or with its final `errno=` line). */
export function parseGetResponse(text: string): UapiDeviceState {
  const device: UapiDeviceState = { publicKey: null, listenPort: null, peers: [] };
  let peer: UapiPeerState | undefined;
  let handshakeSec = 0;
  let handshakeNsec = 0;
  const finishPeer = (): void => {
    if (peer === undefined) return;
    peer.lastHandshake =
      handshakeSec === 0 && handshakeNsec === 0
        ? null
        : new Date(handshakeSec * 1000 + Math.floor(handshakeNsec / 1e6));
    device.peers.push(peer);
    peer = undefined;
  };
  for (const line of text.split('\n')) {
    if (line === '') continue;
    const eq = line.indexOf('=');
    if (eq < 0) throw new TypeError(`malformed UAPI line: ${JSON.stringify(line.slice(0, 80))}`);
    const key = line.slice(0, eq);
    const value = line.slice(eq + 1);
    if (key === 'public_key') {
      finishPeer();
      peer = {
        publicKey: hexToKey(value),
        endpoint: null,
        allowedIps: [],
        lastHandshake: null,
        rxBytes: 0,
        txBytes: 0,
        persistentKeepalive: 0,
      };
      handshakeSec = 0;
      handshakeNsec = 0;
      continue;
    }
    if (peer === undefined) {
      if (key === 'private_key') device.publicKey = publicKeyOf(hexToKey(value));
      else if (key === 'listen_port') device.listenPort = Number(value);
      continue;
    }
    switch (key) {
      case 'endpoint':
        peer.endpoint = value;
        break;
      case 'allowed_ip':
        peer.allowedIps.push(value);
        break;
      case 'last_handshake_time_sec':
        handshakeSec = Number(value);
        break;
      case 'last_handshake_time_nsec':
        handshakeNsec = Number(value);
        break;
      case 'rx_bytes':
        peer.rxBytes = Number(value);
        break;
      case 'tx_bytes':
        peer.txBytes = Number(value);
        break;
      case 'persistent_keepalive_interval':
        peer.persistentKeepalive = Number(value);
        break;
      default:
        // preshared_key, protocol_version, errno: not part of the state we report.
        break;
    }
  }
  finishPeer();
  return device;
}

/**
 * Splits an answer at its `errno=N` line (the last line before the blank line that ends it).
 * Returns undefined while the answer is incomplete.
 */
export function splitAnswer(text: string): { body: string; errno: number } | undefined {
  if (!text.endsWith('\n\n')) return undefined;
  const start = text.lastIndexOf('\n', text.length - 3) + 1;
  const match = /^errno=(-?\d+)$/.exec(text.slice(start, -2));
  if (match === null) return undefined;
  return { body: text.slice(0, start), errno: Number(match[1]) };
}

function describeErrno(errno: number): string {
  return ERRNO_NAMES[errno] ?? `errno ${errno}`;
}

export interface UapiCallOptions {
  /** Default 30 s; a set of many thousands of peers takes a few seconds. */
  timeoutMs?: number;
  /** The socket folder; only tests change it. */
  socketDir?: string;
}

/** Sends one request and returns the answer's body (errno 0), or fails with UapiError naming the interface. */
export function uapiRequest(
  interfaceName: string,
  request: string,
  options: UapiCallOptions = {},
): Promise<string> {
  const path = `${options.socketDir ?? UAPI_SOCKET_DIR}/${interfaceName}.sock`;
  const operation = request.startsWith('get=1') ? 'get' : 'set';
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let tail = '';
    let settled = false;
    const socket = createConnection({ path });
    const finish = (error: UapiError | undefined, body?: string): void => {
      if (settled) return;
      settled = true;
      socket.destroy();
      if (error !== undefined) reject(error);
      else resolve(body ?? '');
    };
    socket.setTimeout(options.timeoutMs ?? 30_000, () => {
      finish(
        new UapiError(
          interfaceName,
          `wireguard-go of interface ${interfaceName} did not answer a ${operation} in time`,
        ),
      );
    });
    socket.on('connect', () => socket.write(request));
    socket.on('data', (data: Buffer) => {
      chunks.push(data);
      // An answer ends with its only blank line; decode once the stream ends with one.
      tail = (tail + data.subarray(-2).toString('latin1')).slice(-2);
      if (tail !== '\n\n') return;
      const answer = splitAnswer(Buffer.concat(chunks).toString('utf8'));
      if (answer === undefined) return;
      if (answer.errno === 0) finish(undefined, answer.body);
      else
        finish(
          new UapiError(
            interfaceName,
            `wireguard-go of interface ${interfaceName} refused a ${operation}: ${describeErrno(answer.errno)}`,
            answer.errno,
          ),
        );
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      finish(
        new UapiError(
          interfaceName,
          `cannot reach wireguard-go of interface ${interfaceName} at ${path}: ${e.code ?? e.message}`,
          null,
          e,
        ),
      );
    });
    socket.on('close', () => {
      finish(
        new UapiError(
          interfaceName,
          `wireguard-go of interface ${interfaceName} closed its socket without an answer`,
        ),
      );
    });
  });
}

export async function uapiSet(
  interfaceName: string,
  request: UapiSetRequest,
  options?: UapiCallOptions,
): Promise<void> {
  await uapiRequest(interfaceName, buildSetRequest(request), options);
}

export async function uapiGet(interfaceName: string, options?: UapiCallOptions): Promise<UapiDeviceState> {
  return parseGetResponse(await uapiRequest(interfaceName, GET_REQUEST, options));
}

function checkPort(port: number): void {
  if (!Number.isInteger(port) || port < 0 || port > 65535)
    throw new TypeError(`invalid listen port: ${port}`);
}

export type UapiSocketState = 'absent' | 'stale' | 'answering';

/** Whether a process listens on the interface's control socket ("stale": a file nobody answers on). */
export function probeUapiSocket(
  interfaceName: string,
  options: UapiCallOptions = {},
): Promise<UapiSocketState> {
  const path = `${options.socketDir ?? UAPI_SOCKET_DIR}/${interfaceName}.sock`;
  return new Promise((resolve) => {
    const socket = createConnection({ path });
    socket.setTimeout(options.timeoutMs ?? 1000, () => {
      // A connect that hangs means a listener with a full backlog: somebody is there.
      socket.destroy();
      resolve('answering');
    });
    socket.on('connect', () => {
      socket.destroy();
      resolve('answering');
    });
    socket.on('error', (e: NodeJS.ErrnoException) => {
      resolve(e.code === 'ENOENT' ? 'absent' : 'stale');
    });
  });
}
