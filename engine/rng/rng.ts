import seedrandom from 'seedrandom';

/** A source of uniform numbers in [0, 1); every random draw in the simulation comes from one of these. */
export type Rng = () => number;

/** What a stream is for; one stream per purpose keeps systems from disturbing each other's draws. */
export type RngPurpose = string;

/** Turns any user seed (number or string) into a 32-bit unsigned integer seed. */
export function seedToU32(seed: number | string): number {
  if (typeof seed === 'number' && Number.isInteger(seed) && seed >= 0 && seed <= 0xffffffff)
    return seed >>> 0;
  return fnv1a(String(seed));
}

/** FNV-1a over a string's UTF-16 code units: a stable 32-bit hash for names and keys. */
export function fnv1a(text: string): number {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * A seedrandom stream derived from (seed, zone, tick, purpose). Same inputs, same sequence, on any
 * machine and any worker. Cheap enough to create per zone per tick (alea, no key schedule).
 */
export function streamFor(seed: number, zone: number, tick: number, purpose: RngPurpose): Rng {
  return seedrandom.alea(`${seed >>> 0}:${zone}:${tick}:${purpose}`);
}

/** A seedrandom stream from an arbitrary key, for things outside the tick loop (player breeding, setup). */
export function streamFromKey(key: string): Rng {
  return seedrandom.alea(key);
}

/**
 * Counter-based 32-bit hash of four integers (a murmur3-style finaliser over a mixed state). For hot
 * loops: `hash32(seed, tick, entityId, salt)` gives a per-entity random word with no stream state.
 */
export function hash32(a: number, b: number, c: number, d: number): number {
  let h = Math.imul(a ^ 0x9e3779b9, 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13) ^ b, 0xc2b2ae35);
  h = Math.imul(h ^ (h >>> 16) ^ c, 0x27d4eb2f);
  h = Math.imul(h ^ (h >>> 15) ^ d, 0x165667b1);
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h >>> 0;
}

/** `hash32` mapped to a float in [0, 1). */
export function hash01(a: number, b: number, c: number, d: number): number {
  return hash32(a, b, c, d) / 4294967296;
}

/** Uniform integer in [0, n) from a stream. */
export function randInt(rng: Rng, n: number): number {
  return Math.floor(rng() * n);
}

/** Standard normal deviate (Box–Muller) from a stream. */
export function gaussian(rng: Rng): number {
  let u = rng();
  while (u <= 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** In-place Fisher–Yates shuffle of the first `n` items of an index array, from a stream. */
export function shuffle(rng: Rng, items: Int32Array | Uint32Array | number[], n = items.length): void {
  for (let i = n - 1; i > 0; i--) {
    const j = Math.floor(rng() * (i + 1));
    const t = items[i];
    items[i] = items[j];
    items[j] = t;
  }
}
