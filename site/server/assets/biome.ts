import { fnv1a } from '../../../engine/rng/rng.ts';
import { BASE_PALETTE, baseAsset } from './base-library.ts';
import type { Biome } from './image-generator.ts';
import type { Palette, Scene } from './scene.ts';

/** How a biome restyles base assets: colour roles, props swapped for local ones, and texture noise. */
export interface BiomeStyle {
  palette: Palette;
  /** Base asset id → the id drawn instead in this biome. */
  swaps: Readonly<Record<string, string>>;
  /** Brightness noise amplitude and cell size in output pixels. */
  noise: { amount: number; cellPx: number };
}

/** The four biomes' styles. */
export const BIOME_STYLES: Readonly<Record<Biome, BiomeStyle>> = {
  forest: {
    palette: {},
    swaps: {},
    noise: { amount: 0.08, cellPx: 2 },
  },
  desert: {
    palette: {
      ground: '#d8b878',
      'ground-dark': '#c49a5a',
      soil: '#c8a060',
      foliage: '#8a9a4a',
      'foliage-dark': '#6f7a3a',
      rock: '#c08a5a',
      'rock-dark': '#9a6a40',
      'rock-light': '#e0b080',
      water: '#4a9ab0',
      'water-light': '#8ad0d8',
      bark: '#8a6a40',
    },
    swaps: {
      'prop:tree': 'prop:cactus',
      'prop:pine': 'prop:cactus',
      'prop:bush': 'prop:dry-bush',
      'prop:reeds': 'prop:dry-bush',
    },
    noise: { amount: 0.12, cellPx: 1 },
  },
  tundra: {
    palette: {
      ground: '#e6eef4',
      'ground-dark': '#c4d4e0',
      soil: '#9aa4ac',
      foliage: '#5a7a6a',
      'foliage-dark': '#3a5a50',
      rock: '#8a96a4',
      'rock-dark': '#66707c',
      'rock-light': '#c4ccd6',
      water: '#a8d0e8',
      'water-light': '#e4f4ff',
      bark: '#5a4a3a',
      accent: '#7ab0e0',
    },
    swaps: {
      'prop:tree': 'prop:pine',
      'prop:cactus': 'prop:pine',
      'prop:flower': 'prop:rock',
      'prop:reeds': 'prop:dry-bush',
    },
    noise: { amount: 0.05, cellPx: 3 },
  },
  swamp: {
    palette: {
      ground: '#4a5a32',
      'ground-dark': '#3a4826',
      soil: '#4a3a26',
      foliage: '#5a7a3a',
      'foliage-dark': '#3a5226',
      rock: '#5a6050',
      'rock-dark': '#40463a',
      'rock-light': '#7a8068',
      water: '#3a5040',
      'water-light': '#5a7a5a',
      bark: '#3a2e22',
      moss: '#7a8a3a',
      accent: '#b0a040',
    },
    swaps: {
      'prop:tree': 'prop:dead-tree',
      'prop:pine': 'prop:dead-tree',
      'prop:flower': 'prop:reeds',
      'prop:cactus': 'prop:dead-tree',
    },
    noise: { amount: 0.16, cellPx: 2 },
  },
};

/** The base palette with a biome's colour roles laid over it. */
export function biomePalette(biome: Biome): Palette {
  return { ...BASE_PALETTE, ...BIOME_STYLES[biome].palette };
}

/**
 * The procedural biome transform: draws the biome's stand-in for a base asset (props swap) with the
 * biome's palette and texture noise. Deterministic in (base asset id, biome, seed).
 */
export function biomeVariantScene(
  baseAssetId: string,
  biome: Biome,
  seed: number,
): { scene: Scene; palette: Palette; drawnId: string } {
  const style = BIOME_STYLES[biome];
  const drawnId = style.swaps[baseAssetId] ?? baseAssetId;
  const asset = baseAsset(drawnId);
  return {
    drawnId,
    palette: biomePalette(biome),
    scene: {
      shapes: asset.draw({ seed }),
      noise: { ...style.noise, seed: (seed ^ fnv1a(biome)) >>> 0 },
    },
  };
}
