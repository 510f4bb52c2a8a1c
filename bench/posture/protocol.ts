// What S6's driver and its client processes (client.ts) say to each other over Node's IPC channel.
import type { Login } from '../load/protocol.ts';

/** Parent → client process. */
export type PostureCommand =
  | {
      kind: 'open';
      url: string;
      /** PEM the server's certificate is checked against. */
      ca: string;
      /** One 127.x.y.z source address per session. */
      sources: string[];
      /** One per session (a bare server takes any). */
      logins: Login[];
      /** The first session's device number: names its reports (`WS-<n>`). */
      firstDevice: number;
      concurrency: number;
    }
  | {
      kind: 'run';
      /** Reports sent before the counted window opens. */
      warmupMs: number;
      windowMs: number;
      flipEvery: number;
      /** How many sessions of this process report their last answer for the check against the store. */
      samples: number;
    }
  | { kind: 'close' };

/** One session's last exchange, to compare with what the gateway stored. */
export interface PostureSample {
  source: string;
  /** The step of its last report (workload.ts postureReport). */
  step: number;
  /** The last `posture_state` it was sent, as sent. */
  state: Record<string, unknown>;
}

/** Client process → parent. */
export type PostureReport =
  | { kind: 'ready' }
  | { kind: 'opened'; open: number; failed: number; firstError: string | null }
  | {
      kind: 'ran';
      /** Reports sent over the whole run, the warm-up included. */
      sent: number;
      /** `posture_state` answers received over the whole run. */
      answered: number;
      /** Answers received within the counted window. */
      inWindow: number;
      /** The window's length as this process measured it, ms. */
      windowMs: number;
      /** Report → answer, ms, for every tenth answer in the window. */
      latencyMs: number[];
      /** Sessions whose report went unanswered within 10 s after the window. */
      unanswered: number;
      samples: PostureSample[];
    }
  | { kind: 'closed' };
