import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { liveTarget } from '../ai/live-service.ts';
import { keyOfJob } from './asset-queue.ts';
import { BASE_LIBRARY, baseIds, BASE_CATEGORIES } from './base-library.ts';
import { BIOME_STYLES } from './biome.ts';
import { startFakeA1111 } from './fake-services.ts';
import type { AssetSubject, ImageGenerator } from './image-generator.ts';
import { BIOMES, checkSubject, randomAppearance } from './image-generator.ts';
import { pngSize } from './png.ts';
import { ProceduralImageGenerator } from './procedural.ts';
import { StableDiffusionGenerator } from './sd-generator.ts';

const portrait: AssetSubject = {
  kind: 'portrait',
  characterClass: 'mage',
  appearance: {
    hairStyle: 'long',
    hairColour: 'auburn',
    skinTone: 'fair',
    eyeColour: 'green',
    robeColour: 'azure',
    facialHair: 'none',
    accessory: 'circlet',
  },
};
const wolf: AssetSubject = {
  kind: 'creature',
  species: 'wolf',
  bodyPlan: 'quadruped',
  genes: { hue: 30, pattern: 'spots', size: 1.2 },
};
const desertTree: AssetSubject = { kind: 'biome-variant', baseAssetId: 'prop:tree', biome: 'desert' };

/** The one contract every ImageGenerator meets. */
function generatorContract(make: () => Promise<ImageGenerator>, o: { exactSize: boolean }) {
  let g: ImageGenerator;
  beforeAll(async () => {
    g = await make();
  });

  it('plans the same job for the same subject and different jobs for different subjects', () => {
    expect(g.plan(portrait, 'png')).toEqual(g.plan(structuredClone(portrait), 'png'));
    const keys = new Set([portrait, wolf, desertTree].map((s) => keyOfJob(g.plan(s, 'png'))));
    expect(keys.size).toBe(3);
  });

  it('makes a PNG for portraits, creatures and biome variants', async () => {
    for (const s of [portrait, wolf, desertTree]) {
      const job = g.plan(s, 'png');
      const img = await g.generate(job, { signal: new AbortController().signal });
      expect(img.mime).toBe('image/png');
      const size = pngSize(img.bytes);
      expect(size).toBeDefined();
      if (o.exactSize) expect(size).toEqual({ width: job.width, height: job.height });
    }
  }, 600_000);

  it('rejects a malformed subject when planning', () => {
    expect(() => g.plan({ ...wolf, genes: { hue: 30, pattern: 'plaid', size: 1 } } as never, 'png')).toThrow(
      /unknown pattern "plaid"/,
    );
  });
}

describe('ImageGenerator contract: procedural (embedded default)', () => {
  generatorContract(async () => new ProceduralImageGenerator(), { exactSize: true });
});

describe('ImageGenerator contract: Stable Diffusion adapter against a local fake A1111 server', () => {
  let fake: Awaited<ReturnType<typeof startFakeA1111>>;
  afterAll(() => fake?.close());
  generatorContract(
    async () => {
      fake = await startFakeA1111();
      return new StableDiffusionGenerator({ baseUrl: fake.url });
    },
    { exactSize: false },
  );
});

const sd = liveTarget(
  'SD_URL',
  'ImageGenerator contract: live Stable Diffusion (A1111 API)',
  'http://localhost:7860',
);
describe.skipIf(!sd.enabled)(sd.title, () => {
  generatorContract(
    async () =>
      new StableDiffusionGenerator({ baseUrl: sd.value, checkpoint: process.env.SD_MODEL, steps: 12 }),
    {
      exactSize: true,
    },
  );
});

