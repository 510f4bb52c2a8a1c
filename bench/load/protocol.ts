// What the load generator and the processes it drives say to each other over Node's IPC channel.

/** One simulated client's login: an account of its own, or none for a bare server that takes any. */
export interface Login {
  login: string;
  password: string;
}

/**
 * How a client process's clients behave:
 * - `once`: one connection, `version` and `authorize`, kept open; a failure is counted, never retried
 *   (S0, S1: what one login costs).
 * - `keep`: the real client's engine (packages/client session/engine.ts, its policy.ts numbers): it
 *   retries what the gateway calls transient, waits out `busy` and 503, and after a dropped connection
 *   reconnects with back-off and jitter, resuming with its ticket (DECISIONS 4, 28, 29, 61, 63, 68).
 */
export type ClientMode = 'once' | 'keep';

/** Parent → client process. */
export type ClientCommand =
  | {
      kind: 'open';
      /** wss://host:port/connect */
      url: string;
      /** PEM of the CA (or the self-signed certificate) the server's certificate is checked against. */
      ca: string;
      /** One local (127.x.y.z) source address per connection. */
      sources: string[];
      logins: Login[];
      /** Connections in flight at once. */
      concurrency: number;
      mode?: ClientMode;
      /** Each client sends `tunnel_wg` with a WireGuard key of its own after it is authorized. */
      tunnel?: boolean;
    }
  | { kind: 'round-trips'; messages: number; concurrency: number }
  /** WebSocket pings over the open connections at a fixed rate: the round trip through the server's loop. */
  | { kind: 'keepalive'; perSecond: number; seconds: number }
  /** Counters and first-authorization times start again from now (S2: the moment of the kill). */
  | { kind: 'mark' }
  | { kind: 'status' }
  /**
   * Connect-login-disconnect cycles at a fixed rate, each by a client of `sources` (one at a time per
   * client). `authorize`: a password login ended with `unauthorize`. `resume`: a resume of the session
   * the client's last cycle left in grace, dropped again (its first cycle logs in with the password).
   */
  | {
      kind: 'cycles';
      url: string;
      ca: string;
      sources: string[];
      logins: Login[];
      how: 'authorize' | 'resume';
      count: number;
      perSecond: number;
    }
  /** Lanes that log in with a password, log out and log in again, each on a new connection, for `seconds`. */
  | { kind: 'login-loop'; url: string; ca: string; sources: string[]; logins: Login[]; seconds: number }
  | { kind: 'close' };

/** What a process's clients met since the last `mark` (or since they started). */
export interface ClientCounters {
  /** The real client's HTTPS probe of /connect before each WebSocket (`keep` mode), and its failures. */
  probes: number;
  probeFailures: number;
  connects: number;
  /**
   * TCP/TLS/WebSocket failures before the upgrade answered (refused, reset, timed out). After a probe
   * that succeeded, each is an attempt on which the real client (0.1.0) would wait forever: its
   * GatewayConnection.open never settles when `ws` fails before the upgrade.
   */
  connectFailures: number;
  /** HTTP 503 (to the probe or the upgrade) with a Retry-After header (DECISIONS 56, 68), and without. */
  busy503: number;
  busy503WithoutRetryAfter: number;
  /** Any other HTTP answer to the upgrade. */
  otherUpgradeRefusals: number;
  versions: number;
  /** `authorize` sent: password logins, each one a password check on the gateway. */
  passwordLogins: number;
  resumes: number;
  authorized: number;
  resumedAuthorized: number;
  /** `auth_state` refusals by `reason` ("none" for a refusal without one). */
  refusals: Record<string, number>;
  /** The `timeout` of each `busy` refusal, seconds → how many. */
  busyTimeouts: Record<string, number>;
  tunnelRequests: number;
  tunnels: number;
  /** No reply within the client's deadline (DECISIONS 63: 30 s). */
  replyTimeouts: number;
  errorReplies: number;
  /** Connections closed by the server, by close code. */
  closes: Record<string, number>;
  /** Clients that stopped for good (a final failure: DECISIONS 64). */
  stopped: number;
  firstError: string | null;
}

