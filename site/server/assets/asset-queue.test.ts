import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { createMetrics, METRIC_NAMES } from '../metrics/metrics.ts';
import type { AssetQueueOptions } from './asset-queue.ts';
import { AssetQueue } from './asset-queue.ts';
import type { AssetStorage } from './asset-storage.ts';
import { LocalAssetStorage } from './asset-storage.ts';
import { startFakeA1111 } from './fake-services.ts';
import type {
  AssetSubject,
  GeneratedImage,
  ImageFormat,
  ImageGenerator,
  ImageJob,
} from './image-generator.ts';
import { pngSize } from './png.ts';
import { ProceduralImageGenerator } from './procedural.ts';
import { StableDiffusionGenerator } from './sd-generator.ts';

const dirs: string[] = [];
function storage(): LocalAssetStorage {
  const dir = mkdtempSync(join(tmpdir(), 'arcane-queue-'));
  dirs.push(dir);
  return new LocalAssetStorage({ dir });
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const creature = (hue: number): AssetSubject => ({
  kind: 'creature',
  species: 'boar',
  bodyPlan: 'quadruped',
  genes: { hue, pattern: 'stripes', size: 1 },
});

/** A stand-in for a slow remote generator: counts calls and behaves as scripted per call. */
class ScriptedGenerator implements ImageGenerator {
  readonly service = 'scripted-sd';
  readonly formats = ['png'] as const;
  calls = 0;
  private readonly procedural = new ProceduralImageGenerator();
  constructor(
    private readonly behave: (call: number, signal: AbortSignal) => Promise<GeneratedImage | 'hang'>,
  ) {}
  plan(subject: AssetSubject, format: ImageFormat): ImageJob {
    return { ...this.procedural.plan(subject, format), model: 'scripted-v1', steps: 20 };
  }
  async generate(_job: ImageJob, o: { signal: AbortSignal }): Promise<GeneratedImage> {
    const r = await this.behave(++this.calls, o.signal);
    if (r === 'hang') return new Promise<GeneratedImage>(() => {});
    return r;
  }
}

const ok = (tag: number): GeneratedImage => ({
  bytes: Uint8Array.from([137, 80, 78, 71, tag]),
  mime: 'image/png',
});
const delay = (ms: number) => new Promise((r) => setTimeout(r, ms));

function queue(generator: ImageGenerator, o: Partial<AssetQueueOptions> = {}) {
  const store = o.storage ?? storage();
  return { q: new AssetQueue({ generator, storage: store, backoffMs: 1, ...o }), store };
}

describe('AssetQueue', () => {
  it('runs exactly one job for 100 concurrent identical requests', async () => {
    const gen = new ScriptedGenerator(async () => {
      await delay(20);
      return ok(1);
    });
    const { q, store } = queue(gen);
    const results = await Promise.all(
      Array.from({ length: 100 }, (_, i) => q.request({ subject: creature(40), zoneId: `z${i % 3}` })),
    );
    expect(gen.calls).toBe(1);
    expect(new Set(results.map((r) => r.key)).size).toBe(1);
    expect(results.every((r) => r.source === 'generated' && r.model === 'scripted-v1')).toBe(true);
    expect(await store.has(results[0].key)).toBe(true);
    // Afterwards the same inputs are a cache hit, never generated again.
    const again = await q.request({ subject: creature(40), zoneId: 'z9' });
    expect(again).toMatchObject({ source: 'cache', key: results[0].key });
    expect(gen.calls).toBe(1);
  });

  it('serves a cache hit after a restart from the files on disk', async () => {
    const store = storage();
    const first = queue(new ScriptedGenerator(async () => ok(2)), { storage: store });
    const made = await first.q.request({ subject: creature(90), zoneId: 'z' });
    expect(made.source).toBe('generated');
    const gen2 = new ScriptedGenerator(async () => ok(3));
    const restarted = new AssetQueue({ generator: gen2, storage: new LocalAssetStorage({ dir: store.dir }) });
    const hit = await restarted.request({ subject: creature(90), zoneId: 'z' });
    expect(hit).toMatchObject({ source: 'cache', key: made.key, url: `/assets/${made.key}` });
    expect(gen2.calls).toBe(0);
  });

  it('falls back to the procedural image with a clear message when a zone’s quota is used up', async () => {
    const gen = new ScriptedGenerator(async () => ok(4));
    let now = 0;
    const { q, store } = queue(gen, { zoneQuota: { capacity: 2, refillPerS: 0.1 }, clock: () => now });
    await q.request({ subject: creature(10), zoneId: 'north' });
    await q.request({ subject: creature(20), zoneId: 'north' });
    const third = await q.request({ subject: creature(30), zoneId: 'north' });
    expect(third.source).toBe('fallback');
    expect(third.model).toBe('procedural-v1');
    expect(third.message).toBe(
      'Image generation for this zone is used up for now (try again in 10 s); showing a procedural image.',
    );
    const bytes = await store.get(third.key);
    expect(pngSize(bytes ?? new Uint8Array())).toEqual({ width: 96, height: 96 });
    expect(gen.calls).toBe(2);
    // Another zone has its own quota; and the quota refills.
    expect((await q.request({ subject: creature(30), zoneId: 'south' })).source).toBe('generated');
    now += 10_000;
    expect((await q.request({ subject: creature(50), zoneId: 'north' })).source).toBe('generated');
  });

  it('times out a hanging generator and resolves with the fallback', async () => {
    const gen = new ScriptedGenerator(async () => 'hang');
    const metrics = createMetrics();
    const { q } = queue(gen, { timeoutMs: 40, retries: 1, metrics });
    const started = performance.now();
    const r = await q.request({ subject: creature(60), zoneId: 'z' });
    expect(performance.now() - started).toBeLessThan(2000);
    expect(r.source).toBe('fallback');
    expect(r.message).toBe(
      'Image generation failed (scripted-sd timed out after 40 ms); showing a procedural image.',
    );
    expect(gen.calls).toBe(2);
    expect(q.depth).toEqual({ running: 0, queued: 0 });
    const text = (await metrics.exposition()).body;
    expect(text).toContain(`${METRIC_NAMES.aiCalls}{service="scripted-sd",outcome="timeout"} 2`);
    expect(text).toContain(`${METRIC_NAMES.assetRequests}{source="fallback"} 1`);
  });

  it('aborts the timed-out attempt so a well-behaved generator can stop', async () => {
    let aborted = false;
    const gen = new ScriptedGenerator(
      (_call, signal) =>
        new Promise((_, reject) =>
          signal.addEventListener('abort', () => {
            aborted = true;
            reject(new Error('aborted'));
          }),
        ),
    );
    const { q } = queue(gen, { timeoutMs: 20, retries: 0 });
    expect((await q.request({ subject: creature(61), zoneId: 'z' })).source).toBe('fallback');
    expect(aborted).toBe(true);
  });

  it('retries a failing generator with backoff, then succeeds', async () => {
    const times: number[] = [];
    const gen = new ScriptedGenerator(async (call) => {
      times.push(performance.now());
      if (call < 3) throw new Error(`CUDA out of memory (${call})`);
      return ok(5);
    });
    const { q } = queue(gen, { retries: 2, backoffMs: 15 });
    const r = await q.request({ subject: creature(70), zoneId: 'z' });
    expect(r.source).toBe('generated');
    expect(gen.calls).toBe(3);
    // Backoff doubles: ≥ 15 ms, then ≥ 30 ms (timers may fire a millisecond early).
    expect(times[1] - times[0]).toBeGreaterThanOrEqual(14);
    expect(times[2] - times[1]).toBeGreaterThanOrEqual(29);
  });

  it('gives up after its retries and falls back, saying why', async () => {
    const gen = new ScriptedGenerator(async (call) => {
      throw new Error(`boom ${call}`);
    });
    const { q } = queue(gen, { retries: 1 });
    const r = await q.request({ subject: creature(80), zoneId: 'z' });
    expect(r.source).toBe('fallback');
    expect(r.message).toBe('Image generation failed (boom 2); showing a procedural image.');
    expect(gen.calls).toBe(2);
  });

  it('bounds the queue: when it is full, new jobs get the fallback at once', async () => {
    let release!: () => void;
    const gate = new Promise<void>((r) => (release = r));
    const gen = new ScriptedGenerator(async (call) => {
      await gate;
      return ok(call);
    });
    const { q } = queue(gen, { concurrency: 1, maxQueued: 1 });
    const a = q.request({ subject: creature(101), zoneId: 'z' });
    const b = q.request({ subject: creature(102), zoneId: 'z' });
    await delay(5);
    expect(q.depth).toEqual({ running: 1, queued: 1 });
    const c = await q.request({ subject: creature(103), zoneId: 'z' });
    expect(c.source).toBe('fallback');
    expect(c.message).toBe('The image queue is full; showing a procedural image.');
    release();
    expect((await a).source).toBe('generated');
    expect((await b).source).toBe('generated');
    expect(q.depth).toEqual({ running: 0, queued: 0 });
  });

  it('still answers, inline, when storage is down', async () => {
    const broken: AssetStorage = {
      backend: 'broken',
      has: async () => {
        throw new Error('disk gone');
      },
      get: async () => undefined,
      put: async () => {
        throw new Error('disk gone');
      },
      delete: async () => {},
      url: (k) => `/assets/${k}`,
    };
    const { q } = queue(new ProceduralImageGenerator(), { storage: broken });
    const r = await q.request({ subject: creature(5), zoneId: 'z' });
    expect(r.url.startsWith('data:image/png;base64,iVBORw0KGgo')).toBe(true);
  });

  it('uses the procedural generator directly for SVG, and rejects invalid subjects', async () => {
    const gen = new ScriptedGenerator(async () => ok(6));
    const { q } = queue(gen);
    const svg = await q.request({ subject: creature(7), zoneId: 'z', format: 'svg' });
    expect(svg).toMatchObject({ source: 'generated', mime: 'image/svg+xml', model: 'procedural-v1' });
    expect(svg.key.endsWith('.svg')).toBe(true);
    expect(gen.calls).toBe(0);
    await expect(
      q.request({
        subject: { kind: 'biome-variant', baseAssetId: 'prop:castle', biome: 'desert' },
        zoneId: 'z',
      }),
    ).rejects.toThrow(/unknown base asset "prop:castle"/);
  });

  it('runs Stable Diffusion jobs end to end through the A1111 API and falls back when it errors', async () => {
    const fake = await startFakeA1111({ failures: 3 });
    try {
      const { q, store } = queue(new StableDiffusionGenerator({ baseUrl: fake.url }), { retries: 1 });
      const failed = await q.request({ subject: creature(12), zoneId: 'z' });
      expect(failed.source).toBe('fallback');
      expect(failed.message).toMatch(/Stable Diffusion 500: OutOfMemoryError/);
      // Two failures used, one left: the next job fails once, then its retry succeeds.
      const made = await q.request({
        subject: { kind: 'biome-variant', baseAssetId: 'tile:grass', biome: 'swamp' },
        zoneId: 'z',
      });
      expect(made).toMatchObject({ source: 'generated', model: 'sd:server-default' });
      expect(pngSize((await store.get(made.key)) ?? new Uint8Array())).toBeDefined();
      expect(fake.requests.map((r) => r.path)).toEqual([
        '/sdapi/v1/txt2img',
        '/sdapi/v1/txt2img',
        '/sdapi/v1/img2img',
        '/sdapi/v1/img2img',
      ]);
    } finally {
      await fake.close();
    }
  });
});
