// /play benchmark (`npm run bench:play`, i.e. `node --import tsx site/tests/bench-play.ts`): serves the site
// (a fresh results folder, random port), opens /play in headless Chromium and
//   1. sums the JavaScript the first navigation to /play loads, each response gzipped with node:zlib;
//   2. turns god mode on and spawns grunts (50 per console command, the server's limit) until about 300
//      entities are visible, then records 10 s of frames: the interval between animation frames (what the
//      player sees) and the page's own work per frame (interpolation, prediction, drawing, HUD).
// Prints one JSON line. Targets: frame interval p95 ≤ 16.7 ms (60 Hz), first-load JS ≤ 500 KB gzipped.
// Options: --seconds <n> (default 10), --target <entities> (default 300).
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { startServer } from '../server/main.ts';
import { launchBrowser } from './browser.ts';

const arg = (name: string, fallback: number): number => {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? Number(process.argv[i + 1]) : fallback;
};
const seconds = arg('seconds', 10);
const targetEntities = arg('target', 300);

const pct = (xs: number[], p: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  return +(s[Math.min(s.length - 1, Math.floor((p / 100) * s.length))] ?? 0).toFixed(2);
};
const summary = (xs: number[]) => ({
  p50: pct(xs, 50),
  p95: pct(xs, 95),
  p99: pct(xs, 99),
  max: pct(xs, 100),
});

type Hook = { __arcane: { frames: { gapsMs: number[]; workMs: number[] } } };

const dataDir = mkdtempSync(join(tmpdir(), 'arcane-bench-play-'));
const server = await startServer({ port: 0, host: '127.0.0.1', dataDir });
const browser = await launchBrowser();
try {
  const page = await browser.newPage({ viewport: { width: 1280, height: 800 } });
  const js = new Map<string, { bytes: number; gzip: number }>();
  const reads: Promise<void>[] = [];
  page.on('response', (r) => {
    const type = r.headers()['content-type'] ?? '';
    if (!type.includes('javascript') || js.has(r.url())) return;
    js.set(r.url(), { bytes: 0, gzip: 0 });
    reads.push(
      r.body().then(
        (b) => void js.set(r.url(), { bytes: b.length, gzip: gzipSync(b, { level: 9 }).length }),
        () => {}, // a redirect or an aborted response has no body
      ),
    );
  });
  await page.goto(`${server.url}/play`, { waitUntil: 'networkidle' });
  await Promise.all(reads);
  const files = [...js.values()];
  const firstLoadJs = {
    files: files.length,
    kb: +(files.reduce((s, f) => s + f.bytes, 0) / 1024).toFixed(1),
    gzipKb: +(files.reduce((s, f) => s + f.gzip, 0) / 1024).toFixed(1),
  };

  const attr = (name: string) =>
    page.evaluate(
      (n) => document.querySelector('[data-testid=game-status]')?.getAttribute(`data-${n}`) ?? '',
      name,
    );
  await page.waitForFunction(
    () => document.querySelector('[data-testid=game-status]')?.getAttribute('data-link') === 'connected',
  );
  await page.locator('canvas').focus();
  await page.keyboard.press('Backquote');
  const input = page.getByLabel('Console command');
  const run = async (cmd: string) => {
    await input.fill(cmd);
    await input.press('Enter');
    await page.waitForTimeout(200);
  };
  // God mode keeps the player alive under 300 grunts; they all close in, so they stay in view.
  await run('god');
  for (let k = 0; k < 12 && Number(await attr('entities')) < targetEntities; k++) await run('spawn grunt 50');
  await page.keyboard.press('Backquote');
  await page.waitForTimeout(2000);
  const visibleStart = Number(await attr('entities'));
  await page.evaluate(() => {
    const f = (window as unknown as Hook).__arcane.frames;
    f.gapsMs.length = 0;
    f.workMs.length = 0;
  });
  await page.waitForTimeout(seconds * 1000);
  const { gaps, work } = await page.evaluate(() => {
    const f = (window as unknown as Hook).__arcane.frames;
    return { gaps: [...f.gapsMs], work: [...f.workMs] };
  });
  const visibleEnd = Number(await attr('entities'));
  const drawn = Number(await attr('drawn'));
  console.log(
    JSON.stringify({
      visibleEntities: Math.min(visibleStart, visibleEnd),
      drawnOnCanvas: drawn,
      seconds,
      frames: gaps.length,
      frameIntervalMs: summary(gaps),
      // Frames that missed a 60 Hz refresh (an interval over 1.5 × 16.7 ms).
      droppedFrames: gaps.filter((g) => g > 25).length,
      frameWorkMs: summary(work),
      firstLoadJs,
      targets: { frameIntervalP95Ms: 16.7, firstLoadJsGzipKb: 500 },
    }),
  );
} finally {
  await browser.close();
  await server.close();
  rmSync(dataDir, { recursive: true, force: true });
}
