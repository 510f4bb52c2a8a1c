import Value from 'typebox/value';
import { describe, expect, it } from 'vitest';
import { WireguardSetting, WireguardSettingPatch, WireguardState, WireguardStatePatch } from './rest.js';

describe('management REST bodies (PROTOCOL.md, DECISIONS 7)', () => {
  it('WireguardState takes exactly {enabled: boolean}', () => {
    expect(Value.Check(WireguardState, { enabled: true })).toBe(true);
    expect(Value.Check(WireguardState, {})).toBe(false);
    expect(Value.Check(WireguardState, { enabled: 'true' })).toBe(false);
    expect(Value.Check(WireguardState, { enabled: true, enabld: false })).toBe(false);
  });

  it('WireguardSetting needs every key, allows null where the spec does, and refuses unknown keys', () => {
    const setting = {
      auth_domain: 'gw.corp.example',
      local_tunnel: false,
      device_vpn: false,
      trusted_ca_cert: null,
    };
    expect(Value.Check(WireguardSetting, setting)).toBe(true);
    expect(Value.Check(WireguardSetting, { ...setting, auth_domain: null })).toBe(true);
    expect(
      Value.Check(WireguardSetting, { ...setting, trusted_ca_cert: '-----BEGIN CERTIFICATE-----' }),
    ).toBe(true);
    const { device_vpn: _absent, ...withoutDeviceVpn } = setting;
    expect(Value.Check(WireguardSetting, withoutDeviceVpn)).toBe(false);
    expect(Value.Check(WireguardSetting, { ...setting, local_tunnel: null })).toBe(false);
    expect(Value.Check(WireguardSetting, { ...setting, localtunnel: true })).toBe(false);
  });

  it('the patches take any subset of the keys and nothing else', () => {
    expect(Value.Check(WireguardSettingPatch, {})).toBe(true);
    expect(Value.Check(WireguardSettingPatch, { device_vpn: true })).toBe(true);
    expect(Value.Check(WireguardSettingPatch, { auth_domain: null })).toBe(true);
    expect(Value.Check(WireguardSettingPatch, { device_vpn: 'yes' })).toBe(false);
    expect(Value.Check(WireguardSettingPatch, { dns: '1.1.1.1' })).toBe(false);
    expect(Value.Check(WireguardStatePatch, {})).toBe(true);
    expect(Value.Check(WireguardStatePatch, { enabled: false })).toBe(true);
    expect(Value.Check(WireguardStatePatch, { enabled: false, x: 1 })).toBe(false);
  });
});
