import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, SHOTS, startSite } from './browser.ts';
import type { SiteSession } from './browser.ts';

const enabled = browserAvailable();
let site: SiteSession;
let page: Page;
let server: { url: string };

describe.skipIf(!enabled)('character creation in a real browser', () => {
  beforeAll(async () => {
    site = await startSite({ width: 1100, height: 800 });
    page = site.page;
    server = site;
  }, 240_000);
  afterAll(() => site?.close());

  it('creates a Mage with a generated portrait; Randomize changes it', async () => {
    await page.goto(`${server.url}/create`);
    const img = page.getByRole('img', { name: /Portrait of/ });
    await img.waitFor({ timeout: 15_000 });
    await expect
      .poll(() => img.evaluate((el) => (el as HTMLImageElement).naturalWidth), { timeout: 10_000 })
      .toBeGreaterThan(0);
    const first = await img.getAttribute('src');
    for (let k = 0; k < 5 && (await img.getAttribute('src')) === first; k++) {
      await page.getByRole('button', { name: 'Randomize' }).click();
      await page.waitForTimeout(400);
    }
    expect(await img.getAttribute('src')).not.toBe(first);
    await page.getByLabel('Name').fill('Maera');
    await page.screenshot({ path: join(SHOTS, 'create.png') });
    await page.getByRole('button', { name: 'Create and play' }).click();
    await page.waitForURL(/\/play$/);
    await page.getByText('Maera, mage').waitFor();
  });

  it('refuses a portrait request with a bad appearance, clearly', async () => {
    const res = await fetch(`${server.url}/api/portrait`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ characterClass: 'mage', appearance: { hairStyle: 'mohawk' } }),
    });
    expect(res.status).toBe(400);
    expect((await res.json()).error).toMatch(/appearance\.hairStyle must be one of/);
  });
});
