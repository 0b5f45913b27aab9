import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { startFakeA1111, startFakeS3 } from './fake-services.ts';
import { createAssetServices } from './services.ts';

const dir = mkdtempSync(join(tmpdir(), 'arcane-asset-svc-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe('createAssetServices', () => {
  it('defaults to procedural images in a local directory', async () => {
    const s = await createAssetServices({ env: {}, dataDir: dir });
    expect(s.backends).toEqual({ generator: 'procedural', storage: 'local' });
    const r = await s.queue.request({
      subject: { kind: 'icon', iconId: 'icon:frost' },
      zoneId: 'z',
    });
    expect(r.url).toBe(`/assets/${r.key}`);
    expect(await s.local?.has(r.key)).toBe(true);
  });

  it('uses Stable Diffusion and S3 when SD_URL and S3_* are set', async () => {
    const sd = await startFakeA1111();
    const s3 = await startFakeS3();
    try {
      const s = await createAssetServices({
        env: {
          SD_URL: sd.url,
          SD_MODEL: 'dreamshaper_8',
          S3_ENDPOINT: s3.url,
          S3_BUCKET: 'arcane-assets',
          S3_ACCESS_KEY_ID: 'minioadmin',
          S3_SECRET_ACCESS_KEY: 'minioadmin',
          S3_PUBLIC_URL: 'https://cdn.example.test',
        },
      });
      expect(s.backends).toEqual({ generator: 'stable-diffusion', storage: 's3' });
      const r = await s.queue.request({ subject: { kind: 'icon', iconId: 'icon:spark' }, zoneId: 'z' });
      expect(r).toMatchObject({ source: 'generated', model: 'sd:dreamshaper_8' });
      expect(r.url).toBe(`https://cdn.example.test/assets/${r.key}`);
      expect(s3.requests.some((q) => q.method === 'PUT' && q.path === `/arcane-assets/assets/${r.key}`)).toBe(
        true,
      );
      s.close();
    } finally {
      await sd.close();
      await s3.close();
    }
  });
});
