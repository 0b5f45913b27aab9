import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, SHOTS, startSite } from './browser.ts';
import type { SiteSession } from './browser.ts';

const enabled = browserAvailable();
let site: SiteSession;
let page: Page;
let status: Locator;

const attr = async (name: string) => (await status.getAttribute(`data-${name}`)) ?? '';
async function until(name: string, test: (v: string) => boolean, what: string, ms = 15_000): Promise<string> {
  await expect.poll(async () => test(await attr(name)), { timeout: ms, message: what }).toBe(true);
  return attr(name);
}
async function consoleCommand(cmd: string): Promise<void> {
  const input = page.getByLabel('Console command');
  if (!(await input.isVisible())) await page.keyboard.press('Backquote');
  await input.fill(cmd);
  await input.press('Enter');
}

describe.skipIf(!enabled)('the game in a real browser', () => {
  beforeAll(async () => {
    site = await startSite({ width: 1280, height: 800 });
    page = site.page;
    status = page.getByTestId('game-status');
  }, 240_000);
  afterAll(() => site?.close());

  it('creates a character and enters the Test Area', async () => {
    await page.goto(`${site.url}/create`);
    await page.getByLabel('Name').fill('Tamsin');
    await page.getByRole('button', { name: 'Create and play' }).click();
    await page.waitForURL(/\/play$/);
    await until('link', (v) => v === 'connected', 'connected');
    await page.getByText('Tamsin, mage').waitFor();
    await until('self-hp', (v) => v === '100', 'full health');
    await page.screenshot({ path: join(SHOTS, 'play-enter.png') });
  });

  it('spawns a grunt from the console, targets it with Tab and casts Magic Missile: its HP drops', async () => {
    const before = Number(await attr('enemies'));
    await consoleCommand('spawn grunt 1');
    await until('enemies', (v) => Number(v) > before, 'an enemy appeared');
    await expect
      .poll(() => page.locator('.console li').allTextContents())
      .toContainEqual(expect.stringMatching(/spawn grunt 1.*spawned: 1/));
    await page.keyboard.press('Backquote'); // close the console
    await page.locator('canvas').focus();
    await page.keyboard.press('Tab');
    const hp0 = Number(await until('target-hp', (v) => Number(v) > 0, 'a target'));
    await page.keyboard.press('Digit1');
    await until('target-hp', (v) => Number(v) < hp0, 'the target HP drops');
    await page.screenshot({ path: join(SHOTS, 'play-cast.png') });
  });

  it('dies and respawns', async () => {
    await consoleCommand('kill');
    await until('dead', (v) => v === 'true', 'dead');
    await page.getByRole('alert').filter({ hasText: 'You died' }).waitFor();
    await page.screenshot({ path: join(SHOTS, 'play-dead.png') });
    await consoleCommand('respawn');
    await until('dead', (v) => v === 'false', 'alive again');
    await expect.poll(() => page.getByText('You died').count()).toBe(0);
    await until('self-hp', (v) => v === '100', 'full health after respawn');
  });

  it('talks to the NPC with /llm and gets a streamed reply', async () => {
    await page.keyboard.press('Backquote');
    const chat = page.getByLabel(/Chat message/);
    await chat.fill('/llm which creatures live here?');
    await chat.press('Enter');
    await expect
      .poll(() => page.locator('.chat li.npc').allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/Archivist: \[offline NPC\].*deer/));
    await page.screenshot({ path: join(SHOTS, 'play-chat.png') });
  });

  it('keyboard only: F6 reaches the Test Area buttons, Enter spawns, Reset clears, Escape returns to the game', async () => {
    await page.locator('canvas').focus();
    await page.keyboard.press('F6');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Spawn grunt');
    const before = Number(await attr('enemies'));
    await page.keyboard.press('Enter');
    await until('enemies', (v) => Number(v) > before, 'spawned from the button');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Enter'); // Reset zone
    await until('enemies', (v) => Number(v) < before + 1, 'the zone was reset');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('CANVAS');
  });

  it('moves with the keyboard (prediction) and the server agrees', async () => {
    await page.locator('canvas').focus();
    const x0 = await page.evaluate(
      () =>
        (window as unknown as { __arcane: { session: { predictor: { x: number } } } }).__arcane.session
          .predictor.x,
    );
    await page.keyboard.down('KeyD');
    await page.waitForTimeout(600);
    await page.keyboard.up('KeyD');
    await page.waitForTimeout(400);
    const r = await page.evaluate(() => {
      const s = (
        window as unknown as {
          __arcane: { session: { predictor: { x: number }; client: { me(): { x: number } } } };
        }
      ).__arcane.session;
      return { predicted: s.predictor.x, server: s.client.me().x };
    });
    expect(r.predicted).toBeGreaterThan(x0 + 1);
    expect(Math.abs(r.predicted - r.server)).toBeLessThan(0.5);
  });
});
