// The admin console in a real browser: Debian's Chromium driven by Playwright inside the gateway's
// namespace, against the real gateway (nftables, wireguard-go) with real clients logging in from the
// LAN and over a WireGuard tunnel from the WAN. Every test keeps a screenshot in test-results/console/.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BrowserContext, Page } from 'playwright-core';
import { runCommand } from '@kordon/drivers';
import { openSqliteStore } from '../../packages/gateway/src/store/index.js';
import { Agent } from './support/agent-client.js';
import { launchBrowser, screenshot, type TestBrowser } from './support/browser.js';
import {
  cli,
  createNetwork,
  exited,
  makeDataDir,
  PlainWireGuardClient,
  startGateway,
  type GatewayProcess,
  type Network,
} from './support/hosts.js';

const consoleUrl = 'https://127.0.0.1:8443/admin/';
const version = { type: 'version', major: 1, minor: 0, build: 0, os: 'linux' };
const newPassword = 'console admin password 1';

let net: Network;
let data: ReturnType<typeof makeDataDir>;
let gateway: GatewayProcess;
let browser: TestBrowser;
let context: BrowserContext;
let page: Page;
let lanAgent: Agent;
let wanAgent: Agent;
let wanTunnel: PlainWireGuardClient;

beforeAll(async () => {
  net = await createNetwork();
  data = makeDataDir();
  const d = ['--data-dir', data.dir];
  await cli(['user', 'add', 'alice', '--password-stdin', ...d], 'alice-password\n');
  await cli(['user', 'add', 'bob', '--password-stdin', ...d], 'bob-password\n');
  await cli(['vpn-rule', 'add', '--users', 'bob', '--allow', ...d]);
  gateway = await startGateway(net.gw, [
    ...d,
    '--listen',
    '0.0.0.0:14765',
    '--local-networks',
    '198.18.1.0/24',
    '--client-interfaces',
    'lan0,wan0',
    '--wg-interface',
    `k${net.id}gw0`,
    '--wireguard',
    'userspace',
    '--firewall',
    'nftables',
  ]);
  [lanAgent, wanAgent] = (await Promise.all([net.lan, net.wan].map((ns) => Agent.start(ns.name)))) as [
    Agent,
    Agent,
  ];
  wanTunnel = await PlainWireGuardClient.create(net.wan, `k${net.id}wan0`);
  browser = await launchBrowser(net.gw);
  context = await browser.browser.newContext({
    ignoreHTTPSErrors: true,
    viewport: { width: 1440, height: 900 },
    locale: 'en-US',
  });
  page = await context.newPage();
});

afterAll(async () => {
  const maybe = <T>(v: T): T | undefined => v;
  await maybe(browser)?.close();
  for (const a of [maybe(lanAgent), maybe(wanAgent)]) a?.stop();
  await maybe(wanTunnel)?.down();
  const gw = maybe(gateway);
  if (gw) {
    gw.child.kill('SIGTERM');
    await exited(gw.child);
  }
  const n = maybe(net);
  await n?.remove();
  if (n) await runCommand('pkill', ['-f', `k${n.id}`]).catch(() => undefined);
  maybe(data)?.remove();
});

/** A REST call from the signed-in page itself (its cookie and CSRF token): what the API says now. */
async function rest<T>(path: string): Promise<T> {
  return page.evaluate(async (url) => {
    const response = await fetch(url, { credentials: 'same-origin' });
    return (await response.json()) as T;
  }, path);
}

async function login(agent: Agent, id: string, host: string, name: string): Promise<Record<string, unknown>> {
  await agent.wsOpen(id, `wss://${host}:14765/connect`, data.ca());
  await agent.wsRequest(id, version, 'update');
  return agent.wsRequest(id, { type: 'authorize', login: name, password: `${name}-password` }, 'auth_state');
}

const rowOf = (account: string) => page.getByRole('row').filter({ hasText: account });

