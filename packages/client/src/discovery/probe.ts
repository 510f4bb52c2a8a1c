// Finds the gateway to open the WebSocket to (PROTOCOL.md "Endpoint path", DECISIONS 39): each
// candidate in turn gets `GET https://host:port/connect`; 302 names another host (port 14765, no SRV
// lookup, at most five redirects), 503 means busy (DECISIONS 56), and any other answer means "here"
// (DECISIONS 62: a plain WebSocket server answers 426, a vendor gateway may answer 404).
import { request } from 'node:https';
import {
  badRedirect,
  busy,
  type CandidateFailure,
  ClientError,
  hostPort,
  isClientError,
  parseRetryAfter,
  srvOutsideDomain,
  tooManyRedirects,
  unreachable,
} from './errors.js';
import {
  type Candidate,
  connectionLookup,
  defaultGatewayPort,
  type DnsDeps,
  errorCode,
  isWithinDomain,
  parseServer,
  resolveCandidates,
  srvNameOf,
} from './resolve.js';
import { checkTlsPolicy, tlsOptions, type TlsPolicy } from './tls.js';

const maxRedirects = 5;

export interface FindGatewayDeps extends DnsDeps {
  /** For the SRV order (RFC 2782 weights); Math.random when absent. */
  random?: () => number;
  /** Per request of the probe (connection, TLS and the answer's head); 5000 when absent. */
  probeTimeoutMs?: number;
  /** The port after a 302 (DECISIONS 39: 14765); tests move it. */
  redirectPort?: number;
}

export interface Gateway {
  host: string;
  port: number;
  /** `wss://host:port/connect`, the WebSocket to open. */
  url: string;
}

/**
 * Tries the server's candidates in order and returns the first gateway that answers (after its
 * redirects). When none does: a single failure is reported as itself (a `tls_mismatch` stays a
 * `tls_mismatch`), all-busy as `busy`, anything else as `unreachable` naming every candidate and why.
 * Under the system CAs or a `ca_file`, an SRV target outside the configured domain is not connected
 * to (DECISIONS 65); under a pin it is, since the pin names the one certificate that may answer.
 */
export async function findGateway(
  server: string,
  policy: TlsPolicy,
  deps: FindGatewayDeps,
): Promise<Gateway> {
  checkTlsPolicy(policy);
  const configured = parseServer(server).host;
  const candidates = await resolveCandidates(server, deps, deps.random);
  const failures: CandidateFailure[] = [];
  for (const candidate of candidates) {
    if (policy.kind !== 'pin' && candidate.viaSrv && !isWithinDomain(candidate.host, configured)) {
      const error = srvOutsideDomain(configured, srvNameOf(configured), candidate.host, candidate.port);
      failures.push({
        host: candidate.host,
        port: candidate.port,
        redirects: [],
        reason: shortReason(error),
        error,
      });
      continue;
    }
    const outcome = await probeCandidate(candidate, policy, deps);
    if ('failure' in outcome) failures.push(outcome.failure);
    else return outcome.gateway;
  }
  const [only] = failures;
  if (failures.length === 1 && only?.error !== undefined) throw only.error;
  const busyOnes = failures.flatMap((f) => (isClientError(f.error, 'busy') ? [f.error] : []));
  if (busyOnes.length === failures.length && busyOnes.length > 0) {
    const waits = busyOnes.map((e) => e.detail.retryAfterSeconds).filter((s): s is number => s !== null);
    const first = busyOnes[0];
    if (first) throw busy(first.detail.host, first.detail.port, waits.length > 0 ? Math.min(...waits) : null);
  }
  throw unreachable(server.trim(), failures);
}

function webSocketUrl(host: string, port: number): string {
  return `wss://${hostPort(host, port)}/connect`;
}

type Outcome = { gateway: Gateway } | { failure: CandidateFailure };

