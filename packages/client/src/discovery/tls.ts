// How the client trusts a gateway's certificate (DECISIONS 24, 39): the system's CAs, a profile's
// `ca_file`, or a profile's `server_sha256` pin, which replaces chain and host-name checks. A policy may
// also carry a client certificate to present (Device VPN's mutual TLS: DECISIONS 77); it changes
// nothing in how the gateway is checked.
//
// TLS is always verified, and verified before anybody else holds the socket: `tlsOptions` gives a
// `createConnection` that does the handshake itself, checks the certificate, and only then hands the
// socket to `https.request` or `ws`. Node checks certificates after the handshake, and an HTTP client
// may already have queued its request on a socket by then; a socket nobody has seen cannot leak a
// byte to the wrong server.
import type { ClientRequestArgs } from 'node:http';
import { isIP, type LookupFunction } from 'node:net';
import type { Duplex } from 'node:stream';
import { checkServerIdentity, connect, type TLSSocket } from 'node:tls';
import type { ClientOptions } from 'ws';
import { readCaFile, type CaFileOwner } from './ca-file.js';
import { badProfile, tlsMismatch, tlsUntrusted } from './errors.js';

/** A certificate (with its chain, leaf first) and its private key, PEM, shown to the gateway. */
interface ClientCertificate {
  cert: string;
  key: string;
}

export type TlsPolicy = (
  { kind: 'system' } | { kind: 'ca'; caFile: string; owner?: CaFileOwner } | { kind: 'pin'; sha256: string }
) & { client?: ClientCertificate };

/** A profile's `data` fields that choose the policy (DECISIONS 24). */
export interface ProfileTlsFields {
  ca_file?: string | undefined;
  server_sha256?: string | undefined;
}

/**
 * The policy a profile asks for. A pin is the stronger statement (exactly this certificate), so with
 * both fields the pin is used. A malformed pin is a `bad_profile` error here, not at connect time.
 * `owner` is the profile's owner when a root daemon reads the `ca_file` for them (DECISIONS 73).
 */
export function tlsPolicyFor(data: ProfileTlsFields, owner?: CaFileOwner): TlsPolicy {
  if (data.server_sha256 !== undefined && data.server_sha256 !== '') {
    return { kind: 'pin', sha256: requirePin(data.server_sha256) };
  }
  if (data.ca_file !== undefined && data.ca_file !== '') {
    return { kind: 'ca', caFile: data.ca_file, ...(owner ? { owner } : {}) };
  }
  return { kind: 'system' };
}

/** `AA:BB:...` (upper case, colons: as Node and `openssl x509 -fingerprint` print it), or null. */
export function normalizeFingerprint(text: string): string | null {
  const hex = text.trim().replaceAll(':', '');
  if (!/^[0-9a-fA-F]{64}$/.test(hex)) return null;
  return (hex.toUpperCase().match(/../g) ?? []).join(':');
}

function requirePin(text: string): string {
  const pin = normalizeFingerprint(text);
  if (pin === null) {
    throw badProfile(
      'server_sha256',
      `The profile's server_sha256 is not a SHA-256 fingerprint: it must be 64 hexadecimal digits, with or without colons (AA:BB:...).`,
    );
  }
  return pin;
}

interface VerifiedConnectOptions {
  /** Where to connect: an address or a name (resolved with `lookup`). */
  host: string;
  port: number;
  lookup?: LookupFunction | undefined;
  family?: number | undefined;
  localAddress?: string | undefined;
  /** For the TCP connection and the handshake together; 10 s when absent. */
  timeoutMs?: number | undefined;
}

/** Checks a completed handshake; returns the error to fail with, or null when the server is trusted. */
type Verifier = (socket: TLSSocket, host: string, port: number) => Error | null;

function verifierFor(policy: TlsPolicy): { ca?: string; verify: Verifier } {
  switch (policy.kind) {
    case 'pin': {
      const expected = requirePin(policy.sha256);
      return {
        verify(socket, host, port) {
          const actual = fingerprintOf(socket);
          return actual === expected ? null : tlsMismatch(host, port, expected, actual ?? 'no certificate');
        },
      };
    }
    case 'ca':
    case 'system': {
      const verify: Verifier = (socket, host, port) =>
        // `authorized` is Node's own verdict: the chain against `ca` (or the system's CAs) and then
        // the host name (checkServerIdentity below), exactly as with rejectUnauthorized.
        socket.authorized
          ? null
          : tlsUntrusted(host, port, fingerprintOf(socket), describe(socket.authorizationError), policy.kind);
      return policy.kind === 'ca' ? { ca: readCaFile(policy.caFile, policy.owner), verify } : { verify };
    }
  }
}

function fingerprintOf(socket: TLSSocket): string | null {
  const cert = socket.getPeerCertificate() as Partial<ReturnType<TLSSocket['getPeerCertificate']>>;
  return typeof cert.fingerprint256 === 'string' ? cert.fingerprint256 : null;
}

