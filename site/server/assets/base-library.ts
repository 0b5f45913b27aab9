import { hash01 } from '../../../engine/rng/rng.ts';
import type { Palette, Shape } from './scene.ts';

/** Creature coat patterns (a gene). */
export const PATTERNS = ['solid', 'spots', 'stripes'] as const;
/** One of `PATTERNS`. */
export type Pattern = (typeof PATTERNS)[number];

/** What a base asset's drawing may vary on. */
export interface DrawContext {
  /** Seed for placement details (tufts, pebbles, spots). */
  seed: number;
  /** Coat pattern, for creature bases. */
  pattern?: Pattern;
}

/** Kinds of base assets. */
export const BASE_CATEGORIES = ['tile', 'prop', 'creature', 'portrait', 'icon'] as const;
/** One of `BASE_CATEGORIES`. */
export type BaseCategory = (typeof BASE_CATEGORIES)[number];

/** A base asset: shapes in a 100 × 100 box using colour roles, keyed by id (`tile:grass`, `prop:tree`, …). */
export interface BaseAsset {
  id: string;
  category: BaseCategory;
  /** Default output size in pixels. */
  sizePx: number;
  draw(ctx: DrawContext): Shape[];
}

/** The neutral palette base assets are drawn with before any biome or appearance recolours them. */
export const BASE_PALETTE: Palette = {
  ground: '#5f8f3e',
  'ground-dark': '#4a7330',
  soil: '#7a5a3a',
  foliage: '#3f8a3a',
  'foliage-dark': '#2c6a2c',
  bark: '#6b4a2b',
  rock: '#8a8a86',
  'rock-dark': '#65655f',
  'rock-light': '#b0b0aa',
  water: '#3a74b8',
  'water-light': '#6fa3de',
  snow: '#f2f6fa',
  cactus: '#4f8f4a',
  dry: '#a08a50',
  moss: '#6a7a2a',
  accent: '#d94a6a',
  body: '#8a6a4a',
  'body-dark': '#5e4630',
  belly: '#c8b08a',
  pattern: '#3a2a1a',
  eye: '#1a1a1a',
  beak: '#e0a030',
  'icon-bg': '#2a2a4a',
  'icon-fg': '#f0d060',
};

const rect = (x: number, y: number, w: number, h: number, fill: string): Shape => ({
  kind: 'rect',
  x,
  y,
  w,
  h,
  fill,
});
const ell = (cx: number, cy: number, rx: number, ry: number, fill: string): Shape => ({
  kind: 'ellipse',
  cx,
  cy,
  rx,
  ry,
  fill,
});
const poly = (fill: string, ...points: number[]): Shape => ({ kind: 'poly', points, fill });

/** Seeded value in [lo, hi) for the i-th detail of a drawing. */
function r(seed: number, i: number, lo: number, hi: number): number {
  return lo + (hi - lo) * hash01(seed, i, 0xa55e7, 0);
}

function scatter(seed: number, count: number, make: (x: number, y: number, i: number) => Shape): Shape[] {
  const out: Shape[] = [];
  for (let i = 0; i < count; i++) out.push(make(r(seed, 2 * i, 6, 94), r(seed, 2 * i + 1, 6, 94), i));
  return out;
}

/** Pattern shapes for a coat, clipped to the body by the caller. */
function coat(pattern: Pattern | undefined, seed: number, box: [number, number, number, number]): Shape[] {
  const [x0, y0, x1, y1] = box;
  if (pattern === 'spots') {
    const out: Shape[] = [];
    for (let i = 0; i < 9; i++) {
      const rr = r(seed, 100 + i, 2.5, 5);
      out.push(ell(r(seed, 120 + i, x0, x1), r(seed, 140 + i, y0, y1), rr, rr * 0.8, '@pattern'));
    }
    return out;
  }
  if (pattern === 'stripes') {
    const out: Shape[] = [];
    for (let x = x0 + 4; x < x1; x += 9) out.push(poly('@pattern', x, y0, x + 4, y0, x + 1, y1, x - 3, y1));
    return out;
  }
  return [];
}

