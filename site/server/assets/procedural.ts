import { createHash } from 'node:crypto';
import { BASE_PALETTE, baseAsset } from './base-library.ts';
import { biomePalette, biomeVariantScene } from './biome.ts';
import type {
  Appearance,
  AssetSubject,
  CharacterClass,
  GeneratedImage,
  ImageFormat,
  ImageGenerator,
  ImageJob,
} from './image-generator.ts';
import { checkSubject, describeSubject } from './image-generator.ts';
import type { Palette, Scene, Shape } from './scene.ts';
import { hsl, renderPng, renderSvg, shade } from './scene.ts';

/** Version of the procedural art; bump it when drawings change so cached images are regenerated. */
export const PROCEDURAL_MODEL = 'procedural-v1';

const HAIR: Record<Appearance['hairColour'], string> = {
  black: '#1d1a1a',
  brown: '#5a3a22',
  auburn: '#8a3b1e',
  blonde: '#d8b65a',
  silver: '#b9bcc8',
  white: '#eeeeee',
  blue: '#3a5bd1',
};
const SKIN: Record<Appearance['skinTone'], string> = {
  porcelain: '#f6dcc8',
  fair: '#eac0a0',
  olive: '#c69c6d',
  tan: '#a8754a',
  brown: '#7c4f2e',
  deep: '#4f2f1c',
};
const EYES: Record<Appearance['eyeColour'], string> = {
  brown: '#5a3414',
  blue: '#2f6fd0',
  green: '#2f9a4a',
  grey: '#7a8290',
  amber: '#d08a1a',
  violet: '#7a3ad0',
};
const ROBE: Record<Appearance['robeColour'], string> = {
  crimson: '#9a1f2f',
  azure: '#2f5fb0',
  emerald: '#1f7a4a',
  violet: '#5a2f8a',
  amber: '#c07a1a',
  charcoal: '#34343c',
  white: '#e4e4ea',
};
const CLASS_STYLE: Record<CharacterClass, { background: [string, string]; trim: string; emblem: string }> = {
  mage: { background: ['#1b1f3b', '#3a2f6b'], trim: '#d9b84a', emblem: 'portrait:emblem-star' },
};

/** Shapes of a base asset by id. */
function part(id: string, seed = 0): Shape[] {
  return baseAsset(id).draw({ seed });
}

/** Scene and palette of a character portrait from class and appearance. */
export function portraitScene(
  characterClass: CharacterClass,
  a: Appearance,
): { scene: Scene; palette: Palette } {
  const style = CLASS_STYLE[characterClass];
  const skin = SKIN[a.skinTone];
  const hair = HAIR[a.hairColour];
  const palette: Palette = {
    ...BASE_PALETTE,
    skin,
    'skin-shadow': shade(skin, 0.82),
    lips: shade(skin, 0.7),
    hair,
    'hair-40': `${hair}66`,
    eye: EYES[a.eyeColour],
    robe: ROBE[a.robeColour],
    'robe-trim': style.trim,
    accent: style.trim,
  };
  const shapes: Shape[] = [
    { kind: 'rect', x: 0, y: 50, w: 100, h: 50, fill: style.background[1] },
    { kind: 'ellipse', cx: 50, cy: 40, rx: 40, ry: 36, fill: `${style.background[1]}aa` },
  ];
  if (a.hairStyle === 'long' || a.hairStyle === 'braid') shapes.push(...part('portrait:hair-long-back'));
  shapes.push(
    ...part('portrait:bust'),
    ...part(style.emblem),
    ...part('portrait:head'),
    ...part('portrait:eyes'),
  );
  if (a.facialHair === 'beard') shapes.push(...part('portrait:beard'));
  if (a.facialHair === 'stubble') shapes.push(...part('portrait:stubble'));
  if (a.accessory === 'scar') shapes.push(...part('portrait:scar'));
  if (a.hairStyle === 'short') shapes.push(...part('portrait:hair-short'));
  if (a.hairStyle === 'long') shapes.push(...part('portrait:hair-long'));
  if (a.hairStyle === 'braid') shapes.push(...part('portrait:hair-braid'));
  if (a.hairStyle === 'hood') shapes.push(...part('portrait:hood'));
  if (a.accessory === 'circlet' && a.hairStyle !== 'hood') shapes.push(...part('portrait:circlet'));
  return { scene: { background: style.background[0], shapes }, palette };
}