describe('the admin console', () => {
  it('the first administrator signs in with the password file and must change it first', async () => {
    const initial = readFileSync(join(data.dir, 'initial-admin-password'), 'utf8').trim();
    await page.goto(consoleUrl);
    await page.getByLabel('Name').fill('admin');
    await page.getByLabel('Password', { exact: true }).fill('wrong password');
    await page.getByRole('button', { name: 'Sign in' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toBe('Wrong name or password.');
    await page.getByLabel('Password', { exact: true }).fill(initial);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('heading', { name: 'Choose a new password' }).waitFor();
    await screenshot(page, '01-forced-password-change');
    await page.getByLabel('Current password').fill(initial);
    await page.getByLabel('New password', { exact: true }).fill('short');
    await page.getByLabel('Repeat the new password').fill('short');
    await page.getByRole('button', { name: 'Change password' }).click();
    await expect
      .poll(() => page.getByRole('alert').textContent())
      .toBe('the new password must have at least 10 characters');
    await page.getByLabel('New password', { exact: true }).fill(newPassword);
    await page.getByLabel('Repeat the new password').fill(newPassword);
    await page.getByRole('button', { name: 'Change password' }).click();
    await page.getByRole('heading', { name: 'Authorized users' }).waitFor();
    await screenshot(page, '02-monitor-empty');
  });

  it('shows a session the moment a client authorizes, filters to VPN users, and ends one', async () => {
    expect(await login(lanAgent, 'lan', '198.18.1.1', 'alice')).toMatchObject({ authorized: true });
    await rowOf('alice').waitFor({ timeout: 5000 });
    await expect.poll(() => rowOf('alice').textContent()).toContain('local');

    const wan = await login(wanAgent, 'wan', '198.18.2.1', 'bob');
    expect(wan).toMatchObject({ authorized: true, need_tunnel: true });
    const tunnel = await wanAgent.wsRequest(
      'wan',
      { type: 'tunnel_wg', public_key: wanTunnel.publicKey },
      'tunnel_wg',
    );
    await wanTunnel.up(tunnel, '198.18.2.1', []);
    await rowOf('bob').waitFor({ timeout: 5000 });
    await expect.poll(() => rowOf('bob').textContent()).toContain('VPN');
    await expect.poll(() => page.getByTestId('session-count').textContent()).toBe('2 sessions');
    await screenshot(page, '03-monitor-live');

    await page.getByLabel('Only VPN users').check();
    await expect.poll(() => page.getByTestId('session-count').textContent()).toBe('1 sessions');
    expect(await rowOf('alice').count()).toBe(0);
    await rowOf('bob').waitFor();
    await screenshot(page, '04-monitor-vpn-only');
    await page.getByLabel('Only VPN users').uncheck();

    await rowOf('alice').getByRole('button', { name: 'End session' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('End the session of alice from 198.18.1.2?');
    await screenshot(page, '05-end-session-confirm');
    await dialog.getByRole('button', { name: 'End session' }).click();
    await expect.poll(() => rowOf('alice').count()).toBe(0);
    expect((await lanAgent.wsClosed('lan')).code).toBe(4002);
    const sessions = await rest<{ items: { account: string }[] }>('/api/v1/sessions');
    expect(sessions.items.map((s) => s.account)).toStrictEqual(['bob']);
  });

  it('changes each setting and the REST API says so; a missing trusted_ca_cert is shown at its field', async () => {
    await page.getByRole('link', { name: 'Client settings' }).click();
    await page.getByRole('heading', { name: 'Client settings' }).waitFor();

    await page.getByLabel('Authorization through the client').uncheck();
    await expect
      .poll(() => rest<{ enabled: boolean }>('/agent_backend/wireguard/state'))
      .toStrictEqual({
        enabled: false,
      });
    await page.getByLabel('Authorization through the client').check();
    await expect
      .poll(() => rest<{ enabled: boolean }>('/agent_backend/wireguard/state'))
      .toStrictEqual({
        enabled: true,
      });

    await page.getByLabel('Authorization domain (auth_domain)').fill('gw.corp.example');
    await page.getByLabel('Tunnel for local users (local_tunnel)').click();
    await page.getByRole('button', { name: 'Save' }).click();
    const dialog = page.getByRole('dialog');
    await expect.poll(() => dialog.textContent()).toContain('Changing local_tunnel ends 0 local sessions');
    await dialog.getByRole('button', { name: 'Confirm' }).click();
    await expect.poll(() => page.getByRole('status').filter({ hasText: 'Saved.' }).count()).toBe(1);
    const stored = await rest<Record<string, unknown>>('/agent_backend/wireguard/setting');
    expect(stored).toMatchObject({ auth_domain: 'gw.corp.example', device_vpn: false });
    const localTunnel = stored['local_tunnel'];

    await page.getByLabel('Device VPN (device_vpn)').check();
    await page.getByRole('button', { name: 'Save' }).click();
    const field = page.getByLabel('Trusted CA certificate');
    await expect.poll(() => field.getAttribute('aria-invalid')).toBe('true');
    const fieldError = page.locator(`#${(await field.getAttribute('aria-describedby')) ?? 'none'}`);
    expect(await fieldError.getAttribute('role')).toBe('alert');
    expect(await fieldError.textContent()).toMatch(/trusted_ca_cert/);
    await screenshot(page, '06-settings-field-error');
    expect(await rest<Record<string, unknown>>('/agent_backend/wireguard/setting')).toMatchObject({
      device_vpn: false,
      local_tunnel: localTunnel,
    });

    await page.getByLabel('Trusted CA certificate').fill(data.ca());
    await page.getByRole('table', { name: 'Certificates in the text' }).waitFor();
    await screenshot(page, '07-settings-certificate-preview');
  });

  it('pages through a monitor of 10,000 sessions, and a search narrows it on the gateway', async () => {
    // Sessions another node holds, written into the shared store: this gateway lists them and
    // leaves them alone (they are not its own to sweep).
    const store = await openSqliteStore({ file: join(data.dir, 'kordon.db') });
    try {
      for (let i = 0; i < 10_000; i++) {
        const address = `10.${(i >> 16) & 255}.${(i >> 8) & 255}.${i & 255}`;
        await store.sessions.insert({
          id: `bulk-${String(i).padStart(5, '0')}`,
          account: `user${String(i).padStart(5, '0')}`,
          method: 'password',
          sourceAddress: address,
          vpn: false,
          tunnelIpv4: null,
          device: address,
          state: 'active',
          since: new Date(Date.UTC(2026, 11, 1, 8, 0, 0) + i * 1000),
          node: 'gw-other',
          holder: 'gw-other/0',
          graceUntil: null,
          resumeNonceHash: null,
          previousNonceHash: null,
          rotatedAt: null,
          posture: null,
        });
      }
    } finally {
      await store.close();
    }
    await page.getByRole('link', { name: 'Monitor' }).click();
    await page.getByRole('heading', { name: 'Authorized users' }).waitFor();
    // Bob's session ended when authorization was turned off (4004): the 10,000 written ones are left.
    await expect
      .poll(() => page.getByTestId('session-count').textContent(), { timeout: 10_000 })
      .toBe('10000 sessions');
    // Oldest first; scrolling to the end loads page after page.
    const scroller = page.locator('.table-scroll');
    for (let i = 0; i < 80 && (await rowOf('user09999').count()) === 0; i++) {
      await scroller.evaluate((element) => {
        element.scrollTop = element.scrollHeight;
      });
      await page.waitForTimeout(100);
    }
    await rowOf('user09999').waitFor({ timeout: 5000 });
    // Only the rows in view are in the page, not 10,000.
    expect(await page.locator('tr[data-session]').count()).toBeLessThan(100);
    await screenshot(page, '09-monitor-10000-end');

    await page.getByLabel('Search').fill('user0421');
    await expect.poll(() => page.getByTestId('session-count').textContent()).toBe('10 sessions');
    await rowOf('user04219').waitFor();
    await screenshot(page, '10-monitor-10000-search');
    await page.getByLabel('Search').fill('');
  });

  it('speaks Russian when asked, and remembers it', async () => {
    await page.getByRole('link', { name: 'Client settings' }).click();
    await page.getByLabel('Language').selectOption('ru');
    await page.getByRole('heading', { name: 'Настройки клиента' }).waitFor();
    await page.reload();
    await page.getByRole('heading', { name: 'Настройки клиента' }).waitFor();
    await screenshot(page, '08-settings-russian');
    await page.getByLabel('Язык').selectOption('en');
  });
});
