// The change feed (DECISIONS 67): every administrative change is written with a change record in the
// same transaction, and every process follows the records, so a change reaches every live session
// wherever it is held. Records are plain data; `decodeChange` checks what it reads (a newer Kordon
// may write kinds this one does not know: they are skipped, not guessed at).
import type { ClientSettings } from './model.js';

export type UserAction = 'created' | 'removed' | 'disabled' | 'enabled' | 'password';

export type Change =
  | { kind: 'user'; account: string; action: UserAction }
  /** A group was created or removed, or its members changed. */
  | { kind: 'group'; group: string }
  | { kind: 'vpn_rules' }
  | { kind: 'settings'; before: ClientSettings; after: ClientSettings }
  /** An administrator ended one session (close 4002): whoever holds it ends it. */
  | { kind: 'session_ended'; sessionId: string }
  /**
   * Another process ended or took over a session (device limit, replaced device, resumed elsewhere):
   * whoever still holds its connection closes it with `code`, saying `reason` when there is one.
   */
  | { kind: 'session_displaced'; sessionId: string; code: number; reason: string | null }
  | { kind: 'exemptions' }
  /** The directory configuration changed or went: every directory account's sessions are judged again. */
  | { kind: 'directory' }
  /**
   * A posture object or profile was added, replaced or removed, or the posture settings changed:
   * every live session's last report is evaluated again (DECISIONS 67).
   */
  | { kind: 'posture' }
  /**
   * An access rule by posture profile was added, changed or removed (access-rules.ts): the kernel's
   * owner installs the rules again, and every live session is told what it reaches now.
   */
  | { kind: 'access_rules' };

export type ChangeKind = Change['kind'];

/** A change as the feed hands it out: its position and when it was written. */
export interface ChangeRecord {
  id: number;
  at: Date;
  change: Change;
}

export interface EncodedChange {
  kind: ChangeKind;
  /** JSON of the change without its kind. */
  payload: string;
}

export function encodeChange(change: Change): EncodedChange {
  const { kind, ...rest } = change;
  return { kind, payload: JSON.stringify(rest) };
}

const userActions: readonly string[] = ['created', 'removed', 'disabled', 'enabled', 'password'];

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function isSettings(value: unknown): value is ClientSettings {
  return (
    isRecord(value) &&
    typeof value['enabled'] === 'boolean' &&
    (value['auth_domain'] === null || typeof value['auth_domain'] === 'string') &&
    typeof value['local_tunnel'] === 'boolean' &&
    typeof value['device_vpn'] === 'boolean' &&
    (value['trusted_ca_cert'] === null || typeof value['trusted_ca_cert'] === 'string')
  );
}

/** The change a stored record holds, or undefined when this version cannot read it. */
export function decodeChange(kind: string, payload: string): Change | undefined {
  let body: unknown;
  try {
    body = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (!isRecord(body)) return undefined;
  switch (kind) {
    case 'user': {
      const { account, action } = body;
      if (typeof account !== 'string' || typeof action !== 'string' || !userActions.includes(action))
        return undefined;
      return { kind, account, action: action as UserAction };
    }
    case 'group':
      return typeof body['group'] === 'string' ? { kind, group: body['group'] } : undefined;
    case 'vpn_rules':
    case 'exemptions':
    case 'directory':
    case 'posture':
    case 'access_rules':
      return { kind };
    case 'settings': {
      const { before, after } = body;
      return isSettings(before) && isSettings(after) ? { kind, before, after } : undefined;
    }
    case 'session_ended':
      return typeof body['sessionId'] === 'string' ? { kind, sessionId: body['sessionId'] } : undefined;
    case 'session_displaced': {
      const { sessionId, code, reason } = body;
      if (typeof sessionId !== 'string' || typeof code !== 'number') return undefined;
      if (reason !== null && typeof reason !== 'string') return undefined;
      return { kind, sessionId, code, reason };
    }
    default:
      return undefined;
  }
}
