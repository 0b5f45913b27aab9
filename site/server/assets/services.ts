import { join } from 'node:path';
import type { AssetQueueMetrics, AssetQueueOptions } from './asset-queue.ts';
import { AssetQueue } from './asset-queue.ts';
import type { AssetStorage } from './asset-storage.ts';
import { LocalAssetStorage } from './asset-storage.ts';
import type { ImageGenerator } from './image-generator.ts';
import { ProceduralImageGenerator } from './procedural.ts';
import { S3AssetStorage } from './s3-storage.ts';
import { StableDiffusionGenerator } from './sd-generator.ts';

/** Environment variables the asset services read (all optional: unset means the embedded default). */
export const ASSET_ENV = {
  SD_URL: 'AUTOMATIC1111-compatible Stable Diffusion base URL (started with --api); turns on SD images',
  SD_MODEL: 'checkpoint to pin per request (default: whatever the server has loaded)',
  SD_STEPS: 'sampling steps (default 24)',
  ASSET_DIR: 'local asset directory (default data/assets)',
  S3_ENDPOINT: 'S3-compatible endpoint (MinIO, R2, …); with S3_BUCKET turns on object storage',
  S3_BUCKET: 'bucket for generated assets',
  S3_REGION: 'region (default us-east-1)',
  S3_ACCESS_KEY_ID: 'access key (default: the AWS SDK credential chain)',
  S3_SECRET_ACCESS_KEY: 'secret key',
  S3_PUBLIC_URL: 'CDN base URL assets are served from (default: the bucket URL)',
} as const;

/** The asset stack: a generator, a storage and the queue over them. */
export interface AssetServices {
  readonly generator: ImageGenerator;
  readonly storage: AssetStorage;
  readonly queue: AssetQueue;
  readonly backends: { generator: string; storage: string };
  /** The local storage when used (mount `assetHttpHandler` for it), else undefined. */
  readonly local: LocalAssetStorage | undefined;
  close(): void;
}

/**
 * Chooses the generator and storage from env: Stable Diffusion when `SD_URL` is set, S3 when
 * `S3_BUCKET` is set (and `S3_ENDPOINT` for non-AWS stores); otherwise procedural images in `data/assets`.
 */
export async function createAssetServices(
  o: {
    env?: Record<string, string | undefined>;
    dataDir?: string;
    metrics?: AssetQueueMetrics;
    queue?: Partial<AssetQueueOptions>;
  } = {},
): Promise<AssetServices> {
  const env = o.env ?? process.env;
  const generator: ImageGenerator = env.SD_URL
    ? new StableDiffusionGenerator({
        baseUrl: env.SD_URL,
        checkpoint: env.SD_MODEL || undefined,
        steps: env.SD_STEPS ? Number(env.SD_STEPS) : undefined,
      })
    : new ProceduralImageGenerator();
  let storage: AssetStorage;
  let local: LocalAssetStorage | undefined;
  if (env.S3_BUCKET) {
    const s3 = new S3AssetStorage({
      endpoint: env.S3_ENDPOINT || undefined,
      bucket: env.S3_BUCKET,
      region: env.S3_REGION || undefined,
      accessKeyId: env.S3_ACCESS_KEY_ID || undefined,
      secretAccessKey: env.S3_SECRET_ACCESS_KEY || undefined,
      publicUrl: env.S3_PUBLIC_URL || undefined,
    });
    await s3.ensureBucket();
    storage = s3;
  } else {
    local = new LocalAssetStorage({ dir: env.ASSET_DIR || join(o.dataDir ?? 'data', 'assets') });
    storage = local;
  }
  const queue = new AssetQueue({
    generator,
    storage,
    ...(o.metrics ? { metrics: o.metrics } : {}),
    ...o.queue,
  });
  return {
    generator,
    storage,
    queue,
    local,
    backends: { generator: generator.service, storage: storage.backend },
    close() {
      if (storage instanceof S3AssetStorage) storage.close();
    },
  };
}
