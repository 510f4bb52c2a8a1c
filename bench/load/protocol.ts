// What the load generator and the processes it drives say to each other over Node's IPC channel.

/** One simulated client's login: an account of its own, or none for a bare server that takes any. */
export interface Login {
  login: string;
  password: string;
}

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
    }
  | { kind: 'round-trips'; messages: number; concurrency: number }
  | { kind: 'close' };

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