/** Client process → parent. */
export type ClientReport =
  | { kind: 'ready' }
  | {
      kind: 'opened';
      open: number;
      failed: number;
      /** ms from the TCP connect to the authorize's answer, one per open connection */
      loginMs: number[];
      wallMs: number;
      firstError: string | null;
    }
  | { kind: 'round-trips'; done: number; wallMs: number; latencyMs: number[] }
  | { kind: 'keepalive'; done: number; lost: number; latencyMs: number[] }
  | { kind: 'marked' }
  | {
      kind: 'status';
      clients: number;
      /** Clients connected and authorized now (with their tunnel, for those that have one). */
      connected: number;
      /** Of them, those with a tunnel. */
      tunneled: number;
      /** Per client authorized since the mark: when (epoch ms) it first was, its tunnel set up again. */
      authorizedAt: number[];
      counters: ClientCounters;
    }
  | {
      kind: 'cycles';
      done: number;
      failed: number;
      /** ms from the connect to the authorizing auth_state, per cycle done */
      loginMs: number[];
      wallMs: number;
      /** Cycles started later than their slot because every client was still busy. */
      late: number;
      firstError: string | null;
    }
  | {
      kind: 'login-loop';
      /** Epoch ms of each successful login. */
      loginsAt: number[];
      counters: ClientCounters;
    }
  | { kind: 'closed' };

/** Server process → parent (the bare bound server). */
export type ServerReport =
  { kind: 'listening'; port: number } | { kind: 'memory'; rss: number; heapUsed: number };

/** Parent → server process. */
export type ServerCommand = { kind: 'memory' };

/** The p-th percentile (0..100) of `values`, by nearest rank; NaN for none. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank] as number;
}

export function emptyCounters(): ClientCounters {
  return {
    probes: 0,
    probeFailures: 0,
    connects: 0,
    connectFailures: 0,
    busy503: 0,
    busy503WithoutRetryAfter: 0,
    otherUpgradeRefusals: 0,
    versions: 0,
    passwordLogins: 0,
    resumes: 0,
    authorized: 0,
    resumedAuthorized: 0,
    refusals: {},
    busyTimeouts: {},
    tunnelRequests: 0,
    tunnels: 0,
    replyTimeouts: 0,
    errorReplies: 0,
    closes: {},
    stopped: 0,
    firstError: null,
  };
}

/** The counters of several processes, added up. */
export function addCounters(all: readonly ClientCounters[]): ClientCounters {
  const total = emptyCounters();
  const addTo = (into: Record<string, number>, from: Record<string, number>) => {
    for (const [key, value] of Object.entries(from)) into[key] = (into[key] ?? 0) + value;
  };
  for (const c of all) {
    total.probes += c.probes;
    total.probeFailures += c.probeFailures;
    total.connects += c.connects;
    total.connectFailures += c.connectFailures;
    total.busy503 += c.busy503;
    total.busy503WithoutRetryAfter += c.busy503WithoutRetryAfter;
    total.otherUpgradeRefusals += c.otherUpgradeRefusals;
    total.versions += c.versions;
    total.passwordLogins += c.passwordLogins;
    total.resumes += c.resumes;
    total.authorized += c.authorized;
    total.resumedAuthorized += c.resumedAuthorized;
    addTo(total.refusals, c.refusals);
    addTo(total.busyTimeouts, c.busyTimeouts);
    total.tunnelRequests += c.tunnelRequests;
    total.tunnels += c.tunnels;
    total.replyTimeouts += c.replyTimeouts;
    total.errorReplies += c.errorReplies;
    addTo(total.closes, c.closes);
    total.stopped += c.stopped;
    total.firstError ??= c.firstError;
  }
  return total;
}