async function probeCandidate(
  candidate: Candidate,
  policy: TlsPolicy,
  deps: FindGatewayDeps,
): Promise<Outcome> {
  const redirectPort = deps.redirectPort ?? defaultGatewayPort;
  const redirects: string[] = [];
  let host = candidate.host;
  let port = candidate.port;
  const fail = (error: unknown): Outcome => ({
    failure: {
      host: candidate.host,
      port: candidate.port,
      redirects: [...redirects],
      ...describeFailure(error, deps.probeTimeoutMs ?? 5000),
    },
  });
  for (;;) {
    let answer: ProbeAnswer;
    try {
      answer = await probeOnce(host, port, policy, deps);
    } catch (error) {
      return fail(error);
    }
    if (answer.status === 503) return fail(busy(host, port, parseRetryAfter(answer.retryAfter)));
    // DECISIONS 62: whatever else answered over a verified connection is the gateway.
    if (answer.status !== 302) return { gateway: { host, port, url: webSocketUrl(host, port) } };
    // The redirected host's certificate must name it (DECISIONS 65): the next probe checks `next`.
    const next = redirectHost(answer.location);
    if (next === null) return fail(badRedirect(host, port, answer.location ?? ''));
    // Only the host of Location counts; the port after a redirect is always 14765 (DECISIONS 39), and
    // no SRV lookup is made for it (PROTOCOL.md "Server discovery").
    if (redirects.length === maxRedirects) {
      return fail(
        tooManyRedirects(candidate.host, candidate.port, [...redirects, hostPort(next, redirectPort)]),
      );
    }
    host = next;
    port = redirectPort;
    redirects.push(hostPort(host, port));
  }
}

/** The host of a 302's Location, which must be a full https:// URL; null otherwise. */
function redirectHost(location: string | undefined): string | null {
  if (location === undefined) return null;
  let url: URL;
  try {
    url = new URL(location);
  } catch {
    return null;
  }
  if (url.protocol !== 'https:' || url.hostname === '') return null;
  if (url.hostname.startsWith('[')) return url.hostname.slice(1, -1);
  // `gw.corp.example.` and `gw.corp.example` are one name; the certificate names the latter.
  const name = url.hostname.replace(/\.+$/, '');
  return name === '' ? null : name;
}

interface ProbeAnswer {
  status: number;
  location: string | undefined;
  retryAfter: string | undefined;
}

function probeOnce(
  host: string,
  port: number,
  policy: TlsPolicy,
  deps: FindGatewayDeps,
): Promise<ProbeAnswer> {
  const timeoutMs = deps.probeTimeoutMs ?? 5000;
  return new Promise((resolve, reject) => {
    const req = request({
      ...tlsOptions(policy, host),
      host,
      port,
      path: '/connect',
      method: 'GET',
      headers: { 'user-agent': 'kordon' },
      lookup: connectionLookup(deps.lookup),
      timeout: timeoutMs,
    });
    const timer = setTimeout(() => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    }, timeoutMs);
    req.on('error', (error) => {
      clearTimeout(timer);
      reject(error);
    });
    req.once('timeout', () => {
      req.destroy(Object.assign(new Error(`no answer within ${timeoutMs} ms`), { code: 'ETIMEDOUT' }));
    });
    req.once('response', (res) => {
      clearTimeout(timer);
      // Only the head matters; the connection is not reused (no agent).
      res.destroy();
      req.destroy();
      const location = res.headers.location;
      const retryAfter = res.headers['retry-after'];
      resolve({ status: res.statusCode ?? 0, location, retryAfter });
    });
    req.end();
  });
}

const networkReasons: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'the connection was closed before an answer',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ENOTFOUND: 'the name has no address in DNS',
  ENODATA: 'the name has no address in DNS',
  EAI_AGAIN: 'the DNS lookup failed',
};

/** One line for the unreachable list; our own errors also kept whole. */
function describeFailure(error: unknown, timeoutMs: number): { reason: string; error?: ClientError } {
  if (isClientError(error)) return { reason: shortReason(error), error };
  const code = errorCode(error);
  if (code === 'ETIMEDOUT') return { reason: `no answer within ${timeoutMs / 1000} s` };
  if (code !== null) {
    const known = networkReasons[code];
    if (known !== undefined) return { reason: known };
  }
  return { reason: error instanceof Error ? error.message : String(error) };
}

function shortReason(error: ClientError): string {
  if (isClientError(error, 'tls_mismatch')) {
    return `certificate does not match the pin (expected ${error.detail.expected}, actual ${error.detail.actual})`;
  }
  if (isClientError(error, 'tls_untrusted')) {
    const actual = error.detail.actual === null ? '' : ` (SHA-256 ${error.detail.actual})`;
    return `certificate not trusted: ${error.detail.reason}${actual}`;
  }
  if (isClientError(error, 'busy')) {
    const s = error.detail.retryAfterSeconds;
    return s === null ? 'busy' : `busy, retry after ${s} s`;
  }
  if (isClientError(error, 'too_many_redirects')) return 'more than 5 redirects';
  if (isClientError(error, 'srv_outside_domain')) {
    return `not connected to: outside ${error.detail.server} (only a profile that pins the certificate with "server_sha256" may use it)`;
  }
  if (isClientError(error, 'bad_redirect')) {
    return `redirected to ${JSON.stringify(error.detail.location)}, not a full https:// URL`;
  }
  return error.message;
}
