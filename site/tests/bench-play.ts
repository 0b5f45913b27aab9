// /play benchmark: `npm run bench:play`. Serves the site, opens /play in headless Chromium, spawns enemies
// until about 300 entities are visible, then records 10 s of frames and prints the percentiles of the
// interval between animation frames and of the page's own per-frame work (draw + HUD). Also prints the
// JavaScript /play loads on first visit, gzipped.
import { gzipSync } from 'node:zlib';
import { launchBrowser } from './browser.ts';
import { startServer } from '../server/main.ts';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

const pct = (xs: number[], p: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2);
};

const server = await startServer({
  port: 0,
  host: '127.0.0.1',
  dataDir: mkdtempSync(join(tmpdir(), 'arcane-bench-')),
});
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  let jsBytes = 0;
  let jsGzip = 0;
  const seen = new Set<string>();
  page.on('response', async (r) => {
    const url = r.url();
    if (seen.has(url) || !(r.headers()['content-type'] ?? '').includes('javascript')) return;
    seen.add(url);
    try {
      const body = await r.body();
      jsBytes += body.length;
      jsGzip += gzipSync(body).length;
    } catch {
      // a redirect or an aborted response has no body
    }
  });
  await page.goto(`${server.url}/play`, { waitUntil: 'networkidle' });
  const firstLoad = {
    files: seen.size,
    kb: +(jsBytes / 1024).toFixed(1),
    gzipKb: +(jsGzip / 1024).toFixed(1),
  };
  const status = page.getByTestId('game-status');
  await page.waitForFunction(
    () => document.querySelector('[data-testid=game-status]')?.getAttribute('data-link') === 'connected',
  );
  // Fill the view: grunts come in rings of up to 50 around the player; god mode keeps the player alive.
  await page.keyboard.press('Backquote');
  const input = page.getByLabel('Console command');
  for (const cmd of ['god', ...Array.from({ length: 6 }, () => 'spawn grunt 50')]) {
    await input.fill(cmd);
    await input.press('Enter');
    await page.waitForTimeout(150);
  }
  await page.keyboard.press('Escape');
  await page.waitForTimeout(2000);
  const visible = Number(await status.getAttribute('data-entities'));
  await page.evaluate(() => {
    const a = (window as unknown as { __arcane: { frameMs: number[]; frameGaps: number[] } }).__arcane;
    a.frameMs.length = 0;
    a.frameGaps.length = 0;
  });
  await page.waitForTimeout(10_000);
  const { work, gaps } = await page.evaluate(() => {
    const a = (window as unknown as { __arcane: { frameMs: number[]; frameGaps: number[] } }).__arcane;
    return { work: [...a.frameMs], gaps: [...a.frameGaps] };
  });
  const visibleEnd = Number(await status.getAttribute('data-entities'));
  console.log(
    JSON.stringify({
      visibleEntities: Math.min(visible, visibleEnd),
      frames: gaps.length,
      frameIntervalMs: { p50: pct(gaps, 50), p95: pct(gaps, 95), p99: pct(gaps, 99) },
      // Frames that missed a 60 Hz refresh (interval over 1.5 × 16.7 ms).
      droppedFrames: gaps.filter((g) => g > 25).length,
      frameWorkMs: { p50: pct(work, 50), p95: pct(work, 95), p99: pct(work, 99) },
      firstLoadJs: firstLoad,
    }),
  );
} finally {
  await browser.close();
  await server.close();
}
