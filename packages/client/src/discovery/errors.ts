// Errors of server discovery, the probe and downloads: a stable code for programs and a message a
// person understands (what happened, to which server, and what to do about it).

export type ClientErrorCode =
  | 'bad_profile'
  | 'server_not_found'
  | 'service_unavailable'
  | 'srv_outside_domain'
  | 'unreachable'
  | 'tls_mismatch'
  | 'tls_untrusted'
  | 'too_many_redirects'
  | 'bad_redirect'
  | 'busy'
  | 'bad_download_url'
  | 'download_failed';

/** One candidate (SRV target or the name itself) that could not be used, in the order tried. */
export interface CandidateFailure {
  /** The candidate as discovery gave it. */
  host: string;
  port: number;
  /** Where its redirects led (`host:port` each), when it answered 302. */
  redirects: string[];
  /** One line for a person: "connection refused", "no answer within 5 s", ... */
  reason: string;
  /** The error behind the failure when it is one of ours (TLS, redirects, busy). */
  error?: ClientError;
}

export interface ClientErrorDetails {
  bad_profile: { field: 'server' | 'server_sha256' | 'ca_file' };
  server_not_found: { server: string; dnsError: string | null };
  service_unavailable: { server: string; srvName: string };
  /** An SRV target that is neither the configured name nor under it (DECISIONS 65). */
  srv_outside_domain: { server: string; srvName: string; target: string; port: number };
  unreachable: { server: string; failures: CandidateFailure[] };
  tls_mismatch: { host: string; port: number; expected: string; actual: string };
  tls_untrusted: { host: string; port: number; actual: string | null; reason: string };
  too_many_redirects: { host: string; port: number; redirects: string[] };
  bad_redirect: { host: string; port: number; location: string };
  busy: { host: string; port: number; retryAfterSeconds: number | null };
  bad_download_url: { downloadUrl: string };
  download_failed: { url: string; reason: string };
}

export class ClientError<C extends ClientErrorCode = ClientErrorCode> extends Error {
  override readonly name = 'ClientError';

  constructor(
    readonly code: C,
    message: string,
    readonly detail: ClientErrorDetails[C],
    options?: ErrorOptions,
  ) {
    super(message, options);
  }

  /**
   * Worth retrying later without changing anything (DECISIONS 28, 56, 64): a busy server, or servers
   * that could not be reached, when at least one of them failed for a reason time can mend. What
   * retrying cannot fix is final: a certificate that does not match (pin, CA or name), more than five
   * redirects or a bad one, an SRV target of "." or outside the configured domain, a refused download
   * address, a profile's own mistake.
   */
  get transient(): boolean {
    if (isClientError(this, 'busy')) return true;
    if (isClientError(this, 'unreachable')) {
      return this.detail.failures.some((f) => f.error === undefined || f.error.transient);
    }
    return false;
  }

  /** The server's `Retry-After` when it said it was busy (the smallest, over several servers). */
  get retryAfterSeconds(): number | null {
    if (isClientError(this, 'busy')) return this.detail.retryAfterSeconds;
    if (isClientError(this, 'unreachable')) {
      const waits = this.detail.failures
        .map((f) => f.error?.retryAfterSeconds ?? null)
        .filter((s): s is number => s !== null);
      return waits.length > 0 ? Math.min(...waits) : null;
    }
    return null;
  }
}

export function isClientError<C extends ClientErrorCode>(error: unknown, code?: C): error is ClientError<C> {
  return error instanceof ClientError && (code === undefined || error.code === code);
}

/** `host:port`, with brackets around an IPv6 address. */
export function hostPort(host: string, port: number): string {
  return host.includes(':') ? `[${host}]:${port}` : `${host}:${port}`;
}

/** A URL for a message: user names and passwords never reach a message (common rules). */
export function redactUrl(text: string): string {
  try {
    const url = new URL(text);
    if (url.username === '' && url.password === '') return text;
    url.username = '';
    url.password = '';
    return url.href;
  } catch {
    return text;
  }
}

export function badProfile(field: ClientErrorDetails['bad_profile']['field'], message: string): ClientError {
  return new ClientError('bad_profile', message, { field });
}

export function serverNotFound(server: string, dnsError: string | null): ClientError {
  const why =
    dnsError === null || dnsError === 'ENOTFOUND' || dnsError === 'ENODATA'
      ? 'no SRV or A/AAAA record'
      : `the DNS lookup failed (${dnsError})`;
  return new ClientError(
    'server_not_found',
    `kordon could not find the server ${server}: ${why}. Check the server name in the profile and this computer's DNS settings.`,
    { server, dnsError },
  );
}

export function serviceUnavailable(server: string, srvName: string): ClientError {
  return new ClientError(
    'service_unavailable',
    `kordon cannot connect to ${server}: its DNS says the service is not available there (the SRV record ${srvName} has the target "."). Ask your administrator which server to use.`,
    { server, srvName },
  );
}

/**
 * DECISIONS 65: a certificate proves only the name it carries, so a target outside the configured
 * domain would let whoever controls that DNS answer pick the name to check. Refused before connecting.
 */
export function srvOutsideDomain(server: string, srvName: string, target: string, port: number): ClientError {
  return new ClientError(
    'srv_outside_domain',
    `kordon did not connect to ${hostPort(target, port)}: the SRV record ${srvName} names it as the gateway of ${server}, ` +
      `but ${target} is not ${server} nor a name under it, so its certificate cannot show that it is your gateway. ` +
      `If your administrator confirms that ${target} is the gateway, set "server" to ${target} in the profile, ` +
      `or pin the gateway's certificate with "server_sha256".`,
    { server, srvName, target, port },
  );
}

