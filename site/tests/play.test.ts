import { join } from 'node:path';
import type { Locator, Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { browserAvailable, SHOTS, startSite } from './browser.ts';
import type { SiteSession } from './browser.ts';

// The game at /play in headless Chromium against the real site and zone server. The page exposes what it
// shows on a hidden element (data-testid="game-status": link, entities, enemies, self HP, dead, target…);
// everything else is asserted through the visible UI.

const enabled = browserAvailable();
let site: SiteSession;
let page: Page;
let status: Locator;

const attr = async (name: string) => (await status.getAttribute(`data-${name}`)) ?? '';
async function until(name: string, test: (v: string) => boolean, what: string, ms = 10_000): Promise<string> {
  await expect.poll(async () => test(await attr(name)), { timeout: ms, message: what }).toBe(true);
  return attr(name);
}
const shot = (name: string) => page.screenshot({ path: join(SHOTS, `play-${name}.png`) });
async function consoleCommand(cmd: string): Promise<void> {
  const input = page.getByLabel('Console command');
  if (!(await input.isVisible())) {
    await page.locator('canvas').focus();
    await page.keyboard.press('Backquote');
  }
  await input.fill(cmd);
  await input.press('Enter');
}
async function closeConsole(): Promise<void> {
  if (await page.getByLabel('Console command').isVisible()) await page.keyboard.press('Backquote');
  await page.locator('canvas').focus();
}
const predicted = () =>
  page.evaluate(() => {
    const s = (
      window as unknown as {
        __arcane: {
          session: {
            predictor: { display: { x: number } };
            client: { playerId: number; me(): { x: number } };
          };
        };
      }
    ).__arcane.session;
    return { x: s.predictor.display.x, server: s.client.me().x, playerId: s.client.playerId };
  });

describe.skipIf(!enabled)('the game at /play in a real browser', () => {
  beforeAll(async () => {
    site = await startSite({ width: 1280, height: 800 });
    page = site.page;
    status = page.getByTestId('game-status');
  }, 120_000);
  afterAll(() => site?.close());

  it('creates a character and enters the Test Area', async () => {
    await page.goto(`${site.url}/create`);
    await page.getByLabel('Name').fill('Tamsin');
    await page.getByRole('button', { name: 'Create and play' }).click();
    await page.waitForURL(/\/play$/);
    await until('link', (v) => v === 'connected', 'connected');
    await page.getByText('Tamsin, mage').waitFor();
    await until('self-hp', (v) => v === '100', 'full health');
    await until('entities', (v) => Number(v) > 10, 'the zone around the player is visible');
    await expect.poll(() => page.getByRole('status', { name: 'Connection' }).textContent()).toMatch(/\d+ ms/);
    await shot('enter');
  });

  it('spawns a grunt from the dev console (~)', async () => {
    const before = Number(await attr('enemies'));
    await consoleCommand('spawn grunt 1');
    await until('enemies', (v) => Number(v) > before, 'a grunt appeared');
    await page.getByText('spawn grunt 1 → spawned: 1, type: grunt').waitFor();
    await shot('console');
    await closeConsole();
  });

  it('targets the nearest hostile with Tab and casts Magic Missile (1): its health drops', async () => {
    await page.keyboard.press('Tab');
    const hp0 = Number(await until('target-hp', (v) => Number(v) > 0, 'a target'));
    const frame = page.getByRole('region', { name: /^Target: / });
    await frame.waitFor();
    await page.keyboard.press('Digit1');
    // A second press at once: the server refuses (cooldown or GCD) and the HUD says why.
    await page.keyboard.press('Digit1');
    await page.getByText(/Magic Missile: (cooldown|gcd)/).waitFor();
    await until('target-hp', (v) => v === '' || Number(v) < hp0, 'the target lost health');
    await shot('cast');
  });

  it('draws a grunt’s telegraph cone while it winds up its attack', async () => {
    await consoleCommand('tp 50 60');
    await consoleCommand('spawn grunt 3');
    await closeConsole();
    // Grunts spawn 6 m away, inside their aggro radius: they close in and wind up within a second or two.
    await until('telegraphs', (v) => Number(v) > 0, 'a telegraph on the ground', 8000);
    await shot('telegraph');
  });

  it('dies (kill), shows the death overlay with a countdown, and respawns (respawn)', async () => {
    await consoleCommand('kill');
    await until('dead', (v) => v === 'true', 'dead');
    const overlay = page.getByRole('alert').filter({ hasText: 'You died' });
    await overlay.waitFor();
    await expect.poll(() => overlay.textContent()).toMatch(/Respawn at the shrine in [1-5]\.\d s/);
    await shot('dead');
    await consoleCommand('respawn');
    await until('dead', (v) => v === 'false', 'alive again');
    await expect.poll(() => page.getByText('You died').count()).toBe(0);
    await until('self-hp', (v) => v === '100', 'full health after the respawn');
    await shot('respawn');
    await closeConsole();
  });

  it('chats /llm with the Archivist and gets a streamed reply on one line', async () => {
    await page.keyboard.press('Enter');
    const chat = page.getByLabel(/Chat message/);
    await expect.poll(() => chat.evaluate((el) => el === document.activeElement)).toBe(true);
    await chat.fill('/llm hello, which creatures live here?');
    await chat.press('Enter');
    const npc = page.locator('.chat li.npc');
    await expect
      .poll(() => npc.allTextContents(), { timeout: 10_000 })
      .toContainEqual(expect.stringMatching(/^Archivist: \[offline NPC\] .{20,}/));
    expect(await npc.count()).toBe(1);
    await shot('chat');
  });

  it('targets a creature (F), shows what it is, and tries to capture it (C)', async () => {
    await page.locator('canvas').focus();
    await page.keyboard.press('KeyF');
    await page.getByRole('button', { name: /^Capture/ }).waitFor();
    // What the server says of it (inspect): its species' description and a few traits.
    await expect
      .poll(() => page.getByRole('region', { name: /^Target: / }).textContent())
      .toMatch(/(A shy grazer|Roots for grass)[\s\S]*speed/);
    await page.keyboard.press('KeyC');
    await expect
      .poll(() => page.getByRole('region', { name: 'Roster and breeding' }).textContent())
      .toMatch(/too far|broke free|captured|one capture attempt/);
    await shot('creature');
  });

  it('walks with the keyboard at once (prediction) and ends where the server says', async () => {
    await page.locator('canvas').focus();
    const a = await predicted();
    await page.keyboard.down('KeyD');
    await page.waitForTimeout(60);
    // 60 ms after the press the character has moved already, while the server has barely heard of it.
    expect((await predicted()).x).toBeGreaterThan(a.x + 0.1);
    await page.waitForTimeout(600);
    await page.keyboard.up('KeyD');
    await page.waitForTimeout(500);
    const b = await predicted();
    expect(b.x).toBeGreaterThan(a.x + 2);
    expect(Math.abs(b.x - b.server)).toBeLessThan(0.25);
  });

  it('plays by keyboard alone: F6 reaches the Test Area buttons, Enter presses, Escape returns', async () => {
    await page.locator('canvas').focus();
    await page.keyboard.press('F6');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Spawn grunt');
    const before = Number(await attr('enemies'));
    await page.keyboard.press('Enter');
    await until('enemies', (v) => Number(v) > before, 'spawned from the button');
    await page.keyboard.press('Tab');
    await page.keyboard.press('Tab');
    await expect.poll(() => page.evaluate(() => document.activeElement?.textContent)).toBe('Reset zone');
    await page.keyboard.press('Enter');
    await until('enemies', (v) => Number(v) === 0, 'the zone was reset');
    await page.keyboard.press('Escape');
    await expect.poll(() => page.evaluate(() => document.activeElement?.tagName)).toBe('CANVAS');
  });

  it('remaps a key in the Keys panel and keeps it', async () => {
    await page.getByRole('button', { name: 'Keys' }).click();
    await page.getByRole('button', { name: /^Change the key for Skill 1/ }).click();
    await page.keyboard.press('KeyQ');
    await page.getByRole('button', { name: /^Magic Missile, 8 mana, key Q/ }).waitFor();
    expect(await page.evaluate(() => JSON.parse(localStorage.getItem('arcane.keys') ?? '{}').skill1)).toEqual(
      ['KeyQ'],
    );
    await shot('keys');
    await page.getByRole('button', { name: 'Reset to defaults' }).click();
    await page.getByRole('button', { name: 'Close' }).click();
    await page.getByRole('button', { name: /^Magic Missile, 8 mana, key 1/ }).waitFor();
  });

  it('resumes the same character after a reload (token kept for the tab)', async () => {
    const before = (await predicted()).playerId;
    await page.reload();
    await until('link', (v) => v === 'connected', 'connected again');
    await page.getByText('Tamsin, mage').waitFor();
    expect((await predicted()).playerId).toBe(before);
  });
});