const creatureEye = (cx: number, cy: number): Shape[] => [
  ell(cx, cy, 2.6, 2.6, '#ffffff'),
  ell(cx + 0.6, cy, 1.5, 1.5, '@eye'),
];

const ASSETS: BaseAsset[] = [
  // Tiles: full-bleed squares.
  {
    id: 'tile:grass',
    category: 'tile',
    sizePx: 32,
    draw: ({ seed }) => [
      rect(0, 0, 100, 100, '@ground'),
      ...scatter(seed, 10, (x, y) => poly('@ground-dark', x - 3, y + 4, x, y - 5, x + 3, y + 4)),
      ...scatter(seed + 1, 6, (x, y) => poly('@foliage', x - 2, y + 3, x + 1, y - 4, x + 3, y + 3)),
    ],
  },
  {
    id: 'tile:dirt',
    category: 'tile',
    sizePx: 32,
    draw: ({ seed }) => [
      rect(0, 0, 100, 100, '@soil'),
      ...scatter(seed, 12, (x, y, i) =>
        ell(x, y, r(seed, 50 + i, 1.5, 4), r(seed, 70 + i, 1, 3), '@rock-dark'),
      ),
    ],
  },
  {
    id: 'tile:stone',
    category: 'tile',
    sizePx: 32,
    draw: ({ seed }) => [
      rect(0, 0, 100, 100, '@rock-dark'),
      ...[0, 1, 2, 3].flatMap((row) =>
        [0, 1, 2].map((col) =>
          rect(
            col * 34 + (row % 2) * 17 - 8 + 1.5,
            row * 25 + 1.5,
            31,
            22,
            r(seed, row * 3 + col, 0, 1) > 0.5 ? '@rock' : '@rock-light',
          ),
        ),
      ),
    ],
  },
  {
    id: 'tile:water',
    category: 'tile',
    sizePx: 32,
    draw: ({ seed }) => [
      rect(0, 0, 100, 100, '@water'),
      ...scatter(seed, 6, (x, y) => ell(x, y, 9, 1.6, '@water-light')),
    ],
  },
  // Props: transparent background, standing on the bottom edge.
  {
    id: 'prop:tree',
    category: 'prop',
    sizePx: 64,
    draw: ({ seed }) => [
      rect(44, 55, 12, 42, '@bark'),
      ell(50, 42, 30, 26, '@foliage-dark'),
      ell(r(seed, 1, 40, 46), 34, 20, 18, '@foliage'),
      ell(r(seed, 2, 56, 62), 40, 16, 14, '@foliage'),
    ],
  },
  {
    id: 'prop:pine',
    category: 'prop',
    sizePx: 64,
    draw: () => [
      rect(45, 78, 10, 20, '@bark'),
      poly('@foliage-dark', 50, 44, 82, 82, 18, 82),
      poly('@foliage-dark', 50, 24, 74, 60, 26, 60),
      poly('@foliage-dark', 50, 6, 66, 38, 34, 38),
      poly('@snow', 50, 6, 58, 22, 42, 22),
      poly('@snow', 50, 28, 62, 44, 38, 44),
    ],
  },
  {
    id: 'prop:cactus',
    category: 'prop',
    sizePx: 64,
    draw: ({ seed }) => [
      rect(42, 20, 16, 78, '@cactus'),
      ell(50, 20, 8, 8, '@cactus'),
      rect(24, 45, 18, 8, '@cactus'),
      rect(24, r(seed, 1, 28, 36), 8, 22, '@cactus'),
      rect(58, 55, 16, 8, '@cactus'),
      rect(66, r(seed, 2, 36, 44), 8, 24, '@cactus'),
      ell(50, 16, 3, 3, '@accent'),
    ],
  },
  {
    id: 'prop:dead-tree',
    category: 'prop',
    sizePx: 64,
    draw: ({ seed }) => [
      poly('@bark', 44, 98, 56, 98, 54, 30, 46, 30),
      poly('@bark', 50, 50, 24, r(seed, 1, 20, 30), 20, r(seed, 1, 20, 30) + 4, 48, 58),
      poly('@bark', 52, 40, 80, r(seed, 2, 14, 24), 82, r(seed, 2, 14, 24) + 4, 54, 48),
      ell(50, 64, 7, 3, '@moss'),
      ell(30, 26, 5, 2, '@moss'),
    ],
  },
  {
    id: 'prop:rock',
    category: 'prop',
    sizePx: 64,
    draw: ({ seed }) => [
      poly('@rock', 14, 96, 22, r(seed, 1, 50, 60), 48, 40, 76, r(seed, 2, 46, 56), 88, 96),
      poly('@rock-light', 30, 60, 48, 44, 60, 52, 42, 64),
      poly('@rock-dark', 60, 96, 76, 60, 88, 96),
    ],
  },
  {
    id: 'prop:bush',
    category: 'prop',
    sizePx: 64,
    draw: ({ seed }) => [
      ell(50, 78, 38, 20, '@foliage-dark'),
      ell(r(seed, 1, 32, 40), 70, 18, 15, '@foliage'),
      ell(r(seed, 2, 60, 68), 72, 16, 13, '@foliage'),
    ],
  },
  {
    id: 'prop:dry-bush',
    category: 'prop',
    sizePx: 64,
    draw: () =>
      [-30, -18, -6, 6, 18, 30].map((dx) =>
        poly(
          '@dry',
          49,
          98,
          51,
          98,
          50 + dx * 1.3 + 1,
          58 + Math.abs(dx) / 2,
          50 + dx * 1.3 - 1,
          58 + Math.abs(dx) / 2,
        ),
      ),
  },
  {
    id: 'prop:reeds',
    category: 'prop',
    sizePx: 64,
    draw: ({ seed }) =>
      [30, 40, 50, 60, 70].flatMap((x, i) => {
        const top = r(seed, i, 20, 45);
        return [rect(x - 1, top, 2.5, 98 - top, '@foliage'), ell(x + 0.2, top + 6, 2.5, 7, '@bark')];
      }),
  },
  {
    id: 'prop:flower',
    category: 'prop',
    sizePx: 64,
    draw: () => [
      rect(49, 50, 3, 48, '@foliage-dark'),
      ell(40, 44, 8, 6, '@accent'),
      ell(60, 44, 8, 6, '@accent'),
      ell(50, 36, 6, 8, '@accent'),
      ell(50, 52, 6, 8, '@accent'),
      ell(50, 44, 5, 5, '#f5d142'),
    ],
  },
  // Creature bases: coloured by genes (`@body`, `@pattern`); patterns are clipped to the body.
  {
    id: 'creature:quadruped',
    category: 'creature',
    sizePx: 96,
    draw: ({ seed, pattern }) => {
      const body = ell(50, 56, 28, 16, '@body') as Extract<Shape, { kind: 'ellipse' }>;
      return [
        poly('@body-dark', 22, 50, 8, 36, 12, 34, 26, 46),
        rect(28, 62, 7, 28, '@body-dark'),
        rect(64, 62, 7, 28, '@body-dark'),
        body,
        { kind: 'group', clip: body, children: coat(pattern, seed, [22, 40, 78, 72]) },
        ell(50, 64, 18, 6, '@belly'),
        rect(36, 62, 7, 30, '@body'),
        rect(58, 62, 7, 30, '@body'),
        ell(78, 40, 13, 11, '@body'),
        poly('@body-dark', 72, 32, 74, 20, 80, 30),
        poly('@body-dark', 82, 30, 86, 19, 88, 31),
        ell(89, 44, 5, 4, '@body-dark'),
        ...creatureEye(82, 38),
      ];
    },
  },
  {
    id: 'creature:bird',
    category: 'creature',
    sizePx: 96,
    draw: ({ seed, pattern }) => {
      const body = ell(46, 54, 22, 17, '@body') as Extract<Shape, { kind: 'ellipse' }>;
      return [
        poly('@body-dark', 26, 52, 6, 44, 8, 62),
        rect(42, 68, 2.5, 22, '@beak'),
        rect(52, 68, 2.5, 22, '@beak'),
        body,
        { kind: 'group', clip: body, children: coat(pattern, seed, [24, 38, 68, 70]) },
        poly('@body-dark', 34, 46, 62, 44, 50, 66),
        ell(66, 36, 12, 11, '@body'),
        poly('@beak', 76, 34, 92, 38, 76, 41),
        ...creatureEye(70, 33),
      ];
    },
  },
  {
    id: 'creature:slime',
    category: 'creature',
    sizePx: 96,
    draw: ({ seed, pattern }) => {
      const body = poly('@body', 14, 86, 20, 56, 36, 32, 50, 26, 64, 32, 80, 56, 86, 86) as Extract<
        Shape,
        { kind: 'poly' }
      >;
      return [
        ell(50, 88, 38, 6, '@body-dark'),
        body,
        { kind: 'group', clip: body, children: coat(pattern, seed, [14, 26, 86, 86]) },
        ell(40, 40, 6, 4, '#ffffff60'),
        ...creatureEye(40, 58),
        ...creatureEye(60, 58),
      ];
    },
  },
  {
    id: 'creature:serpent',
    category: 'creature',
    sizePx: 96,
    draw: ({ seed, pattern }) => {
      const segments: Extract<Shape, { kind: 'ellipse' }>[] = [];
      for (let i = 0; i < 9; i++) {
        const x = 12 + i * 8;
        const y = 62 + 12 * Math.sin(i * 0.9);
        segments.push({ kind: 'ellipse', cx: x, cy: y, rx: 8, ry: 7, fill: '@body' });
      }
      const coatShapes = coat(pattern, seed, [6, 48, 80, 78]);
      return [
        ...segments,
        // Each segment clips the coat, so stripes and spots follow the body's curve.
        ...segments.map((clip): Shape => ({ kind: 'group', clip, children: coatShapes })),
        ell(86, 52, 10, 8, '@body'),
        poly('@accent', 95, 53, 100, 51, 100, 55),
        ...creatureEye(88, 49),
      ];
    },
  },
  // Portrait parts: composed by the procedural generator from class and appearance.
  {
    id: 'portrait:bust',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      poly('@robe', 10, 100, 18, 78, 38, 70, 62, 70, 82, 78, 90, 100),
      poly('@robe-trim', 44, 70, 56, 70, 52, 100, 48, 100),
    ],
  },
  {
    id: 'portrait:head',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      rect(44, 58, 12, 14, '@skin-shadow'),
      ell(31, 46, 3.5, 6, '@skin'),
      ell(69, 46, 3.5, 6, '@skin'),
      ell(50, 44, 18, 22, '@skin'),
    ],
  },
  {
    id: 'portrait:eyes',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      ell(42, 44, 4.2, 2.8, '#ffffff'),
      ell(58, 44, 4.2, 2.8, '#ffffff'),
      ell(42, 44, 2.2, 2.4, '@eye'),
      ell(58, 44, 2.2, 2.4, '@eye'),
      rect(37, 38.5, 9, 1.6, '@hair'),
      rect(54, 38.5, 9, 1.6, '@hair'),
      ell(50, 60, 5, 1.4, '@lips'),
    ],
  },
  {
    id: 'portrait:hair-short',
    category: 'portrait',
    sizePx: 128,
    draw: () => [poly('@hair', 31, 42, 32, 28, 42, 21, 58, 21, 68, 28, 69, 42, 64, 32, 50, 28, 36, 32)],
  },
  {
    id: 'portrait:hair-long-back',
    category: 'portrait',
    sizePx: 128,
    draw: () => [poly('@hair', 28, 40, 34, 22, 66, 22, 72, 40, 76, 80, 24, 80)],
  },
  {
    id: 'portrait:hair-long',
    category: 'portrait',
    sizePx: 128,
    draw: () => [poly('@hair', 30, 50, 31, 28, 42, 20, 58, 20, 69, 28, 70, 50, 66, 32, 50, 27, 34, 32)],
  },
  {
    id: 'portrait:hair-braid',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      poly('@hair', 31, 42, 32, 27, 42, 20, 58, 20, 68, 27, 69, 42, 64, 31, 50, 27, 36, 31),
      ell(70, 56, 4, 5, '@hair'),
      ell(72, 65, 3.6, 4.6, '@hair'),
      ell(73, 74, 3.2, 4.2, '@hair'),
      ell(73, 80, 2, 2, '@accent'),
    ],
  },
  {
    id: 'portrait:hood',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      poly(
        '@robe',
        24,
        76,
        26,
        34,
        36,
        18,
        50,
        14,
        64,
        18,
        74,
        34,
        76,
        76,
        66,
        70,
        68,
        38,
        60,
        26,
        40,
        26,
        32,
        38,
        34,
        70,
      ),
      poly('@hair', 34, 38, 40, 28, 60, 28, 66, 38, 60, 33, 40, 33),
    ],
  },
  {
    id: 'portrait:beard',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      poly('@hair', 33, 50, 38, 62, 50, 72, 62, 62, 67, 50, 62, 56, 56, 58, 50, 63, 44, 58, 38, 56),
      ell(50, 60, 4, 1.2, '@lips'),
    ],
  },
  {
    id: 'portrait:stubble',
    category: 'portrait',
    sizePx: 128,
    draw: () => [poly('@hair-40', 34, 52, 40, 62, 50, 66, 60, 62, 66, 52, 60, 57, 50, 60, 40, 57)],
  },
  {
    id: 'portrait:circlet',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      rect(32, 31, 36, 2.4, '@accent'),
      poly('@accent', 47, 31, 50, 25, 53, 31),
      ell(50, 29.5, 1.6, 1.6, '#8fe3ff'),
    ],
  },
  {
    id: 'portrait:scar',
    category: 'portrait',
    sizePx: 128,
    draw: () => [poly('#9b3b3bcc', 58, 36, 60, 36, 64, 54, 62, 54)],
  },
  {
    id: 'portrait:emblem-star',
    category: 'portrait',
    sizePx: 128,
    draw: () => [
      poly('@accent', 50, 78, 52.5, 84, 59, 84, 54, 88, 56, 94, 50, 90.5, 44, 94, 46, 88, 41, 84, 47.5, 84),
    ],
  },
  // Icons.
  {
    id: 'icon:spark',
    category: 'icon',
    sizePx: 48,
    draw: () => [
      ell(50, 50, 46, 46, '@icon-bg'),
      poly('@icon-fg', 56, 10, 30, 56, 48, 56, 42, 90, 72, 42, 54, 42),
    ],
  },
  {
    id: 'icon:frost',
    category: 'icon',
    sizePx: 48,
    draw: () => [
      ell(50, 50, 46, 46, '@icon-bg'),
      rect(47, 14, 6, 72, '@icon-fg'),
      poly('@icon-fg', 20, 30, 24, 25, 80, 70, 76, 75),
      poly('@icon-fg', 76, 25, 80, 30, 24, 75, 20, 70),
    ],
  },
  {
    id: 'icon:shield',
    category: 'icon',
    sizePx: 48,
    draw: () => [
      ell(50, 50, 46, 46, '@icon-bg'),
      poly('@icon-fg', 50, 16, 78, 26, 74, 60, 50, 84, 26, 60, 22, 26),
      poly('@icon-bg', 50, 26, 68, 32, 65, 56, 50, 72),
    ],
  },
];

/** The base library: every base asset by id. */
export const BASE_LIBRARY: ReadonlyMap<string, BaseAsset> = new Map(ASSETS.map((a) => [a.id, a]));

/** A base asset by id; throws with the list of known ids when it does not exist. */
export function baseAsset(id: string): BaseAsset {
  const a = BASE_LIBRARY.get(id);
  if (!a) throw new Error(`unknown base asset "${id}" (known: ${[...BASE_LIBRARY.keys()].join(', ')})`);
  return a;
}

/** Ids of base assets in one category. */
export function baseIds(category: BaseCategory): string[] {
  return ASSETS.filter((a) => a.category === category).map((a) => a.id);
}
