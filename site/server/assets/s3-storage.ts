import {
  CreateBucketCommand,
  DeleteObjectCommand,
  GetObjectCommand,
  HeadBucketCommand,
  HeadObjectCommand,
  PutObjectCommand,
  S3Client,
} from '@aws-sdk/client-s3';
import type { AssetStorage } from './asset-storage.ts';
import { ASSET_KEY } from './asset-storage.ts';

/** Options for S3-compatible asset storage (AWS S3, MinIO, R2, …). */
export interface S3StorageOptions {
  /** `S3_ENDPOINT`, e.g. `http://minio:9000`; absent for AWS S3 itself. */
  endpoint?: string;
  /** `S3_BUCKET`. */
  bucket: string;
  /** `S3_REGION`. Default `us-east-1`. */
  region?: string;
  /** `S3_ACCESS_KEY_ID` / `S3_SECRET_ACCESS_KEY`; the SDK's default credential chain when absent. */
  accessKeyId?: string;
  secretAccessKey?: string;
  /** `S3_PUBLIC_URL`: CDN (or bucket) base URL the browser loads assets from. */
  publicUrl?: string;
  /** Key prefix inside the bucket. Default `assets/`. */
  prefix?: string;
  /** Path-style URLs (`endpoint/bucket/key`), needed by MinIO. Default true when `endpoint` is set. */
  forcePathStyle?: boolean;
  /** A ready client (tests). */
  client?: S3Client;
}

/**
 * Assets in an S3-compatible bucket via `@aws-sdk/client-s3`. Objects are written with
 * `Cache-Control: immutable`: a key is a content hash, so a changed asset has a new key and URL and a
 * CDN never needs a purge; `delete` removes an object when one must go (the CDN copy expires on its own).
 */
export class S3AssetStorage implements AssetStorage {
  readonly backend = 's3';
  private readonly client: S3Client;
  private readonly bucket: string;
  private readonly prefix: string;
  private readonly publicBase: string;

  constructor(o: S3StorageOptions) {
    this.bucket = o.bucket;
    this.prefix = o.prefix ?? 'assets/';
    const pathStyle = o.forcePathStyle ?? Boolean(o.endpoint);
    this.client =
      o.client ??
      new S3Client({
        region: o.region ?? 'us-east-1',
        ...(o.endpoint ? { endpoint: o.endpoint } : {}),
        forcePathStyle: pathStyle,
        ...(o.accessKeyId && o.secretAccessKey
          ? { credentials: { accessKeyId: o.accessKeyId, secretAccessKey: o.secretAccessKey } }
          : {}),
        // S3-compatible stores (MinIO, R2) differ in flexible-checksum support: only send them when required.
        requestChecksumCalculation: 'WHEN_REQUIRED',
        responseChecksumValidation: 'WHEN_REQUIRED',
      });
    const base =
      o.publicUrl ??
      (o.endpoint
        ? pathStyle
          ? `${o.endpoint.replace(/\/$/, '')}/${o.bucket}`
          : o.endpoint.replace('://', `://${o.bucket}.`).replace(/\/$/, '')
        : `https://${o.bucket}.s3.${o.region ?? 'us-east-1'}.amazonaws.com`);
    this.publicBase = base.replace(/\/$/, '');
  }

  /** Creates the bucket when it does not exist (MinIO in the compose stack starts empty). */
  async ensureBucket(): Promise<void> {
    try {
      await this.client.send(new HeadBucketCommand({ Bucket: this.bucket }));
    } catch (err) {
      if (!isNotFound(err)) throw err;
      await this.client.send(new CreateBucketCommand({ Bucket: this.bucket }));
    }
  }

  async has(key: string): Promise<boolean> {
    try {
      await this.client.send(new HeadObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
      return true;
    } catch (err) {
      if (isNotFound(err)) return false;
      throw err;
    }
  }

  async get(key: string): Promise<Uint8Array | undefined> {
    try {
      const res = await this.client.send(
        new GetObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }),
      );
      return res.Body ? await res.Body.transformToByteArray() : undefined;
    } catch (err) {
      if (isNotFound(err)) return undefined;
      throw err;
    }
  }

  async put(key: string, bytes: Uint8Array, mime: string): Promise<void> {
    await this.client.send(
      new PutObjectCommand({
        Bucket: this.bucket,
        Key: this.objectKey(key),
        Body: bytes,
        ContentType: mime,
        CacheControl: 'public, max-age=31536000, immutable',
      }),
    );
  }

  async delete(key: string): Promise<void> {
    await this.client.send(new DeleteObjectCommand({ Bucket: this.bucket, Key: this.objectKey(key) }));
  }

  url(key: string): string {
    return `${this.publicBase}/${this.objectKey(key)}`;
  }

  /** Closes the client's sockets. */
  close(): void {
    this.client.destroy();
  }

  private objectKey(key: string): string {
    if (!ASSET_KEY.test(key)) throw new Error(`invalid asset key "${key}"`);
    return `${this.prefix}${key}`;
  }
}

function isNotFound(err: unknown): boolean {
  const e = err as { name?: string; $metadata?: { httpStatusCode?: number } };
  return (
    e?.name === 'NotFound' ||
    e?.name === 'NoSuchKey' ||
    e?.name === 'NoSuchBucket' ||
    e?.$metadata?.httpStatusCode === 404
  );
}
