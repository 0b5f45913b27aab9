import type { ServerMetrics } from '../metrics/metrics.ts';
import type { BucketSpec } from '../ai/token-bucket.ts';
import { QuotaPool } from '../ai/token-bucket.ts';
import type { AssetStorage } from './asset-storage.ts';
import { contentHash } from './asset-storage.ts';
import type {
  AssetSubject,
  GeneratedImage,
  ImageFormat,
  ImageGenerator,
  ImageJob,
} from './image-generator.ts';
import { ProceduralImageGenerator } from './procedural.ts';

/** A request for an image: what to show, which zone asks (quotas), and the format. */
export interface AssetRequest {
  subject: AssetSubject;
  zoneId: string;
  /** Default `png`. SVG is procedural only. */
  format?: ImageFormat;
}

/** How a request was served. */
export const ASSET_SOURCES = ['cache', 'generated', 'fallback'] as const;
/** One of `ASSET_SOURCES`. */
export type AssetSource = (typeof ASSET_SOURCES)[number];

/** Where to load the image from and how it was made. */
export interface AssetResult {
  /** `<sha256 of the job>.<ext>`: the storage key. */
  key: string;
  url: string;
  mime: string;
  source: AssetSource;
  /** Model that made the bytes (`procedural-v1`, `sd:…`). */
  model: string;
  /** Why the procedural fallback was served (quota, queue full, failure), for the player. */
  message?: string;
}

/** The metrics the queue updates (a `ServerMetrics` fits). */
export type AssetQueueMetrics = Pick<
  ServerMetrics,
  'assetQueueDepth' | 'assetRequests' | 'errors' | 'aiCall'
>;

/** Options for the asset queue. */
export interface AssetQueueOptions {
  /** The generator to use (Stable Diffusion, or the procedural generator itself). */
  generator: ImageGenerator;
  storage: AssetStorage;
  /** The fallback; default a new `ProceduralImageGenerator`. */
  procedural?: ProceduralImageGenerator;
  /** Jobs generating at once. Default 2. */
  concurrency?: number;
  /** Jobs waiting for a slot before new ones get the fallback. Default 64. */
  maxQueued?: number;
  /** Per-zone generation quota (cache hits are free). Default burst 20, one more every 5 s. */
  zoneQuota?: BucketSpec;
  /** One generation attempt's time limit. Default 60 s. */
  timeoutMs?: number;
  /** Further attempts after a failure or timeout. Default 2. */
  retries?: number;
  /** First retry delay; doubles each retry. Default 500 ms. */
  backoffMs?: number;
  /** Time limit of one storage call. Default 10 s. */
  storageTimeoutMs?: number;
  /** Milliseconds now, for quotas. Default `Date.now`. */
  clock?: () => number;
  metrics?: AssetQueueMetrics;
}

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number, what: string, onTimeout?: () => void): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => {
      onTimeout?.();
      reject(new TimeoutError(`${what} timed out after ${ms} ms`));
    }, ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * The generation queue. A job's key is the sha256 of everything that determines its output (subject,
 * prompt, seed, model, parameters, base asset). A stored key is served from the cache and never made
 * again; concurrent requests for one key share one job. Generation is bounded (concurrency, queue
 * length, per-zone quota) and every attempt has a timeout, with retries and backoff. Whatever goes
 * wrong, the request resolves: with the procedural image and a message saying why.
 */
export class AssetQueue {
  private readonly o: AssetQueueOptions;
  private readonly procedural: ProceduralImageGenerator;
  private readonly inflight = new Map<string, Promise<AssetResult>>();
  private readonly zones: QuotaPool;
  private readonly clock: () => number;
  private running = 0;
  private readonly waiting: (() => void)[] = [];

  constructor(o: AssetQueueOptions) {
    this.o = o;
    this.procedural = o.procedural ?? new ProceduralImageGenerator();
    this.zones = new QuotaPool(o.zoneQuota ?? { capacity: 20, refillPerS: 0.2 });
    this.clock = o.clock ?? Date.now;
  }

  /** Jobs generating and waiting now. */
  get depth(): { running: number; queued: number } {
    return { running: this.running, queued: this.waiting.length };
  }

  /** The storage key a request maps to (without generating anything). */
  keyOf(req: AssetRequest): string {
    const { job } = this.planFor(req);
    return keyOfJob(job);
  }

  /** An image for a request. Rejects only for invalid requests (unknown class, base asset, …). */
  request(req: AssetRequest): Promise<AssetResult> {
    let planned: { job: ImageJob; generator: ImageGenerator };
    try {
      planned = this.planFor(req);
    } catch (err) {
      return Promise.reject(err instanceof Error ? err : new Error(String(err)));
    }
    const key = keyOfJob(planned.job);
    let p = this.inflight.get(key);
    if (!p) {
      p = this.resolve(req, planned.job, planned.generator, key).finally(() => this.inflight.delete(key));
      // Set synchronously: every request that arrives before this one resolves joins it.
      this.inflight.set(key, p);
    }
    return p.then((r) => {
      this.o.metrics?.assetRequests.inc({ source: r.source });
      return r;
    });
  }

