// What the owner and its workers say to each other over the IPC channel (DECISIONS 71). Sent with
// Node's "advanced" serialization, so Dates and bigints arrive as they left.
import type { Session } from '@kordon/core';
import type { GatewayConfig } from '../config/options.js';
import type { TlsIdentity } from '../tls.js';

export type OwnerMessage =
  | {
      type: 'start';
      config: GatewayConfig;
      worker: number;
      /** The client port's certificate and key, as the owner loaded or made them. */
      tls: TlsIdentity;
      /** Whether the owner runs a WireGuard driver (else tunnel sessions are refused). */
      tunnels: boolean;
      /** Whether the owner's stdout (which the worker shares) is a terminal, for the log format. */
      terminal: boolean;
      /** Password-hashing threads for this worker: the cores shared out over the workers (DECISIONS 68). */
      hashThreads: number;
    }
  | { type: 'access_result'; id: number; error: string | null }
  | { type: 'metrics_request'; id: number }
  | { type: 'stop' };

export type WorkerMessage =
  | { type: 'listening'; port: number }
  | { type: 'access'; id: number; action: 'grant' | 'revoke'; session: Session }
  | { type: 'metrics'; id: number; metrics: unknown }
  | { type: 'failed'; message: string };
