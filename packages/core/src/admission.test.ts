import { describe, expect, it } from 'vitest';
import { decideAdmission, type AdmissionInput } from './admission.js';
import type { Identity } from './authenticator.js';
import { defaultClientSettings } from './model.js';
import type { VpnRule } from './vpn-rules.js';

const alice: Identity = {
  account: 'alice',
  method: 'password',
  groups: ['remote'],
  displayName: null,
  disabled: false,
};
const allowRemote: VpnRule = {
  id: 'r1',
  position: 1,
  action: 'allow',
  users: [],
  groups: ['remote'],
  createdAt: new Date(0),
};

function input(over: Partial<AdmissionInput>): AdmissionInput {
  return { identity: alice, settings: defaultClientSettings, local: true, vpnRules: [], ...over };
}

describe('decideAdmission', () => {
  it('admits a local login without a tunnel unless local_tunnel is on', () => {
    expect(decideAdmission(input({}))).toEqual({
      admitted: true,
      needTunnel: false,
      external: false,
      ruleId: null,
    });
    const on = { ...defaultClientSettings, local_tunnel: true };
    expect(decideAdmission(input({ settings: on }))).toMatchObject({ admitted: true, needTunnel: true });
  });

  it('refuses in the order: authorization off, no account, disabled, no VPN rule', () => {
    const off = { ...defaultClientSettings, enabled: false };
    expect(decideAdmission(input({ settings: off, identity: undefined }))).toMatchObject({
      reason: 'client_authorization_off',
    });
    expect(decideAdmission(input({ identity: undefined }))).toMatchObject({ reason: 'credentials' });
    expect(decideAdmission(input({ identity: { ...alice, disabled: true }, local: false }))).toMatchObject({
      reason: 'disabled',
    });
    expect(decideAdmission(input({ local: false }))).toMatchObject({
      admitted: false,
      reason: 'vpn_denied',
    });
  });

  it('admits an external login through the rule that allows it, always with a tunnel', () => {
    expect(decideAdmission(input({ local: false, vpnRules: [allowRemote] }))).toEqual({
      admitted: true,
      needTunnel: true,
      external: true,
      ruleId: 'r1',
    });
  });

  it('judges an existing tunnel session by its new place (DECISIONS 66)', () => {
    // Moved from the LAN to outside: now it needs a rule.
    expect(decideAdmission(input({ local: false, existingTunnel: true }))).toMatchObject({
      reason: 'vpn_denied',
    });
    // Moved into the LAN: it keeps its tunnel, even with local_tunnel off.
    expect(decideAdmission(input({ local: true, existingTunnel: true }))).toMatchObject({
      admitted: true,
      needTunnel: true,
    });
  });

  it('names the rule that denied', () => {
    const deny: VpnRule = { ...allowRemote, id: 'r0', position: 0, action: 'deny', users: ['alice'] };
    const decision = decideAdmission(input({ local: false, vpnRules: [allowRemote, deny] }));
    expect(decision).toMatchObject({ admitted: false, detail: 'VPN-access rule r0 denies this account' });
  });
});
