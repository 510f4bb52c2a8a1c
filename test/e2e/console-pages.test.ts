// The console's management pages in a real browser: Debian's Chromium against the real gateway, one of
// each for the whole file (test/e2e/console/env.ts). Each page's tests are in test/e2e/console/<page>.ts
// and check what the page did through the REST API; every step keeps a screenshot in test-results/console/.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { adminName, openConsole, viewerName, viewerPassword, type ConsoleEnv } from './console/env.js';
import { directoryPage } from './console/directory.js';
import { exemptionsPage } from './console/exemptions.js';
import { usersPage } from './console/users.js';
import { tokensPage } from './console/tokens.js';
import { installersPage } from './console/installers.js';
import { vpnRulesPage } from './console/vpn-rules.js';
import { eventsPage } from './console/events.js';
import { posturePage } from './console/posture.js';

let env: ConsoleEnv | undefined;
const get = (): ConsoleEnv => {
  if (env === undefined) throw new Error('the console did not open');
  return env;
};

beforeAll(async () => {
  env = await openConsole();
}, 180_000);

afterAll(async () => {
  await env?.close();
});

// A failed test leaves what the administrator's page showed: test-results/console/failed-<test>.png.
afterEach(async (context) => {
  if (env === undefined || context.task.result?.state !== 'fail') return;
  const name = context.task.name.replace(/[^a-z0-9]+/gi, '-').slice(0, 80);
  await env.shot(`failed-${name}`).catch(() => undefined);
});

describe('the console pages', () => {
  it('an administrator made on the command line signs in without a forced change; a viewer too', async () => {
    const { page } = get();
    await expect.poll(() => page.getByText(adminName, { exact: true }).count()).toBeGreaterThan(0);
    const viewer = await get().signedIn(viewerName, viewerPassword);
    await expect.poll(() => viewer.getByText('You have the viewer role').count()).toBe(1);
    await get().shot('pages-00-viewer-signed-in', viewer);
    await viewer.context().close();
  });
  exemptionsPage(get);
  directoryPage(get);
  usersPage(get);
  tokensPage(get);
  installersPage(get);
  vpnRulesPage(get);
  eventsPage(get);
  posturePage(get);
});
