import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { AssetStorage } from './asset-storage.ts';
import { assetHttpHandler, canonicalJson, contentHash, LocalAssetStorage } from './asset-storage.ts';
import { startFakeS3 } from './fake-services.ts';
import { S3AssetStorage } from './s3-storage.ts';

const dirs: string[] = [];
function tempDir(): string {
  const d = mkdtempSync(join(tmpdir(), 'arcane-assets-'));
  dirs.push(d);
  return d;
}
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

const key = (seed: string, ext = 'png') => `${contentHash({ seed })}.${ext}`;

/** The one contract every AssetStorage meets. */
function storageContract(make: () => Promise<AssetStorage>) {
  let s: AssetStorage;
  beforeAll(async () => {
    s = await make();
  });

  it('stores bytes under a content-hash key and reads them back', async () => {
    const k = key(`a-${Math.random()}`);
    expect(await s.has(k)).toBe(false);
    expect(await s.get(k)).toBeUndefined();
    const bytes = Uint8Array.from([137, 80, 78, 71, 1, 2, 3]);
    await s.put(k, bytes, 'image/png');
    expect(await s.has(k)).toBe(true);
    expect(Array.from((await s.get(k)) ?? [])).toEqual(Array.from(bytes));
    expect(s.url(k)).toMatch(new RegExp(`${k}$`));
    await s.delete(k);
    expect(await s.has(k)).toBe(false);
  });

  it('refuses keys that are not content hashes (no path tricks)', async () => {
    await expect(s.put('../../etc/passwd', new Uint8Array(1), 'image/png')).rejects.toThrow(
      /invalid asset key/,
    );
    expect(() => s.url('x.png')).toThrow(/invalid asset key/);
  });
}

describe('AssetStorage contract: local directory (embedded default)', () => {
  storageContract(async () => new LocalAssetStorage({ dir: tempDir() }));
});

describe('AssetStorage contract: S3 adapter against a local S3-compatible fake', () => {
  let fake: Awaited<ReturnType<typeof startFakeS3>>;
  afterAll(() => fake?.close());
  storageContract(async () => {
    fake = await startFakeS3();
    const s = new S3AssetStorage({
      endpoint: fake.url,
      bucket: 'arcane',
      accessKeyId: 'k',
      secretAccessKey: 's',
    });
    await s.ensureBucket();
    return s;
  });
});

const s3Live = process.env.S3_ENDPOINT && process.env.S3_BUCKET;
describe.skipIf(!s3Live)(
  s3Live
    ? `AssetStorage contract: live S3 at ${process.env.S3_ENDPOINT}`
    : 'AssetStorage contract: live S3 (skipped: set S3_ENDPOINT, S3_BUCKET, S3_ACCESS_KEY_ID, S3_SECRET_ACCESS_KEY)',
  () => {
    storageContract(async () => {
      const s = new S3AssetStorage({
        endpoint: process.env.S3_ENDPOINT,
        bucket: process.env.S3_BUCKET ?? '',
        region: process.env.S3_REGION,
        accessKeyId: process.env.S3_ACCESS_KEY_ID,
        secretAccessKey: process.env.S3_SECRET_ACCESS_KEY,
        prefix: 'arcane-test/',
      });
      await s.ensureBucket();
      return s;
    });
  },
);

describe('S3AssetStorage', () => {
  it('writes immutable, typed objects under the prefix and builds CDN URLs by hash', async () => {
    const fake = await startFakeS3();
    try {
      const s = new S3AssetStorage({
        endpoint: fake.url,
        bucket: 'arcane',
        accessKeyId: 'k',
        secretAccessKey: 's',
        publicUrl: 'https://cdn.example.test/',
      });
      await s.ensureBucket();
      const k = key('cdn', 'svg');
      await s.put(k, new TextEncoder().encode('<svg/>'), 'image/svg+xml');
      const put = fake.requests.find((r) => r.method === 'PUT' && r.path.endsWith(k));
      expect(put?.path).toBe(`/arcane/assets/${k}`);
      expect(put?.headers['content-type']).toBe('image/svg+xml');
      expect(put?.headers['cache-control']).toBe('public, max-age=31536000, immutable');
      expect(put?.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=k\//);
      expect(s.url(k)).toBe(`https://cdn.example.test/assets/${k}`);
      s.close();
    } finally {
      await fake.close();
    }
  });
});

describe('content hashing', () => {
  it('ignores key order and undefined fields but not values', () => {
    expect(canonicalJson({ b: 1, a: { d: [1, 2], c: 'x' }, u: undefined })).toBe(
      '{"a":{"c":"x","d":[1,2]},"b":1}',
    );
    expect(contentHash({ a: 1, b: 2 })).toBe(contentHash({ b: 2, a: 1 }));
    expect(contentHash({ a: 1 })).not.toBe(contentHash({ a: 2 }));
    expect(contentHash({ a: 1 })).toMatch(/^[0-9a-f]{64}$/);
  });
});

describe('assetHttpHandler', () => {
  it('serves stored assets with immutable caching and 404s unknown keys', async () => {
    const storage = new LocalAssetStorage({ dir: tempDir() });
    const k = key('served');
    await storage.put(k, Uint8Array.from([1, 2, 3]), 'image/png');
    const handle = assetHttpHandler(storage);
    const server = createServer((req, res) => {
      void handle(req, res).then((done) => {
        if (!done) {
          res.writeHead(418);
          res.end();
        }
      });
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    const base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const ok = await fetch(`${base}/assets/${k}`);
      expect(ok.status).toBe(200);
      expect(ok.headers.get('content-type')).toBe('image/png');
      expect(ok.headers.get('cache-control')).toContain('immutable');
      expect(Array.from(new Uint8Array(await ok.arrayBuffer()))).toEqual([1, 2, 3]);
      expect((await fetch(`${base}/assets/${key('missing')}`)).status).toBe(404);
      expect((await fetch(`${base}/assets/../../package.json`)).status).toBe(418);
      expect((await fetch(`${base}/other`)).status).toBe(418);
    } finally {
      await new Promise<void>((r) => server.close(() => r()));
    }
  });
});