const verifyReasons: Record<string, string> = {
  DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed certificate',
  SELF_SIGNED_CERT_IN_CHAIN: 'self-signed certificate in the chain',
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'issuer not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'issuer not trusted',
  CERT_HAS_EXPIRED: 'certificate expired',
  CERT_NOT_YET_VALID: 'certificate not yet valid',
  ERR_TLS_CERT_ALTNAME_INVALID: 'the certificate is for another host name',
};

function describe(code: string | Error): string {
  const text = typeof code === 'string' ? code : code.message;
  return verifyReasons[text] ?? text;
}

/**
 * Opens a TLS connection and resolves with it only once its certificate passed `policy`; `name` is the
 * host the certificate must name (ignored under a pin). Rejects with `tls_mismatch`/`tls_untrusted`,
 * or with the connection's own error (ECONNREFUSED, ETIMEDOUT, ...).
 */
function connectVerified(
  policy: TlsPolicy,
  name: string,
  options: VerifiedConnectOptions,
): Promise<TLSSocket> {
  const { ca, verify } = verifierFor(policy);
  return new Promise((resolve, reject) => {
    const socket = connect({
      host: options.host,
      port: options.port,
      ...(options.lookup ? { lookup: options.lookup } : {}),
      ...(options.family !== undefined ? { family: options.family } : {}),
      ...(options.localAddress !== undefined ? { localAddress: options.localAddress } : {}),
      ...(isIP(name) === 0 ? { servername: name } : {}),
      ...(ca !== undefined ? { ca } : {}),
      // Offered only when the server asks for one; the server's own check below is unchanged.
      ...(policy.client ? { cert: policy.client.cert, key: policy.client.key } : {}),
      ALPNProtocols: ['http/1.1'],
      checkServerIdentity: (_hostname, cert) => checkServerIdentity(name, cert),
      // Not "trust anything": `verify` decides in 'secureConnect' below, before the socket is given
      // to anyone, so nothing is ever written to a server that fails it. Node's own rejection would
      // destroy the socket before we could read the certificate's fingerprint for the message.
      rejectUnauthorized: false,
    });
    // A deadline, not an idle timeout: a server that trickles its handshake does not stretch it.
    const timeoutMs = options.timeoutMs ?? 10_000;
    const timer = setTimeout(() => {
      socket.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    socket.once('close', () => {
      clearTimeout(timer);
    });
    // Stays after the hand-over too, so an error before the new owner listens is not unhandled.
    socket.on('error', (error: Error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once('secureConnect', () => {
      clearTimeout(timer);
      const failure = verify(socket, name, options.port);
      if (failure !== null) {
        socket.destroy();
        reject(failure);
        return;
      }
      resolve(socket);
    });
  });
}

/** Reads and checks the pin or the CA file now, so a profile's mistake shows as `bad_profile` first. */
export function checkTlsPolicy(policy: TlsPolicy): void {
  verifierFor(policy);
}

type CreateConnection = (
  options: ClientRequestArgs,
  oncreate: (err: Error | null, socket: Duplex) => void,
) => undefined;

/** What `tlsOptions` gives: spread it into `https.request` options (no `agent` there). */
export interface VerifiedTlsOptions {
  createConnection: CreateConnection;
}

/**
 * Options for `https.request` that connect to `host` under `policy`. The request's own `host`, `port`,
 * `lookup` and `timeout` are used for the connection; its TLS options (`ca`, `rejectUnauthorized`,
 * `checkServerIdentity`, ...) are ignored: only the policy decides. Do not give an `agent` with them.
 */
export function tlsOptions(policy: TlsPolicy, host: string): VerifiedTlsOptions {
  checkTlsPolicy(policy);
  return {
    createConnection(request, oncreate) {
      connectVerified(policy, host, {
        host: request.host ?? request.hostname ?? host,
        port: Number(request.port ?? request.defaultPort ?? 443),
        lookup: request.lookup,
        family: request.family,
        localAddress: request.localAddress,
        timeoutMs: request.timeout,
      }).then(
        (socket) => {
          oncreate(null, socket);
        },
        (error: unknown) => {
          oncreate(error instanceof Error ? error : new Error(String(error)), undefined as never);
        },
      );
      return undefined;
    },
  };
}

/**
 * The same for `new WebSocket(url, { ...webSocketTlsOptions(policy, host), ... })`: ws passes its
 * `createConnection` to `https.request`, which accepts the asynchronous form (ws's type says otherwise).
 */
export function webSocketTlsOptions(
  policy: TlsPolicy,
  host: string,
): Pick<ClientOptions, 'createConnection'> {
  const { createConnection } = tlsOptions(policy, host);
  return { createConnection: createConnection as unknown as NonNullable<ClientOptions['createConnection']> };
}
