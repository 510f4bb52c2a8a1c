// The vendor-compatible routes (PROTOCOL.md "Management REST API") and their aliases, with every
// validation rule of the settings object.
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { defaultClientSettings } from '@kordon/core';
import { certificateMaker, type Issued } from './certs.js';
import { createHarness, errorOf, type Harness } from './harness.js';

let h: Harness;
let root: Issued;
let intermediate: Issued;
let leaf: Issued;

const certificates = certificateMaker();

beforeAll(() => {
  root = certificates.issue({ name: 'Kordon Test Root CA', ca: true });
  intermediate = certificates.issue({ name: 'Kordon Test Device CA', ca: true, issuer: root });
  leaf = certificates.issue({ name: 'device-1.corp.example', ca: false, issuer: intermediate });
});

beforeEach(async () => {
  h = await createHarness();
  return () => h.close();
});

afterAll(() => {
  certificates.dispose();
});

const json = (body: unknown) => ({
  payload: JSON.stringify(body),
  headers: { 'content-type': 'application/json' },
});

const fullSetting = {
  auth_domain: 'gw.corp.example',
  local_tunnel: true,
  device_vpn: false,
  trusted_ca_cert: null,
};

describe('vendor routes', () => {
  it('GET state and setting of a fresh gateway give the defaults of DECISIONS 50, with exact keys', async () => {
    for (const base of ['/agent_backend/wireguard', '/agent_backend/agent-server']) {
      const state = await h.asAdmin({ method: 'GET', url: `${base}/state` });
      expect(state.statusCode).toBe(200);
      expect(state.headers['content-type']).toMatch(/^application\/json/);
      expect(state.body).toBe('{"enabled":true}');
      const setting = await h.asAdmin({ method: 'GET', url: `${base}/setting` });
      expect(setting.statusCode).toBe(200);
      expect(setting.json()).toStrictEqual({
        auth_domain: null,
        local_tunnel: false,
        device_vpn: false,
        trusted_ca_cert: null,
      });
      expect(Object.keys(setting.json())).toEqual([
        'auth_domain',
        'local_tunnel',
        'device_vpn',
        'trusted_ca_cert',
      ]);
    }
  });

  it('PUT state stores it, logs it, tells the endpoint, and replies with the stored object', async () => {
    const put = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      ...json({ enabled: false }),
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toStrictEqual({ enabled: false });
    expect((await h.store.settings.get()).enabled).toBe(false);
    expect(h.control.settingsChanges).toEqual([
      { before: defaultClientSettings, after: { ...defaultClientSettings, enabled: false } },
    ]);
    const [event] = await h.store.events.list(10);
    expect(event?.kind).toBe('settings_changed');
    expect(event?.detail).toContain('enabled true -> false');
    expect(event?.detail).toContain('API token "test-admin"');
    const get = await h.asAdmin({ method: 'GET', url: '/agent_backend/wireguard/state' });
    expect(get.json()).toStrictEqual({ enabled: false });
  });

  it('PUT of an unchanged state is 200 and neither logs nor notifies', async () => {
    const put = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      ...json({ enabled: true }),
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toStrictEqual({ enabled: true });
    expect(h.control.settingsChanges).toEqual([]);
    expect(await h.store.events.list(10)).toEqual([]);
  });

  it('PUT setting replaces the whole object and replies with the stored one', async () => {
    const put = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/setting',
      ...json(fullSetting),
    });
    expect(put.statusCode).toBe(200);
    expect(put.json()).toStrictEqual(fullSetting);
    const stored = await h.store.settings.get();
    expect(stored).toStrictEqual({ ...defaultClientSettings, ...fullSetting });
    expect(h.control.settingsChanges).toHaveLength(1);
    expect(h.control.settingsChanges[0]?.after.local_tunnel).toBe(true);
    const get = await h.asAdmin({ method: 'GET', url: '/agent_backend/wireguard/setting' });
    expect(get.json()).toStrictEqual(fullSetting);
  });

  it('PATCH on the agent-server aliases changes only the keys sent', async () => {
    await h.asAdmin({ method: 'PUT', url: '/agent_backend/wireguard/setting', ...json(fullSetting) });
    const patch = await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/setting',
      ...json({ local_tunnel: false }),
    });
    expect(patch.statusCode).toBe(200);
    expect(patch.json()).toStrictEqual({ ...fullSetting, local_tunnel: false });

    const empty = await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/setting',
      ...json({}),
    });
    expect(empty.statusCode).toBe(200);
    expect(empty.json()).toStrictEqual({ ...fullSetting, local_tunnel: false });

    const state = await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/state',
      ...json({ enabled: false }),
    });
    expect(state.statusCode).toBe(200);
    expect(state.json()).toStrictEqual({ enabled: false });
    expect(await h.store.settings.get()).toStrictEqual({
      enabled: false,
      ...fullSetting,
      local_tunnel: false,
    });
    expect(h.control.settingsChanges).toHaveLength(3);
  });

  it('the vendor paths take PUT only and the aliases PATCH only', async () => {
    const patchVendor = await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/wireguard/state',
      ...json({ enabled: false }),
    });
    expect(patchVendor.statusCode).toBe(404);
    expect(errorOf(patchVendor).code).toBe('not_found');
    const putAlias = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/agent-server/state',
      ...json({ enabled: false }),
    });
    expect(putAlias.statusCode).toBe(404);
  });

  it('a PATCH whose merged result breaks a rule is refused as a whole', async () => {
    const patch = await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/setting',
      ...json({ device_vpn: true }),
    });
    expect(patch.statusCode).toBe(400);
    expect(errorOf(patch)).toMatchObject({ code: 'missing_field', field: '/trusted_ca_cert' });
    expect(await h.store.settings.get()).toStrictEqual(defaultClientSettings);
  });
});

