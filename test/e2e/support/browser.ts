// Debian's Chromium driven by Playwright (playwright-core, no bundled browser), headless, inside a test
// namespace so it reaches the gateway's management listener on that namespace's loopback. Screenshots
// are kept under test-results/console/ as the run's artifacts.
import { chmodSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type Browser, type Page } from 'playwright-core';
import type { Netns } from '@kordon/drivers';
import { node24, repoRoot } from './agent-client.js';

export const chromiumPath = '/usr/bin/chromium';
export const screenshotsDir = join(repoRoot, 'test-results', 'console');

export interface TestBrowser {
  browser: Browser;
  close(): Promise<void>;
}

/**
 * Chromium in `ns`: Playwright starts a small launcher (a Node script, argv only) that runs
 * `ip netns exec <ns> /usr/bin/chromium <args>`, its pipes to the browser inherited.
 */
export async function launchBrowser(ns: Netns): Promise<TestBrowser> {
  if (!existsSync(chromiumPath)) {
    throw new Error(
      `${chromiumPath} is missing: install it with "apt-get install -y --no-install-recommends chromium fonts-dejavu-core" (npm test's setup does)`,
    );
  }
  const dir = mkdtempSync(join(tmpdir(), 'kordon-browser-'));
  const launcher = join(dir, 'chromium-in-netns.mjs');
  writeFileSync(
    launcher,
    `#!${node24}\n` +
      "import { spawn } from 'node:child_process';\n" +
      `const child = spawn('ip', ['netns', 'exec', ${JSON.stringify(ns.name)}, ${JSON.stringify(chromiumPath)}, ...process.argv.slice(2)], { stdio: ['inherit', 'inherit', 'inherit', 'inherit', 'inherit'] });\n` +
      "for (const signal of ['SIGTERM', 'SIGINT']) process.on(signal, () => child.kill(signal));\n" +
      "child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));\n",
  );
  chmodSync(launcher, 0o700);
  const browser = await chromium.launch({
    executablePath: launcher,
    headless: true,
    args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--lang=en-US'],
    timeout: 60_000,
  });
  return {
    browser,
    async close() {
      await browser.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Saves what `page` shows as test-results/console/<name>.png. */
export async function screenshot(page: Page, name: string): Promise<string> {
  mkdirSync(screenshotsDir, { recursive: true });
  const path = join(screenshotsDir, `${name}.png`);
  await page.screenshot({ path, fullPage: true });
  return path;
}