describe('StableDiffusionGenerator requests', () => {
  let fake: Awaited<ReturnType<typeof startFakeA1111>>;
  beforeAll(async () => {
    fake = await startFakeA1111();
  });
  afterAll(() => fake.close());

  it('sends txt2img with prompt, seed, steps, size and the pinned checkpoint', async () => {
    const g = new StableDiffusionGenerator({
      baseUrl: `${fake.url}/`,
      checkpoint: 'dreamshaper_8',
      steps: 20,
    });
    const job = g.plan(portrait, 'png');
    await g.generate(job, { signal: new AbortController().signal });
    const req = fake.requests.at(-1);
    expect(req?.path).toBe('/sdapi/v1/txt2img');
    expect(req?.body).toMatchObject({
      prompt: expect.stringContaining('auburn long hair'),
      seed: job.seed,
      steps: 20,
      width: 512,
      height: 512,
      cfg_scale: 7,
      sampler_name: 'Euler a',
      override_settings: { sd_model_checkpoint: 'dreamshaper_8' },
    });
    expect(job.model).toBe('sd:dreamshaper_8');
  });

  it('sends img2img for a biome variant with the base asset as init image and the strength', async () => {
    const g = new StableDiffusionGenerator({ baseUrl: fake.url, biomeStrength: 0.4 });
    const job = g.plan(desertTree, 'png');
    expect(job.params).toMatchObject({ strength: 0.4, baseAssetId: 'prop:tree' });
    expect(String(job.params.baseAssetHash)).toMatch(/^[0-9a-f]{64}$/);
    await g.generate(job, { signal: new AbortController().signal });
    const req = fake.requests.at(-1);
    expect(req?.path).toBe('/sdapi/v1/img2img');
    expect(req?.body.denoising_strength).toBe(0.4);
    expect(String(req?.body.prompt)).toContain('sun-bleached sand');
    const init = Buffer.from(String((req?.body.init_images as string[])[0]), 'base64');
    expect(pngSize(new Uint8Array(init))).toEqual({ width: 512, height: 512 });
  });

  it('reports the server error of a failed call', async () => {
    const failing = await startFakeA1111({ failures: 1 });
    try {
      const g = new StableDiffusionGenerator({ baseUrl: failing.url });
      await expect(g.generate(g.plan(wolf, 'png'), { signal: new AbortController().signal })).rejects.toThrow(
        /Stable Diffusion 500: OutOfMemoryError/,
      );
    } finally {
      await failing.close();
    }
  });

  it('gives a different key when the checkpoint changes', () => {
    const a = new StableDiffusionGenerator({ baseUrl: fake.url, checkpoint: 'a' });
    const b = new StableDiffusionGenerator({ baseUrl: fake.url, checkpoint: 'b' });
    expect(keyOfJob(a.plan(wolf, 'png'))).not.toBe(keyOfJob(b.plan(wolf, 'png')));
  });
});

describe('procedural art', () => {
  const g = new ProceduralImageGenerator();
  const png = (s: AssetSubject) => Buffer.from(g.render(g.plan(s, 'png')).bytes).toString('base64');

  it('is deterministic, and every appearance choice changes the portrait', () => {
    expect(png(portrait)).toBe(png(structuredClone(portrait)));
    const base = png(portrait);
    const p = portrait as Extract<AssetSubject, { kind: 'portrait' }>;
    const variants: Partial<typeof p.appearance>[] = [
      { hairStyle: 'short' },
      { hairColour: 'black' },
      { skinTone: 'deep' },
      { eyeColour: 'violet' },
      { robeColour: 'crimson' },
      { facialHair: 'beard' },
      { accessory: 'scar' },
    ];
    for (const v of variants) expect(png({ ...p, appearance: { ...p.appearance, ...v } })).not.toBe(base);
  });

  it('draws creatures from genes: colour, pattern and size all show', () => {
    const c = wolf as Extract<AssetSubject, { kind: 'creature' }>;
    const base = png(c);
    for (const genes of [
      { ...c.genes, hue: 200 },
      { ...c.genes, pattern: 'stripes' as const },
      { ...c.genes, size: 0.6 },
    ])
      expect(png({ ...c, genes })).not.toBe(base);
  });

  it('transforms every base tile and prop into four distinct biome variants', () => {
    for (const id of [...baseIds('tile'), ...baseIds('prop')]) {
      const variants = new Set(BIOMES.map((biome) => png({ kind: 'biome-variant', baseAssetId: id, biome })));
      expect(variants.size, id).toBe(4);
    }
    // Props are swapped for local ones, not just recoloured.
    expect(BIOME_STYLES.desert.swaps['prop:tree']).toBe('prop:cactus');
    for (const target of Object.values(BIOME_STYLES).flatMap((s) => Object.values(s.swaps)))
      expect(BASE_LIBRARY.has(target)).toBe(true);
  });

  it('has a base library of every category, keyed by id', () => {
    for (const cat of BASE_CATEGORIES) expect(baseIds(cat).length).toBeGreaterThan(2);
  });

  it('renders SVG as well as PNG', () => {
    const svg = new TextDecoder().decode(g.render(g.plan(portrait, 'svg')).bytes);
    expect(svg.startsWith('<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128"')).toBe(true);
    expect(svg).toContain('fill="#2f5fb0"'); // azure robe
    expect(svg.match(/<\w+/g)?.length).toBe(svg.match(/\/>|<\/\w+>/g)?.length);
    const tundra = new TextDecoder().decode(
      g.render(g.plan({ kind: 'biome-variant', baseAssetId: 'tile:grass', biome: 'tundra' }, 'svg')).bytes,
    );
    expect(tundra).toContain('feTurbulence');
  });

  it('randomizes appearances reproducibly from a key, always with valid choices', () => {
    expect(randomAppearance('p1:1')).toEqual(randomAppearance('p1:1'));
    const seen = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const a = randomAppearance(`p1:${i}`);
      checkSubject({ kind: 'portrait', characterClass: 'mage', appearance: a });
      seen.add(JSON.stringify(a));
    }
    expect(seen.size).toBeGreaterThan(45);
  });
});
