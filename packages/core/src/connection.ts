// The per-connection protocol state machine: which message may come when (PROTOCOL.md stages:
// version, then authorize/sso/resume, then tunnel_wg/ztna/unauthorize). Pure: the endpoint keeps the
// state, asks `admit` before handling a message, and moves the state with the transitions below.

export type ClientMessageType =
  'version' | 'authorize' | 'sso' | 'resume' | 'authorize_device' | 'tunnel_wg' | 'ztna' | 'unauthorize';

export type ConnectionPhase = 'awaiting_version' | 'awaiting_auth' | 'authorized';

export interface ConnectionState {
  phase: ConnectionPhase;
  /** The client's version must be updated before it may log in (DECISIONS 6: answered by auth_state). */
  updateRequired: boolean;
  /** While authorized: whether the session needs a tunnel, and whether `tunnel_wg` made one. */
  needTunnel: boolean;
  tunnelReady: boolean;
}

export const initialConnectionState: ConnectionState = {
  phase: 'awaiting_version',
  updateRequired: false,
  needTunnel: false,
  tunnelReady: false,
};

/** An `error` reply's code and words (DECISIONS 6; the full list is in docs/protocol.md). */
export interface Refusal {
  code: SessionErrorCode;
  message: string;
}

export type SessionErrorCode =
  | 'version_required'
  | 'version_already_sent'
  | 'not_authorized'
  | 'already_authorized'
  | 'tunnel_not_needed'
  | 'internal_error';

/** Whether a message of `type` may be handled now; otherwise the refusal to send back. */
export function admit(state: ConnectionState, type: ClientMessageType): Refusal | undefined {
  if (state.phase === 'awaiting_version') {
    return type === 'version'
      ? undefined
      : {
          code: 'version_required',
          message: `expected a "version" message first (got "${type}"): send {"type":"version",...} right after connecting`,
        };
  }
  if (type === 'version') {
    return {
      code: 'version_already_sent',
      message: 'the version was already checked on this connection; reconnect to send another',
    };
  }
  const login = type === 'authorize' || type === 'sso' || type === 'resume' || type === 'authorize_device';
  if (state.phase === 'awaiting_auth') {
    if (login || type === 'unauthorize') return undefined;
    return {
      code: 'not_authorized',
      message: `"${type}" is accepted only after a successful login; send "authorize", "sso" or "resume" first`,
    };
  }
  // authorized
  if (login) {
    return {
      code: 'already_authorized',
      message: 'this connection is already authorized; send "unauthorize" first to log in as someone else',
    };
  }
  if (type === 'tunnel_wg' && !state.needTunnel) {
    return {
      code: 'tunnel_not_needed',
      message: 'this session does not use a tunnel (auth_state said need_tunnel: false)',
    };
  }
  return undefined;
}

export function afterVersion(state: ConnectionState, updateRequired: boolean): ConnectionState {
  return { ...state, phase: 'awaiting_auth', updateRequired };
}

export function afterAuthorized(state: ConnectionState, needTunnel: boolean): ConnectionState {
  return { ...state, phase: 'authorized', needTunnel, tunnelReady: false };
}

export function afterSessionEnded(state: ConnectionState): ConnectionState {
  return { ...state, phase: 'awaiting_auth', needTunnel: false, tunnelReady: false };
}

/** DECISIONS 33: the fifth bad message in a row closes the connection. */
export const maxConsecutiveErrors = 5;
