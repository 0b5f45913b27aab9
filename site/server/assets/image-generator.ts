import { streamFromKey } from '../../../engine/rng/rng.ts';
import type { Pattern } from './base-library.ts';
import { PATTERNS } from './base-library.ts';

/** Biomes with a transform (palette, texture noise, props swap). */
export const BIOMES = ['forest', 'desert', 'tundra', 'swamp'] as const;
/** One of `BIOMES`. */
export type Biome = (typeof BIOMES)[number];

/** Appearance choices of character creation: names map to colours in the procedural generator. */
export const APPEARANCE_CHOICES = {
  hairStyle: ['short', 'long', 'braid', 'hood', 'bald'],
  hairColour: ['black', 'brown', 'auburn', 'blonde', 'silver', 'white', 'blue'],
  skinTone: ['porcelain', 'fair', 'olive', 'tan', 'brown', 'deep'],
  eyeColour: ['brown', 'blue', 'green', 'grey', 'amber', 'violet'],
  robeColour: ['crimson', 'azure', 'emerald', 'violet', 'amber', 'charcoal', 'white'],
  facialHair: ['none', 'stubble', 'beard'],
  accessory: ['none', 'circlet', 'scar'],
} as const;

/** A character's appearance: one choice per `APPEARANCE_CHOICES` key. */
export type Appearance = {
  -readonly [K in keyof typeof APPEARANCE_CHOICES]: (typeof APPEARANCE_CHOICES)[K][number];
};

/** Character classes with a portrait style. */
export const CHARACTER_CLASSES = ['mage'] as const;
/** One of `CHARACTER_CLASSES`. */
export type CharacterClass = (typeof CHARACTER_CLASSES)[number];

/** Creature body plans (creature base assets). */
export const BODY_PLANS = ['quadruped', 'bird', 'slime', 'serpent'] as const;
/** One of `BODY_PLANS`. */
export type BodyPlan = (typeof BODY_PLANS)[number];

/** The visible genes of a creature. */
export interface CreatureGenes {
  /** Coat hue in degrees (0–360). */
  hue: number;
  /** Coat saturation 0–1. Default 0.45. */
  saturation?: number;
  pattern: Pattern;
  /** Body size relative to the species norm (0.5–1.5). */
  size: number;
}

/** What an image shows; the queue's job key is computed from this and the generator's parameters. */
export type AssetSubject =
  | { kind: 'portrait'; characterClass: CharacterClass; appearance: Appearance }
  | { kind: 'creature'; species: string; bodyPlan: BodyPlan; genes: CreatureGenes; biome?: Biome }
  | { kind: 'icon'; iconId: string }
  | { kind: 'biome-variant'; baseAssetId: string; biome: Biome };

/** Output formats; Stable Diffusion only makes PNG, the procedural generator both. */
export type ImageFormat = 'png' | 'svg';

/** A fully specified generation: everything that determines the output image (and so its content hash). */
export interface ImageJob {
  subject: AssetSubject;
  format: ImageFormat;
  /** Generator and model identity, e.g. `procedural-v1` or `sd:dreamshaper_8`. */
  model: string;
  prompt: string;
  negativePrompt: string;
  seed: number;
  steps: number;
  width: number;
  height: number;
  /** Other parameters (cfg scale, sampler, img2img strength, the base asset's hash, …). */
  params: Readonly<Record<string, string | number | boolean>>;
}

/** Image bytes and their MIME type. */
export interface GeneratedImage {
  bytes: Uint8Array;
  mime: 'image/png' | 'image/svg+xml';
}

/** Makes images. The procedural generator (embedded default) and Stable Diffusion implement it. */
export interface ImageGenerator {
  /** `procedural` or `stable-diffusion`; also the service name in AI-call metrics. */
  readonly service: string;
  /** Formats this generator can produce. */
  readonly formats: readonly ImageFormat[];
  /** The job this generator would run for a subject (pure and synchronous: the queue hashes it). */
  plan(subject: AssetSubject, format: ImageFormat): ImageJob;
  /** Runs a job. Should stop work when `signal` aborts (the queue gives up on it either way). */
  generate(job: ImageJob, o: { signal: AbortSignal }): Promise<GeneratedImage>;
}

/** Throws unless every appearance field is one of its choices. */
export function checkAppearance(a: Appearance): Appearance {
  for (const [key, options] of Object.entries(APPEARANCE_CHOICES)) {
    const v = (a as Record<string, string>)[key];
    if (!(options as readonly string[]).includes(v))
      throw new Error(`appearance.${key} must be one of ${options.join(', ')}; got ${JSON.stringify(v)}`);
  }
  return a;
}

