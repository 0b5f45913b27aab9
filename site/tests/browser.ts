import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium } from 'playwright-core';
import type { Browser, Page } from 'playwright-core';
import { startServer } from '../server/main.ts';

/** Where browser tests write their screenshots. */
export const SHOTS = join(new URL('../../', import.meta.url).pathname, 'screenshots');

/** Debian's Chromium (installed by .ci/run), or CHROMIUM_PATH. */
export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

/** Whether browser tests can run here; under CI=true a missing browser is a failure, not a skip. */
export function browserAvailable(): boolean {
  if (existsSync(CHROMIUM)) return true;
  if (process.env.CI === 'true')
    throw new Error(`Chromium not found at ${CHROMIUM}: .ci/run installs the Debian package 'chromium'`);
  console.warn(`skipping browser tests: install Chromium (apt-get install chromium) or set CHROMIUM_PATH`);
  return false;
}

/** Headless Chromium with the flags this machine needs (no sandbox as root, no background networking). */
export function launchBrowser(): Promise<Browser> {
  return chromium.launch({
    executablePath: CHROMIUM,
    headless: true,
    args: [
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
}

/** A running site (own results folder), a browser and a page; `close()` tears all three down. */
export interface SiteSession {
  url: string;
  page: Page;
  close(): Promise<void>;
}

/** Starts the production server on a free port with an empty results folder, and a browser page on it. */
export async function startSite(viewport = { width: 1280, height: 900 }): Promise<SiteSession> {
  mkdirSync(SHOTS, { recursive: true });
  const dataDir = mkdtempSync(join(tmpdir(), 'arcane-site-'));
  const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
  const browser: Browser = await launchBrowser();
  const page = await browser.newPage({ viewport });
  // Browser-side errors show up in the test output.
  page.on('pageerror', (e) => console.error(`page error: ${e.message}`));
  page.on('response', (r) => r.status() >= 500 && console.error(`HTTP ${r.status()} ${r.url()}`));
  return {
    url: server.url,
    page,
    async close() {
      await browser.close();
      await server.close();
      rmSync(dataDir, { recursive: true, force: true });
    },
  };
}
