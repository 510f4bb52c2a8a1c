// Admission: whether an identity may hold a session here, and how. One pure function used by the
// login, by `resume` (DECISIONS 66) and by every re-check after an administrative change
// (DECISIONS 67), so no admission rule is written twice. The device limit is its second half
// (`planActivation`, devices.ts), run inside the store transaction that counts the sessions.
import type { Identity } from './authenticator.js';
import type { ClientSettings } from './model.js';
import { evaluateVpnRules, type VpnRule } from './vpn-rules.js';

export interface AdmissionInput {
  /** The account as its method knows it now; undefined when it does not exist (any more). */
  identity: Identity | undefined;
  settings: ClientSettings;
  /** Whether the client's source address is in the local networks (DECISIONS 16). */
  local: boolean;
  /** The VPN-access rules in force (DECISIONS 17). */
  vpnRules: readonly VpnRule[];
  /**
   * For a session that exists (resume, re-check): whether it has a tunnel. A new login takes one when
   * it is external or `local_tunnel` is on.
   */
  existingTunnel?: boolean;
}

export type AdmissionRefusal = 'credentials' | 'disabled' | 'vpn_denied' | 'client_authorization_off';

export type Admission =
  | { admitted: true; needTunnel: boolean; external: boolean; ruleId: string | null }
  | { admitted: false; reason: AdmissionRefusal; detail: string };

export function decideAdmission(input: AdmissionInput): Admission {
  const { identity, settings, local } = input;
  if (!settings.enabled) {
    return { admitted: false, reason: 'client_authorization_off', detail: 'client authorization is off' };
  }
  // DECISIONS 15, 66: a removed account reads as wrong credentials, like an unknown one.
  if (identity === undefined) {
    return { admitted: false, reason: 'credentials', detail: 'the account does not exist' };
  }
  if (identity.disabled) return { admitted: false, reason: 'disabled', detail: 'account disabled' };
  const needTunnel = input.existingTunnel ?? (!local || settings.local_tunnel);
  if (local) return { admitted: true, needTunnel, external: false, ruleId: null };
  // DECISIONS 17: external access needs a VPN-access rule that allows the account.
  const vpn = evaluateVpnRules(input.vpnRules, identity.account, identity.groups);
  if (!vpn.allowed) {
    return {
      admitted: false,
      reason: 'vpn_denied',
      detail:
        vpn.ruleId === null
          ? 'no VPN-access rule allows this account'
          : `VPN-access rule ${vpn.ruleId} denies this account`,
    };
  }
  return { admitted: true, needTunnel, external: true, ruleId: vpn.ruleId };
}