/** A random appearance for the Randomize button, seeded by `key` (e.g. player id + click count). */
export function randomAppearance(key: string): Appearance {
  const rng = streamFromKey(`appearance:${key}`);
  const pick = <T>(xs: readonly T[]) => xs[Math.floor(rng() * xs.length)];
  return {
    hairStyle: pick(APPEARANCE_CHOICES.hairStyle),
    hairColour: pick(APPEARANCE_CHOICES.hairColour),
    skinTone: pick(APPEARANCE_CHOICES.skinTone),
    eyeColour: pick(APPEARANCE_CHOICES.eyeColour),
    robeColour: pick(APPEARANCE_CHOICES.robeColour),
    facialHair: pick(APPEARANCE_CHOICES.facialHair),
    accessory: pick(APPEARANCE_CHOICES.accessory),
  };
}

/** Throws unless a subject is well formed (the queue checks requests from clients with this). */
export function checkSubject(s: AssetSubject): AssetSubject {
  switch (s.kind) {
    case 'portrait':
      if (!(CHARACTER_CLASSES as readonly string[]).includes(s.characterClass))
        throw new Error(`unknown class "${s.characterClass}"`);
      checkAppearance(s.appearance);
      return s;
    case 'creature': {
      const g = s.genes;
      if (!(BODY_PLANS as readonly string[]).includes(s.bodyPlan))
        throw new Error(`unknown body plan "${s.bodyPlan}"`);
      if (!(PATTERNS as readonly string[]).includes(g.pattern))
        throw new Error(`unknown pattern "${g.pattern}"`);
      if (!(g.hue >= 0 && g.hue <= 360)) throw new Error('genes.hue must be within 0–360');
      if (!(g.size >= 0.5 && g.size <= 1.5)) throw new Error('genes.size must be within 0.5–1.5');
      if (g.saturation !== undefined && !(g.saturation >= 0 && g.saturation <= 1))
        throw new Error('genes.saturation must be within 0–1');
      if (s.biome !== undefined && !(BIOMES as readonly string[]).includes(s.biome))
        throw new Error(`unknown biome "${s.biome}"`);
      return s;
    }
    case 'biome-variant':
      if (!(BIOMES as readonly string[]).includes(s.biome)) throw new Error(`unknown biome "${s.biome}"`);
      return s;
    case 'icon':
      return s;
  }
}

const HUE_NAMES: [number, string][] = [
  [15, 'red'],
  [45, 'orange'],
  [70, 'golden'],
  [160, 'green'],
  [200, 'teal'],
  [260, 'blue'],
  [300, 'violet'],
  [340, 'magenta'],
  [361, 'red'],
];

/** A text prompt describing a subject (Stable Diffusion's prompt; also recorded for procedural jobs). */
export function describeSubject(s: AssetSubject): string {
  switch (s.kind) {
    case 'portrait': {
      const a = s.appearance;
      const hair =
        a.hairStyle === 'bald'
          ? 'bald head'
          : a.hairStyle === 'hood'
            ? 'deep hood'
            : `${a.hairColour} ${a.hairStyle} hair`;
      const extras = [
        a.facialHair !== 'none' ? a.facialHair : '',
        a.accessory !== 'none' ? a.accessory : '',
      ].filter(Boolean);
      return (
        `fantasy portrait of a ${s.characterClass}, head and shoulders, ${a.skinTone} skin, ${hair}, ` +
        `${a.eyeColour} eyes, ${a.robeColour} robe${extras.length ? `, ${extras.join(', ')}` : ''}, ` +
        'painterly, soft rim light, centered, plain background'
      );
    }
    case 'creature': {
      const g = s.genes;
      const colour = HUE_NAMES.find(([h]) => g.hue < h)?.[1] ?? 'brown';
      const size = g.size < 0.8 ? 'small' : g.size > 1.2 ? 'large' : 'medium-sized';
      const coat = g.pattern === 'solid' ? 'plain' : g.pattern === 'spots' ? 'spotted' : 'striped';
      return (
        `a ${size} ${coat} ${colour} ${s.species}, fantasy creature, ${s.bodyPlan} body, side view, full body, ` +
        `${s.biome ? `${s.biome} background` : 'plain background'}, game art`
      );
    }
    case 'icon':
      return `game skill icon, ${s.iconId.replace(/^icon:/, '')} symbol, round, bold, flat colours`;
    case 'biome-variant':
      return `${s.baseAssetId.replace(/^\w+:/, '')} in a ${s.biome} biome, ${BIOME_PROMPTS[s.biome]}, top-down game asset`;
  }
}

/** Prompt fragments per biome for img2img biome transforms. */
export const BIOME_PROMPTS: Readonly<Record<Biome, string>> = {
  forest: 'lush green moss, dappled light, ferns',
  desert: 'sun-bleached sand, dry cracked earth, warm ochre palette',
  tundra: 'snow and frost, pale blue ice, cold light',
  swamp: 'murky green water, hanging moss, reeds, mist',
};
