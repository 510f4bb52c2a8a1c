// What `kordon status` shows (DECISIONS 74): the session's state as JSON for programs, and in words
// for people: connecting to which host, waiting for what, why it stopped. Pure.
import type { PostureStateMessage } from '@kordon/protocol';
import type { SessionState } from './engine.js';

/** `kordon status --json`: snake_case, absent fields left out. */
export interface Status {
  /** `stepped_aside`: Device VPN only, while a user's connection is up (DECISIONS 77). */
  state: SessionState['state'] | 'disconnected' | 'stepped_aside';
  profile?: string;
  /** The configured server (while looking) or the gateway's host. */
  server?: string;
  host?: string;
  port?: number;
  waiting_for?: string;
  url?: string;
  until?: string;
  user?: string;
  mode?: 'vpn' | 'local';
  tunnel_address?: string | null;
  since?: string;
  why?: string;
  /** A stop that retrying cannot fix (DECISIONS 64). */
  final?: boolean;
  retry_in_seconds?: number;
  last_posture_report?: string | null;
  posture?: { profiles: string[]; limited: boolean; message: string };
  /** Root only: the device's own session when Device VPN is on (DECISIONS 77). */
  device?: Status;
}

export function statusOf(s: SessionState): Status {
  switch (s.state) {
    case 'locating':
      return { state: s.state, server: s.server };
    case 'connecting':
      return { state: s.state, server: s.server, host: s.host, port: s.port };
    case 'authorizing':
      return { state: s.state, server: s.server, waiting_for: s.waitingFor };
    case 'second_factor':
      return { state: s.state, server: s.server, url: s.url, until: s.until.toISOString() };
    case 'connected':
      return {
        state: s.state,
        server: s.server,
        user: s.user,
        mode: s.vpn ? 'vpn' : 'local',
        tunnel_address: s.tunnelAddress,
        since: s.since.toISOString(),
      };
    case 'waiting':
      return { state: s.state, why: s.why, retry_in_seconds: s.retryInSeconds };
    case 'stopped':
      return { state: s.state, why: s.why, final: s.final };
  }
}

export function postureOf(m: PostureStateMessage): NonNullable<Status['posture']> {
  return { profiles: m.profiles, limited: m.limited, message: m.message };
}

/** One line a person reads. */
export function statusWords(s: Status): string {
  const profile = s.profile === undefined ? '' : ` (profile ${s.profile})`;
  switch (s.state) {
    case 'disconnected':
      return 'not connected';
    case 'stepped_aside':
      return `stepped aside: ${s.why ?? '?'}`;
    case 'locating':
      return `looking for the gateway of ${s.server ?? '?'}${profile}`;
    case 'connecting':
      return `connecting to ${s.host ?? '?'} port ${s.port ?? '?'} for ${s.server ?? '?'}${profile}`;
    case 'authorizing':
      return `at ${s.server ?? '?'}: waiting for ${s.waiting_for ?? 'the gateway'}${profile}`;
    case 'second_factor':
      return `waiting for the second factor: open ${s.url ?? '?'} in a browser to finish logging in to ${s.server ?? '?'} (until ${s.until ?? '?'})${profile}`;
    case 'connected': {
      const how = s.mode === 'vpn' ? `VPN, tunnel ${s.tunnel_address ?? '?'}` : 'local network';
      const posture =
        s.posture === undefined
          ? ''
          : `; posture: ${s.posture.limited ? 'limited' : 'ok'}${s.posture.message ? ` (${s.posture.message})` : ''}`;
      return `connected to ${s.server ?? '?'} as ${s.user ?? '?'} (${how}) since ${s.since ?? '?'}${profile}${posture}`;
    }
    case 'waiting':
      return `not connected yet: ${s.why ?? '?'}; trying again in ${s.retry_in_seconds ?? '?'} s${profile}`;
    case 'stopped':
      return s.why === 'disconnected'
        ? `disconnected${profile}`
        : `stopped: ${s.why ?? '?'}${s.final === true ? ' (not retried until the profile changes or you connect again)' : ''}${profile}`;
  }
}

/** Device VPN's line of `kordon status`: a device retries everything, so "stopped" is never final. */
export function deviceStatusWords(s: Status): string {
  return `Device VPN: ${statusWords({ ...s, final: false })}`;
}
