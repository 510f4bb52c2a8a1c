// One gateway and one Chromium for every console page's browser tests (test/e2e/console-pages.test.ts):
// the gateway runs in a namespace of its own (no tunnels or firewall: these pages manage records), with
// an administrator and a viewer made on the command line, and the browser signed in as the administrator.
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { expect } from 'vitest';
import { runCommand } from '@kordon/drivers';
import { launchBrowser, screenshot, type TestBrowser } from '../support/browser.js';
import {
  cli,
  createNetwork,
  exited,
  makeDataDir,
  startGateway,
  type GatewayProcess,
  type Network,
} from '../support/hosts.js';

export const consoleUrl = 'https://127.0.0.1:8443/admin/';
export const adminName = 'root';
export const adminPassword = 'console pages password 1';
export const viewerName = 'watcher';
export const viewerPassword = 'console viewer password 1';

export interface RestReply<T> {
  status: number;
  body: T;
}

export interface ConsoleEnv {
  net: Network;
  /** The gateway's data directory (`--data-dir` for `cli`). */
  dataDir: string;
  gateway: GatewayProcess;
  browser: Browser;
  /** The administrator's page, signed in. */
  page: Page;
  /** `kordon-gateway <args> --data-dir <the gateway's>`: acts on the running gateway (DECISIONS 67). */
  cli(args: string[], stdin?: string): Promise<string>;
  /** A management API call from the administrator's page (its cookie and CSRF token). */
  rest<T = unknown>(method: string, path: string, body?: unknown): Promise<RestReply<T>>;
  /** A new browser context signed in as `name` (the viewer, say), at the monitor. */
  signedIn(name: string, password: string): Promise<Page>;
  /** test-results/console/<name>.png of `page` (default: the administrator's). */
  shot(name: string, page?: Page): Promise<void>;
  /** The console at `path` under /admin/ (e.g. "users"), once its heading is shown. */
  open(path: string, heading: string, page?: Page): Promise<void>;
  close(): Promise<void>;
}

async function signIn(context: BrowserContext, name: string, password: string): Promise<Page> {
  const page = await context.newPage();
  await page.goto(consoleUrl);
  await page.getByLabel('Name').fill(name);
  await page.getByLabel('Password', { exact: true }).fill(password);
  await page.getByRole('button', { name: 'Sign in' }).click();
  await page.getByRole('heading', { name: 'Authorized users' }).waitFor();
  return page;
}

export async function openConsole(): Promise<ConsoleEnv> {
  const net = await createNetwork();
  const data = makeDataDir();
  const d = ['--data-dir', data.dir];
  await cli(['admin', 'add', adminName, '--password-stdin', ...d], `${adminPassword}\n`);
  await cli(
    ['admin', 'add', viewerName, '--role', 'viewer', '--password-stdin', ...d],
    `${viewerPassword}\n`,
  );
  const gateway = await startGateway(net.gw, [...d, '--wireguard', 'none', '--firewall', 'none']);
  let testBrowser: TestBrowser | undefined;
  const contexts: BrowserContext[] = [];
  try {
    testBrowser = await launchBrowser(net.gw);
    const { browser } = testBrowser;
    const newContext = async (): Promise<BrowserContext> => {
      const context = await browser.newContext({
        ignoreHTTPSErrors: true,
        viewport: { width: 1440, height: 900 },
        locale: 'en-US',
        acceptDownloads: true,
      });
      contexts.push(context);
      return context;
    };
    const page = await signIn(await newContext(), adminName, adminPassword);
    const opened = testBrowser;
    const env: ConsoleEnv = {
      net,
      dataDir: data.dir,
      gateway,
      browser,
      page,
      cli: (args, stdin = '') => cli([...args, ...d], stdin),
      // The body is what the API answered, as the caller says it is (checked by the test's expects).
      rest: ((method: string, path: string, body?: unknown) =>
        page.evaluate(
          async ({ method, path, body }) => {
            const me = (await (await fetch('/api/v1/me', { credentials: 'same-origin' })).json()) as {
              csrf_token: string;
            };
            const response = await fetch(path, {
              method,
              credentials: 'same-origin',
              headers: {
                'x-csrf-token': me.csrf_token,
                ...(body === undefined ? {} : { 'content-type': 'application/json' }),
              },
              ...(body === undefined ? {} : { body: JSON.stringify(body) }),
            });
            const text = await response.text();
            return { status: response.status, body: (text === '' ? null : JSON.parse(text)) as unknown };
          },
          { method, path, body },
        )) as ConsoleEnv['rest'],
      signedIn: async (name, password) => signIn(await newContext(), name, password),
      shot: async (name, on = page) => {
        await screenshot(on, name);
      },
      open: async (path, heading, on = page) => {
        await on.goto(`${consoleUrl}${path}`);
        await on.getByRole('heading', { name: heading, level: 1 }).waitFor();
      },
      close: async () => {
        for (const context of contexts) await context.close().catch(() => undefined);
        await opened.close();
        gateway.child.kill('SIGTERM');
        await exited(gateway.child);
        await net.remove();
        await runCommand('pkill', ['-f', `k${net.id}`]).catch(() => undefined);
        data.remove();
      },
    };
    return env;
  } catch (error) {
    await testBrowser?.close().catch(() => undefined);
    gateway.child.kill('SIGTERM');
    await exited(gateway.child);
    await net.remove();
    data.remove();
    throw error;
  }
}

/** Polls the management API until `check` holds of what `path` answers. */
export async function untilRest<T>(env: ConsoleEnv, path: string, check: (body: T) => boolean): Promise<T> {
  let last: T | undefined;
  await expect
    .poll(async () => {
      last = (await env.rest<T>('GET', path)).body;
      return check(last);
    })
    .toBe(true);
  return last as T;
}