export function unreachable(server: string, failures: CandidateFailure[]): ClientError {
  const lines = failures.map(
    (f) => `  - ${[hostPort(f.host, f.port), ...f.redirects].join(' -> ')}: ${f.reason}`,
  );
  const codes = new Set(failures.map((f) => f.error?.code));
  const advice =
    codes.has('tls_mismatch') || codes.has('tls_untrusted') || codes.has('srv_outside_domain')
      ? '\nA certificate problem is not a network problem: check the profile\'s "server_sha256" or "ca_file" with your administrator.'
      : '\nCheck the network connection, or ask your administrator whether the gateway is running.';
  return new ClientError(
    'unreachable',
    `kordon could not connect to ${server}; every address failed:\n${lines.join('\n')}${advice}`,
    { server, failures },
  );
}

export function tlsMismatch(host: string, port: number, expected: string, actual: string): ClientError {
  return new ClientError(
    'tls_mismatch',
    `The certificate of ${hostPort(host, port)} does not match the fingerprint pinned in the profile ("server_sha256").\n` +
      `  expected: ${expected}\n` +
      `  actual:   ${actual}\n` +
      `kordon sent nothing to this server. If your administrator confirms that the gateway's certificate changed ` +
      `and that its fingerprint is the actual one above, put that fingerprint in "server_sha256"; ` +
      `otherwise do not connect: someone may be intercepting the connection.`,
    { host, port, expected, actual },
  );
}

export function tlsUntrusted(
  host: string,
  port: number,
  actual: string | null,
  reason: string,
  policy: 'system' | 'ca',
): ClientError {
  const trust =
    policy === 'ca'
      ? `the profile's "ca_file" does not vouch for it (${reason})`
      : `this computer's certificate authorities do not trust it (${reason})`;
  const fingerprint = actual === null ? '' : `\nThe certificate's SHA-256 fingerprint is ${actual}.`;
  const advice =
    actual === null
      ? ''
      : ` If your administrator confirms that fingerprint, set "server_sha256": "${actual}" in the profile, or set "ca_file" to the certificate authority that issued the gateway's certificate.`;
  return new ClientError(
    'tls_untrusted',
    `kordon does not trust the certificate of ${hostPort(host, port)}: ${trust}; nothing was sent to it.${fingerprint}${advice}`,
    { host, port, actual, reason },
  );
}

export function tooManyRedirects(host: string, port: number, redirects: string[]): ClientError {
  return new ClientError(
    'too_many_redirects',
    `${hostPort(host, port)} redirected kordon more than 5 times (${redirects.join(' -> ')}); the server is misconfigured.`,
    { host, port, redirects },
  );
}

export function badRedirect(host: string, port: number, location: string): ClientError {
  return new ClientError(
    'bad_redirect',
    `${hostPort(host, port)} redirected kordon to ${JSON.stringify(redactUrl(location))}, which is not a full https:// URL; the server is misconfigured.`,
    { host, port, location: redactUrl(location) },
  );
}

/** Parses `Retry-After`: delay-seconds or an HTTP date (RFC 9110 §10.2.3); null when absent or unreadable. */
export function parseRetryAfter(value: string | undefined, now: number = Date.now()): number | null {
  if (value === undefined) return null;
  const text = value.trim();
  if (/^\d+$/.test(text)) return Number(text);
  const date = Date.parse(text);
  if (Number.isNaN(date)) return null;
  return Math.max(0, Math.ceil((date - now) / 1000));
}

/** HTTP 503 (DECISIONS 56): the gateway has too many connections waiting to log in; try again later. */
export function busy(host: string, port: number, retryAfterSeconds: number | null): ClientError {
  const when = retryAfterSeconds === null ? 'later' : `in ${retryAfterSeconds} s`;
  return new ClientError(
    'busy',
    `${hostPort(host, port)} is busy (too many connections waiting to log in); try again ${when}.`,
    { host, port, retryAfterSeconds },
  );
}

export function badDownloadUrl(downloadUrl: string): ClientError {
  return new ClientError(
    'bad_download_url',
    `The gateway gave a download address kordon cannot use: ${JSON.stringify(redactUrl(downloadUrl))} (expected ":<port>/<file>" or a full https:// URL).`,
    { downloadUrl: redactUrl(downloadUrl) },
  );
}

export function downloadFailed(url: string, reason: string, cause?: unknown): ClientError {
  return new ClientError(
    'download_failed',
    `The download of ${redactUrl(url)} failed: ${reason}.`,
    { url: redactUrl(url), reason },
    cause === undefined ? undefined : { cause },
  );
}

/** `1,073,741,824 bytes`: exact, for messages about sizes. */
export function byteCount(n: number): string {
  return `${n.toLocaleString('en-US')} bytes`;
}

/** `1 GiB (1,073,741,824 bytes)`, `3.5 MiB (3,670,016 bytes)`: readable first, then exact. */
export function sizeText(n: number): string {
  const units: [string, number][] = [
    ['GiB', 2 ** 30],
    ['MiB', 2 ** 20],
    ['KiB', 2 ** 10],
  ];
  for (const [unit, size] of units) {
    if (n >= size) return `${Number((n / size).toFixed(1)).toString()} ${unit} (${byteCount(n)})`;
  }
  return byteCount(n);
}