function scaleShape(s: Shape, f: number, cx: number, cy: number): Shape {
  const X = (x: number) => cx + (x - cx) * f;
  const Y = (y: number) => cy + (y - cy) * f;
  switch (s.kind) {
    case 'rect':
      return { ...s, x: X(s.x), y: Y(s.y), w: s.w * f, h: s.h * f };
    case 'ellipse':
      return { ...s, cx: X(s.cx), cy: Y(s.cy), rx: s.rx * f, ry: s.ry * f };
    case 'poly':
      return { ...s, points: s.points.map((v, i) => (i % 2 ? Y(v) : X(v))) };
    case 'group':
      return {
        ...s,
        ...(s.clip ? { clip: scaleShape(s.clip, f, cx, cy) as typeof s.clip } : {}),
        children: s.children.map((c) => scaleShape(c, f, cx, cy)),
      };
  }
}

/** Scene and palette of a creature from its body plan and genes (hue, saturation, pattern, size). */
export function creatureScene(
  subject: Extract<AssetSubject, { kind: 'creature' }>,
  seed: number,
): { scene: Scene; palette: Palette } {
  const g = subject.genes;
  const sat = g.saturation ?? 0.45;
  const body = hsl(g.hue, sat, 0.45);
  const env = subject.biome ? biomePalette(subject.biome) : BASE_PALETTE;
  const palette: Palette = {
    ...env,
    body,
    'body-dark': shade(body, 0.72),
    belly: hsl(g.hue, sat * 0.5, 0.72),
    pattern: hsl((g.hue + 20) % 360, Math.min(1, sat + 0.1), 0.22),
  };
  // Grow or shrink about the feet so every size stands on the same ground line.
  const shapes = baseAsset(`creature:${subject.bodyPlan}`)
    .draw({ seed, pattern: g.pattern })
    .map((s) => scaleShape(s, 0.55 + 0.35 * g.size, 50, 92));
  const ground: Shape = { kind: 'rect', x: 0, y: 88, w: 100, h: 12, fill: '@ground-dark' };
  return {
    scene: { background: subject.biome ? '@ground' : '#e8e4da', shapes: [ground, ...shapes] },
    palette,
  };
}

/** A stable 32-bit seed from any JSON-able value. */
export function seedOf(value: unknown): number {
  return createHash('sha256').update(JSON.stringify(value)).digest().readUInt32BE(0);
}

/** The scene, palette and output size for a subject. */
export function sceneFor(
  subject: AssetSubject,
  seed: number,
): { scene: Scene; palette: Palette; sizePx: number } {
  switch (subject.kind) {
    case 'portrait':
      return { ...portraitScene(subject.characterClass, subject.appearance), sizePx: 128 };
    case 'creature':
      return { ...creatureScene(subject, seed), sizePx: 96 };
    case 'icon':
      return {
        scene: { shapes: part(subject.iconId, seed) },
        palette: BASE_PALETTE,
        sizePx: baseAsset(subject.iconId).sizePx,
      };
    case 'biome-variant': {
      const v = biomeVariantScene(subject.baseAssetId, subject.biome, seed);
      return { scene: v.scene, palette: v.palette, sizePx: baseAsset(subject.baseAssetId).sizePx };
    }
  }
}

/**
 * The embedded default image generator: deterministic procedural art from the base library. Portraits
 * from class and appearance, creatures from body plan and genes, icons, and biome variants of tiles
 * and props. PNG (pure TypeScript encoder over node:zlib) or SVG.
 */
export class ProceduralImageGenerator implements ImageGenerator {
  readonly service = 'procedural';
  readonly formats = ['png', 'svg'] as const;

  plan(subject: AssetSubject, format: ImageFormat): ImageJob {
    checkSubject(subject);
    const seed = seedOf(subject);
    const { sizePx } = sceneFor(subject, seed);
    return {
      subject,
      format,
      model: PROCEDURAL_MODEL,
      prompt: describeSubject(subject),
      negativePrompt: '',
      seed,
      steps: 0,
      width: sizePx,
      height: sizePx,
      params: {},
    };
  }

  async generate(job: ImageJob): Promise<GeneratedImage> {
    return this.render(job);
  }

  /** Synchronous rendering (the asset queue's fallback path uses this: it cannot hang). */
  render(job: ImageJob): GeneratedImage {
    const { scene, palette } = sceneFor(job.subject, job.seed);
    if (job.format === 'svg')
      return { bytes: new TextEncoder().encode(renderSvg(scene, palette, job.width)), mime: 'image/svg+xml' };
    return { bytes: renderPng(scene, palette, job.width), mime: 'image/png' };
  }
}