  private planFor(req: AssetRequest): { job: ImageJob; generator: ImageGenerator } {
    const format = req.format ?? 'png';
    const generator = this.o.generator.formats.includes(format) ? this.o.generator : this.procedural;
    return { job: generator.plan(req.subject, format), generator };
  }

  private async resolve(
    req: AssetRequest,
    job: ImageJob,
    generator: ImageGenerator,
    key: string,
  ): Promise<AssetResult> {
    if (await this.storageHas(key)) return this.result(key, job, 'cache');
    if (generator.service !== this.procedural.service) {
      const bucket = this.zones.bucket(req.zoneId, this.clock());
      if (!bucket.take(this.clock())) {
        const s = Math.max(1, Math.ceil(bucket.waitMs(this.clock()) / 1000));
        this.o.metrics?.aiCall(generator.service, 'refused');
        return this.fallback(
          req,
          `Image generation for this zone is used up for now (try again in ${s} s); showing a procedural image.`,
        );
      }
      if (this.running >= (this.o.concurrency ?? 2) && this.waiting.length >= (this.o.maxQueued ?? 64)) {
        this.o.metrics?.aiCall(generator.service, 'refused');
        return this.fallback(req, 'The image queue is full; showing a procedural image.');
      }
    }
    let image: GeneratedImage;
    try {
      image = await this.inSlot(() => this.generateWithRetries(generator, job));
    } catch (err) {
      this.o.metrics?.errors.inc({ kind: 'asset' });
      this.o.metrics?.aiCall(generator.service, 'fallback');
      return this.fallback(req, `Image generation failed (${shortReason(err)}); showing a procedural image.`);
    }
    return this.store(key, job, image, 'generated');
  }

  private async generateWithRetries(generator: ImageGenerator, job: ImageJob): Promise<GeneratedImage> {
    const retries = this.o.retries ?? 2;
    let last: unknown;
    for (let attempt = 0; attempt <= retries; attempt++) {
      if (attempt > 0) await sleep((this.o.backoffMs ?? 500) * 2 ** (attempt - 1));
      const abort = new AbortController();
      const started = performance.now();
      try {
        const img = await withTimeout(
          generator.generate(job, { signal: abort.signal }),
          this.o.timeoutMs ?? 60_000,
          generator.service,
          () => abort.abort(),
        );
        if (img.bytes.length === 0) throw new Error('empty image');
        this.o.metrics?.aiCall(generator.service, 'ok', (performance.now() - started) / 1000);
        return img;
      } catch (err) {
        last = err;
        this.o.metrics?.aiCall(generator.service, err instanceof TimeoutError ? 'timeout' : 'error');
      }
    }
    throw last;
  }

  private async fallback(req: AssetRequest, message: string): Promise<AssetResult> {
    const job = this.procedural.plan(req.subject, req.format ?? 'png');
    const key = keyOfJob(job);
    if (await this.storageHas(key)) return { ...this.result(key, job, 'fallback'), message };
    // Synchronous rendering: the fallback itself cannot hang.
    const image = this.procedural.render(job);
    return { ...(await this.store(key, job, image, 'fallback')), message };
  }

  private async store(
    key: string,
    job: ImageJob,
    image: GeneratedImage,
    source: AssetSource,
  ): Promise<AssetResult> {
    try {
      await withTimeout(
        this.o.storage.put(key, image.bytes, image.mime),
        this.o.storageTimeoutMs ?? 10_000,
        'storage put',
      );
      return this.result(key, job, source);
    } catch {
      // The player still gets the picture, inline, even when storage is down.
      this.o.metrics?.errors.inc({ kind: 'storage' });
      return {
        key,
        url: `data:${image.mime};base64,${Buffer.from(image.bytes).toString('base64')}`,
        mime: image.mime,
        source,
        model: job.model,
      };
    }
  }

  private async storageHas(key: string): Promise<boolean> {
    try {
      return await withTimeout(this.o.storage.has(key), this.o.storageTimeoutMs ?? 10_000, 'storage has');
    } catch {
      this.o.metrics?.errors.inc({ kind: 'storage' });
      return false;
    }
  }

  private result(key: string, job: ImageJob, source: AssetSource): AssetResult {
    return {
      key,
      url: this.o.storage.url(key),
      mime: job.format === 'svg' ? 'image/svg+xml' : 'image/png',
      source,
      model: job.model,
    };
  }

  private async inSlot<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= (this.o.concurrency ?? 2)) {
      const turn = new Promise<void>((r) => this.waiting.push(r));
      this.report();
      // The finishing job hands its slot over: `running` already counts this one when it wakes.
      await turn;
    } else {
      this.running++;
      this.report();
    }
    try {
      return await fn();
    } finally {
      const next = this.waiting.shift();
      if (next) next();
      else this.running--;
      this.report();
    }
  }

  private report(): void {
    this.o.metrics?.assetQueueDepth.set({ state: 'running' }, this.running);
    this.o.metrics?.assetQueueDepth.set({ state: 'queued' }, this.waiting.length);
  }
}

/** The storage key of a job: sha256 of its canonical JSON, plus the extension. */
export function keyOfJob(job: ImageJob): string {
  return `${contentHash(job)}.${job.format}`;
}

function shortReason(err: unknown): string {
  const s = err instanceof Error ? err.message : String(err);
  return s.length > 120 ? `${s.slice(0, 117)}…` : s;
}
