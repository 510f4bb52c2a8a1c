// What a person reads in `auth_state.message` for each outcome (DECISIONS 15, 55).
// Never "Unknown error": each failure says what happened and what to do.
import type { AuthFailureReason } from '@kordon/protocol';

export interface AuthFailureDetails {
  /** Seconds until the next attempt is checked (throttled). */
  waitSeconds?: number;
  /** The client's address (address_in_use). */
  address?: string;
  /** Where the update is (update_required). */
  downloadUrl?: string;
  /**
   * What the gateway could not do (internal), which certificate check failed (certificate), or the
   * account's own words (disabled: a directory account locked or expired).
   */
  what?: string;
}

export function authFailureMessage(reason: AuthFailureReason, d: AuthFailureDetails = {}): string {
  switch (reason) {
    case 'credentials':
      return 'Wrong login or password.';
    case 'throttled':
      return `Too many failed login attempts. Try again in ${d.waitSeconds ?? 0} s.`;
    case 'disabled':
      return d.what ?? 'This account is disabled. Ask your network administrator to enable it.';
    case 'vpn_denied':
      return 'VPN access from outside the local network is not allowed for this account. Connect from the office network, or ask your administrator for VPN access.';
    case 'address_in_use':
      return `This computer's address ${d.address ?? ''} is already authorized for another user. Log that user out first (in their client, or ask the administrator to end the session in "Authorized users"), then log in again.`;
    case 'update_required':
      return `This client must be updated before it can log in. Download the new version${d.downloadUrl ? ` from ${d.downloadUrl}` : ''}, install it and connect again.`;
    case 'client_authorization_off':
      return 'Authorization through the client is turned off on this gateway. Ask your network administrator.';
    case 'resume_refused':
      return 'The previous session cannot be resumed any more; log in again.';
    case 'device_mismatch':
      return 'This session belongs to another device; log in again.';
    case 'device_limit':
      return 'Your account was logged in on another device, and at most 5 devices may be logged in at once; this, the oldest session, was ended.';
    case 'tunnel_timeout':
      return 'The tunnel was not set up in time (no tunnel_wg); the session was ended.';
    case 'logged_out':
      return 'Logged out.';
    case 'internal':
      return `The gateway could not complete the login${d.what ? ` (${d.what})` : ''}. The client tries again by itself; if it keeps failing, tell your network administrator.`;
    case 'pool_exhausted':
      return 'The gateway has no free tunnel address. The client tries again by itself; tell your network administrator to enlarge the tunnel network.';
    case 'key_in_use':
      return "This device's WireGuard key belongs to another account's session. Make a new key (remove and re-add the profile), or ask your administrator.";
    case 'busy':
      return `The gateway is busy checking other logins. The client tries again in ${d.waitSeconds ?? 0} s.`;
    case 'certificate':
      return `The device certificate was refused${d.what ? `: ${d.what}` : ''}.`;
    case 'sso':
      return `Single sign-on failed${d.what ? `: ${d.what}` : ''}. Connect again, or log in with your login and password.`;
  }
}

export function authSuccessMessage(account: string, needTunnel: boolean): string {
  return needTunnel
    ? `Authorized as ${account}; set up the tunnel to continue.`
    : `Authorized as ${account}.`;
}
