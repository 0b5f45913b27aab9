import { join } from 'node:path';
import type { Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, SHOTS, startSite } from './browser.ts';
import type { SiteSession } from './browser.ts';

const enabled = browserAvailable();
let site: SiteSession;
let page: Page;
let server: { url: string };

describe.skipIf(!enabled)('web lab in a real browser', () => {
  beforeAll(async () => {
    site = await startSite({ width: 1280, height: 900 });
    page = site.page;
    server = site;
  }, 240_000);
  afterAll(() => site?.close());

  it('lists the scenarios', async () => {
    await page.goto(`${server.url}/lab`);
    await page.getByRole('link', { name: 'wolfsheep-small' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'lab.png'), fullPage: true });
  });

  it('validates a scenario as you type', async () => {
    await page.goto(`${server.url}/lab/scenarios/wolfsheep-small`);
    await page.getByText('✓ Valid').waitFor({ timeout: 15_000 });
    await page.locator('.cm-content').click();
    await page.keyboard.press('Control+End');
    await page.keyboard.type('\nbogus: 1');
    await page.getByText("unknown key 'bogus'").first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'lab-editor-error.png') });
    // Delete exactly what was typed: the newline and 'bogus: 1'.
    for (let k = 0; k < '\nbogus: 1'.length; k++) await page.keyboard.press('Backspace');
    await page.getByText('✓ Valid').waitFor({ timeout: 15_000 });
  });

  it('runs a small scenario, fills the chart, and lists the run in the history', async () => {
    await page.getByRole('button', { name: 'Run', exact: true }).click();
    await page.waitForURL(/\/lab\/runs\//, { timeout: 15_000 });
    const runId = decodeURIComponent(page.url().split('/lab/runs/')[1]);
    await page.getByTestId('run-status').filter({ hasText: 'finished' }).waitFor({ timeout: 30_000 });
    // The population chart drew its lines (one path per species).
    await page
      .locator('[data-testid="population-chart"] svg path[aria-roledescription="line mark"]')
      .first()
      .waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'lab-run.png'), fullPage: true });
    await page.goto(`${server.url}/lab`);
    await page.getByRole('link', { name: runId }).waitFor({ timeout: 10_000 });
  });

  it('runs a SQL query and shows rows; a write is refused', async () => {
    await page.goto(`${server.url}/lab/sql`);
    await page.getByRole('button', { name: 'Run query' }).click();
    const summary = await page.getByTestId('sql-summary').textContent({ timeout: 15_000 });
    expect(Number(summary!.split(' ')[0].replace('+', ''))).toBeGreaterThan(0);
    expect(await page.locator('table[aria-label="Query result"] tbody tr').count()).toBeGreaterThan(0);
    await page.screenshot({ path: join(SHOTS, 'lab-sql.png'), fullPage: true });
    await page.getByLabel('SQL query').fill('DROP TABLE runs');
    await page.getByRole('button', { name: 'Run query' }).click();
    await expect(page.getByRole('alert').textContent()).resolves.toMatch(/read-only/);
  });

  it('renders a notebook live', async () => {
    await page.goto(`${server.url}/lab/notebooks/population-dynamics`);
    await page.getByRole('heading', { name: 'Population dynamics' }).waitFor({ timeout: 15_000 });
    await page.locator('svg path[aria-roledescription="line mark"]').first().waitFor({ timeout: 15_000 });
    await page.screenshot({ path: join(SHOTS, 'lab-notebook.png'), fullPage: true });
  });
});