describe('validation of the settings bodies', () => {
  async function put(url: string, body: unknown) {
    return h.asAdmin({ method: 'PUT', url, ...json(body) });
  }

  async function expectRefused(
    response: Awaited<ReturnType<typeof put>>,
    code: string,
    field: string | null,
    message?: RegExp,
  ) {
    expect(response.statusCode).toBe(400);
    const error = errorOf(response);
    expect(error.code).toBe(code);
    expect(error.field).toBe(field);
    if (message) expect(error.message).toMatch(message);
    // Nothing was stored or announced.
    expect(await h.store.settings.get()).toStrictEqual(defaultClientSettings);
    expect(h.control.settingsChanges).toEqual([]);
  }

  it('an unknown field is refused and named, with the likely typo', async () => {
    const { auth_domain: _, ...rest } = fullSetting;
    const response = await put('/agent_backend/wireguard/setting', {
      ...rest,
      auth_domian: 'gw.corp.example',
    });
    await expectRefused(
      response,
      'unknown_field',
      '/auth_domian',
      /unknown field "auth_domian".*did you mean "auth_domain"/,
    );
  });

  it('an unknown field next to a complete object is refused too', async () => {
    await expectRefused(
      await put('/agent_backend/wireguard/state', { enabled: true, extra: 1 }),
      'unknown_field',
      '/extra',
    );
    const patch = await h.asAdmin({
      method: 'PATCH',
      url: '/agent_backend/agent-server/setting',
      ...json({ localtunnel: true }),
    });
    await expectRefused(patch, 'unknown_field', '/localtunnel', /did you mean "local_tunnel"/);
  });

  it('wrong types are refused with the field and the expected type', async () => {
    await expectRefused(
      await put('/agent_backend/wireguard/state', { enabled: 'true' }),
      'invalid_field',
      '/enabled',
      /"enabled" must be a boolean/,
    );
    await expectRefused(
      await put('/agent_backend/wireguard/setting', { ...fullSetting, auth_domain: 5 }),
      'invalid_field',
      '/auth_domain',
      /must be a string or null/,
    );
    await expectRefused(
      await put('/agent_backend/wireguard/setting', { ...fullSetting, local_tunnel: 1 }),
      'invalid_field',
      '/local_tunnel',
    );
    await expectRefused(
      await put('/agent_backend/wireguard/setting', { ...fullSetting, trusted_ca_cert: ['x'] }),
      'invalid_field',
      '/trusted_ca_cert',
    );
  });

  it('every key is required in PUT', async () => {
    for (const key of Object.keys(fullSetting)) {
      const body = Object.fromEntries(Object.entries(fullSetting).filter(([name]) => name !== key));
      await expectRefused(
        await put('/agent_backend/wireguard/setting', body),
        'missing_field',
        `/${key}`,
        new RegExp(`"${key}" is required`),
      );
    }
    await expectRefused(await put('/agent_backend/wireguard/state', {}), 'missing_field', '/enabled');
  });

  it('a body that is not an object, or not JSON, is refused', async () => {
    await expectRefused(await put('/agent_backend/wireguard/state', [true]), 'invalid_body', null);
    await expectRefused(await put('/agent_backend/wireguard/state', null), 'invalid_body', null);
    const notJson = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      payload: '{"enabled": true,}',
      headers: { 'content-type': 'application/json' },
    });
    await expectRefused(notJson, 'invalid_json', null, /not valid JSON|invalid JSON/i);
    const duplicate = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      payload: '{"enabled": true, "enabled": false}',
      headers: { 'content-type': 'application/json' },
    });
    await expectRefused(duplicate, 'duplicate_key', '/enabled');
    const empty = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      payload: '',
      headers: { 'content-type': 'application/json' },
    });
    await expectRefused(empty, 'invalid_json', null);
  });

  it('a body that is not JSON by its media type is 415', async () => {
    const response = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      payload: 'enabled=true',
      headers: { 'content-type': 'text/plain' },
    });
    expect(response.statusCode).toBe(415);
    expect(errorOf(response)).toMatchObject({ code: 'unsupported_media_type', field: null });
    const form = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      payload: 'enabled=true',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
    });
    expect(form.statusCode).toBe(415);
  });

  it('accepts JSON with a charset parameter', async () => {
    const response = await h.asAdmin({
      method: 'PUT',
      url: '/agent_backend/wireguard/state',
      payload: '{"enabled":false}',
      headers: { 'content-type': 'application/json; charset=utf-8' },
    });
    expect(response.statusCode).toBe(200);
  });

  it('a body over 1 MiB is 413', async () => {
    const response = await put('/agent_backend/wireguard/setting', {
      ...fullSetting,
      auth_domain: 'a'.repeat(1_100_000),
    });
    expect(response.statusCode).toBe(413);
    expect(errorOf(response).code).toBe('body_too_large');
  });

  it.each([
    ['', /must not be empty/],
    ['-gw.corp.example', /host name/],
    ['gw-.corp.example', /host name/],
    ['gw..corp.example', /host name/],
    ['gw_1.corp.example', /host name/],
    ['gw.corp.example..', /host name/],
    ['gw corp.example', /host name/],
    ['https://gw.corp.example', /host name/],
    ['[::1]', /host name/],
    [`${'a'.repeat(64)}.example`, /host name/],
    [`${'a'.repeat(63)}.`.repeat(4) + 'com', /longer than 253/],
    ['256.1.1.1', /not a valid one/],
    ['10.0.0', /not a valid one/],
  ])('auth_domain %j is refused', async (authDomain, message) => {
    await expectRefused(
      await put('/agent_backend/wireguard/setting', { ...fullSetting, auth_domain: authDomain }),
      'invalid_field',
      '/auth_domain',
      message,
    );
  });

  it.each([
    ['gw.corp.example', 'gw.corp.example'],
    ['gw.corp.example.', 'gw.corp.example'],
    ['localhost', 'localhost'],
    ['GW-1.Corp.Example', 'GW-1.Corp.Example'],
    ['198.18.0.1', '198.18.0.1'],
    ['2001:db8::1', '2001:db8::1'],
    [`${'a'.repeat(63)}.example`, `${'a'.repeat(63)}.example`],
    [null, null],
  ])('auth_domain %j is accepted and stored as %j', async (given, stored) => {
    const response = await put('/agent_backend/wireguard/setting', { ...fullSetting, auth_domain: given });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toMatchObject({ auth_domain: stored });
    expect((await h.store.settings.get()).auth_domain).toBe(stored);
  });

  it('a chain of two CA certificates is accepted, with device_vpn on', async () => {
    const chain = `${intermediate.pem}\n${root.pem}\n`;
    const response = await put('/agent_backend/wireguard/setting', {
      ...fullSetting,
      device_vpn: true,
      trusted_ca_cert: chain,
    });
    expect(response.statusCode).toBe(200);
    expect(response.json()).toStrictEqual({ ...fullSetting, device_vpn: true, trusted_ca_cert: chain });
    const [event] = await h.store.events.list(1);
    expect(event?.detail).toContain('trusted_ca_cert set');
    expect(event?.detail).not.toContain('BEGIN CERTIFICATE');
    expect(event?.detail).not.toContain(intermediate.pem.split('\n')[1]);
  });

  it('device_vpn true without a certificate is refused: the certificate is required then', async () => {
    await expectRefused(
      await put('/agent_backend/wireguard/setting', {
        ...fullSetting,
        device_vpn: true,
        trusted_ca_cert: null,
      }),
      'missing_field',
      '/trusted_ca_cert',
      /required when device_vpn is true/,
    );
  });

  it('a certificate that is not a CA is refused, also inside a chain', async () => {
    await expectRefused(
      await put('/agent_backend/wireguard/setting', { ...fullSetting, trusted_ca_cert: leaf.pem }),
      'invalid_field',
      '/trusted_ca_cert',
      /not a CA certificate/,
    );
    await expectRefused(
      await put('/agent_backend/wireguard/setting', {
        ...fullSetting,
        trusted_ca_cert: `${root.pem}${leaf.pem}`,
      }),
      'invalid_field',
      '/trusted_ca_cert',
      /certificate 2 .*not a CA certificate/,
    );
  });

  it.each([
    ['garbage text', 'not a certificate at all'],
    ['an empty string', ''],
    ['a broken base64 body', '-----BEGIN CERTIFICATE-----\nMIIB!!!notbase64\n-----END CERTIFICATE-----\n'],
    ['a block that is not DER', '-----BEGIN CERTIFICATE-----\nSGVsbG8gd29ybGQ=\n-----END CERTIFICATE-----\n'],
  ])('trusted_ca_cert with %s is refused', async (_what, pem) => {
    await expectRefused(
      await put('/agent_backend/wireguard/setting', { ...fullSetting, trusted_ca_cert: pem }),
      'invalid_field',
      '/trusted_ca_cert',
      /trusted_ca_cert/,
    );
  });

  it('text around or between the certificates is refused', async () => {
    for (const pem of [`junk\n${root.pem}`, `${root.pem}junk`, `${intermediate.pem}between\n${root.pem}`]) {
      await expectRefused(
        await put('/agent_backend/wireguard/setting', { ...fullSetting, trusted_ca_cert: pem }),
        'invalid_field',
        '/trusted_ca_cert',
        /nothing else/,
      );
    }
    const key =
      '-----BEGIN PRIVATE KEY-----\nMIGHAgEAMBMGByqGSM49AgEGCCqGSM49AwEHBG0wawIBAQQg\n-----END PRIVATE KEY-----\n';
    const response = await put('/agent_backend/wireguard/setting', {
      ...fullSetting,
      trusted_ca_cert: `${root.pem}${key}`,
    });
    await expectRefused(response, 'invalid_field', '/trusted_ca_cert');
    expect(response.body).not.toContain('MIGHAgEA');
  });
});
