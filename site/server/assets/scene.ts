import { hash01 } from '../../../engine/rng/rng.ts';
import { encodePng } from './png.ts';

/**
 * A colour: `#rrggbb`, `#rrggbbaa`, or a role such as `@foliage` that a palette resolves (so a biome
 * transform can recolour a base asset without touching its shapes).
 */
export type Paint = string;

/** A drawing primitive in a 100 × 100 unit box (scaled to the output size when rendered). */
export type Shape =
  | { kind: 'rect'; x: number; y: number; w: number; h: number; fill: Paint }
  | { kind: 'ellipse'; cx: number; cy: number; rx: number; ry: number; fill: Paint }
  | { kind: 'poly'; points: readonly number[]; fill: Paint }
  | { kind: 'group'; clip?: Exclude<Shape, { kind: 'group' }>; children: readonly Shape[] };

/** Per-pixel value noise over the drawn pixels: brightness varies by ±`amount` in cells of `cellPx`. */
export interface Noise {
  amount: number;
  cellPx: number;
  seed: number;
}

/** A picture: shapes drawn in order over a background, then optional noise. */
export interface Scene {
  background?: Paint;
  shapes: readonly Shape[];
  noise?: Noise;
}

/** Maps colour roles (without the `@`) to `#rrggbb[aa]` colours. */
export type Palette = Readonly<Record<string, string>>;

/** The colour a paint stands for under a palette (roles missing from the palette render magenta, visibly). */
export function resolvePaint(p: Paint, palette: Palette): string {
  if (!p.startsWith('@')) return p;
  return palette[p.slice(1)] ?? '#ff00ff';
}

/** `#rrggbb[aa]` → [r, g, b, a] with a in 0..255. */
export function parseHex(hex: string): [number, number, number, number] {
  const m = /^#([0-9a-f]{6})([0-9a-f]{2})?$/i.exec(hex);
  if (!m) throw new Error(`not a #rrggbb colour: ${hex}`);
  const n = parseInt(m[1], 16);
  return [(n >> 16) & 255, (n >> 8) & 255, n & 255, m[2] ? parseInt(m[2], 16) : 255];
}

/** `#rrggbb` from components (clamped). */
export function toHex(r: number, g: number, b: number): string {
  const c = (x: number) =>
    Math.max(0, Math.min(255, Math.round(x)))
      .toString(16)
      .padStart(2, '0');
  return `#${c(r)}${c(g)}${c(b)}`;
}

/** A colour darkened (factor < 1) or lightened (factor > 1), alpha kept. */
export function shade(hex: string, factor: number): string {
  const [r, g, b, a] = parseHex(hex);
  const base = toHex(r * factor, g * factor, b * factor);
  return a === 255 ? base : `${base}${a.toString(16).padStart(2, '0')}`;
}

/** `#rrggbb` from hue (degrees), saturation and lightness (0..1). */
export function hsl(h: number, s: number, l: number): string {
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, Math.min(9 - k(n), 1)));
  return toHex(f(0) * 255, f(8) * 255, f(4) * 255);
}

function fmt(n: number): string {
  return Number(n.toFixed(2)).toString();
}

/** Renders a scene as a standalone SVG document of `sizePx` × `sizePx`. */
export function renderSvg(scene: Scene, palette: Palette, sizePx: number): string {
  let clipId = 0;
  const defs: string[] = [];
  const fillAttr = (p: Paint) => {
    const [r, g, b, a] = parseHex(resolvePaint(p, palette));
    return a === 255 ? `fill="${toHex(r, g, b)}"` : `fill="${toHex(r, g, b)}" fill-opacity="${fmt(a / 255)}"`;
  };
  const el = (s: Shape): string => {
    switch (s.kind) {
      case 'rect':
        return `<rect x="${fmt(s.x)}" y="${fmt(s.y)}" width="${fmt(s.w)}" height="${fmt(s.h)}" ${fillAttr(s.fill)}/>`;
      case 'ellipse':
        return `<ellipse cx="${fmt(s.cx)}" cy="${fmt(s.cy)}" rx="${fmt(s.rx)}" ry="${fmt(s.ry)}" ${fillAttr(s.fill)}/>`;
      case 'poly':
        return `<polygon points="${s.points.map(fmt).join(' ')}" ${fillAttr(s.fill)}/>`;
      case 'group': {
        if (!s.clip) return `<g>${s.children.map(el).join('')}</g>`;
        const id = `c${clipId++}`;
        defs.push(`<clipPath id="${id}">${el(s.clip)}</clipPath>`);
        return `<g clip-path="url(#${id})">${s.children.map(el).join('')}</g>`;
      }
    }
  };
  const body: string[] = [];
  if (scene.background) body.push(`<rect width="100" height="100" ${fillAttr(scene.background)}/>`);
  const drawn = scene.shapes.map(el).join('');
  body.push(drawn);
  if (scene.noise && scene.noise.amount > 0) {
    // feTurbulence with a fixed seed is deterministic in every renderer; overlaid lightly as texture.
    const freq = fmt(1 / Math.max(1, (scene.noise.cellPx * 100) / sizePx));
    defs.push(
      `<filter id="noise"><feTurbulence type="fractalNoise" baseFrequency="${freq}" numOctaves="1" seed="${scene.noise.seed % 1000}"/>` +
        `<feColorMatrix type="saturate" values="0"/></filter>`,
      `<clipPath id="drawn">${drawn}</clipPath>`,
    );
    body.push(
      `<rect width="100" height="100" filter="url(#noise)" opacity="${fmt(scene.noise.amount * 2)}" clip-path="url(#drawn)" style="mix-blend-mode:overlay"/>`,
    );
  }
  return (
    `<svg xmlns="http://www.w3.org/2000/svg" width="${sizePx}" height="${sizePx}" viewBox="0 0 100 100" shape-rendering="geometricPrecision">` +
    (defs.length ? `<defs>${defs.join('')}</defs>` : '') +
    body.join('') +
    `</svg>`
  );
}

type Inside = (x: number, y: number) => boolean;

function insideTest(s: Exclude<Shape, { kind: 'group' }>): Inside {
  switch (s.kind) {
    case 'rect':
      return (x, y) => x >= s.x && x < s.x + s.w && y >= s.y && y < s.y + s.h;
    case 'ellipse':
      return (x, y) => {
        const dx = (x - s.cx) / s.rx;
        const dy = (y - s.cy) / s.ry;
        return dx * dx + dy * dy <= 1;
      };
    case 'poly': {
      const p = s.points;
      return (x, y) => {
        let inside = false;
        for (let i = 0, j = p.length - 2; i < p.length; j = i, i += 2) {
          const xi = p[i];
          const yi = p[i + 1];
          const xj = p[j];
          const yj = p[j + 1];
          if (yi > y !== yj > y && x < ((xj - xi) * (y - yi)) / (yj - yi) + xi) inside = !inside;
        }
        return inside;
      };
    }
  }
}

function bounds(s: Exclude<Shape, { kind: 'group' }>): [number, number, number, number] {
  switch (s.kind) {
    case 'rect':
      return [s.x, s.y, s.x + s.w, s.y + s.h];
    case 'ellipse':
      return [s.cx - s.rx, s.cy - s.ry, s.cx + s.rx, s.cy + s.ry];
    case 'poly': {
      let x0 = Infinity;
      let y0 = Infinity;
      let x1 = -Infinity;
      let y1 = -Infinity;
      for (let i = 0; i < s.points.length; i += 2) {
        x0 = Math.min(x0, s.points[i]);
        x1 = Math.max(x1, s.points[i]);
        y0 = Math.min(y0, s.points[i + 1]);
        y1 = Math.max(y1, s.points[i + 1]);
      }
      return [x0, y0, x1, y1];
    }
  }
}

/**
 * Rasterises a scene to RGBA pixels of `sizePx` × `sizePx`: 2 × 2 supersampling (smooth edges without
 * native code), source-over alpha blending, then the scene's noise on drawn pixels.
 */
export function rasterize(scene: Scene, palette: Palette, sizePx: number): Uint8ClampedArray {
  const ss = 2;
  const n = sizePx * ss;
  const unit = 100 / n; // scene units per supersampled pixel
  const buf = new Float32Array(n * n * 4); // premultiplied-free straight RGBA in 0..1
  const paint = (s: Exclude<Shape, { kind: 'group' }>, clips: Inside[]) => {
    const [r, g, b, a255] = parseHex(resolvePaint(s.fill, palette));
    const a = a255 / 255;
    const inside = insideTest(s);
    const [x0, y0, x1, y1] = bounds(s);
    const px0 = Math.max(0, Math.floor(x0 / unit));
    const py0 = Math.max(0, Math.floor(y0 / unit));
    const px1 = Math.min(n - 1, Math.ceil(x1 / unit));
    const py1 = Math.min(n - 1, Math.ceil(y1 / unit));
    for (let py = py0; py <= py1; py++) {
      const y = (py + 0.5) * unit;
      for (let px = px0; px <= px1; px++) {
        const x = (px + 0.5) * unit;
        if (!inside(x, y)) continue;
        let clipped = false;
        for (const c of clips) if (!c(x, y)) clipped = true;
        if (clipped) continue;
        const i = (py * n + px) * 4;
        const da = buf[i + 3];
        const oa = a + da * (1 - a);
        if (oa === 0) continue;
        buf[i] = ((r / 255) * a + buf[i] * da * (1 - a)) / oa;
        buf[i + 1] = ((g / 255) * a + buf[i + 1] * da * (1 - a)) / oa;
        buf[i + 2] = ((b / 255) * a + buf[i + 2] * da * (1 - a)) / oa;
        buf[i + 3] = oa;
      }
    }
  };
  const draw = (s: Shape, clips: Inside[]) => {
    if (s.kind === 'group') {
      const inner = s.clip ? [...clips, insideTest(s.clip)] : clips;
      for (const c of s.children) draw(c, inner);
    } else paint(s, clips);
  };
  if (scene.background) draw({ kind: 'rect', x: 0, y: 0, w: 100, h: 100, fill: scene.background }, []);
  for (const s of scene.shapes) draw(s, []);

  const out = new Uint8ClampedArray(sizePx * sizePx * 4);
  const noise = scene.noise;
  for (let y = 0; y < sizePx; y++) {
    for (let x = 0; x < sizePx; x++) {
      let r = 0;
      let g = 0;
      let b = 0;
      let a = 0;
      for (let sy = 0; sy < ss; sy++) {
        for (let sx = 0; sx < ss; sx++) {
          const i = ((y * ss + sy) * n + (x * ss + sx)) * 4;
          const w = buf[i + 3];
          r += buf[i] * w;
          g += buf[i + 1] * w;
          b += buf[i + 2] * w;
          a += w;
        }
      }
      const o = (y * sizePx + x) * 4;
      if (a === 0) continue;
      let f = 1;
      if (noise && noise.amount > 0) {
        const cell = Math.max(1, noise.cellPx);
        f = 1 + noise.amount * (2 * hash01(noise.seed, Math.floor(x / cell), Math.floor(y / cell), 0x7e) - 1);
      }
      out[o] = (r / a) * 255 * f;
      out[o + 1] = (g / a) * 255 * f;
      out[o + 2] = (b / a) * 255 * f;
      out[o + 3] = (a / (ss * ss)) * 255;
    }
  }
  return out;
}

/** Renders a scene to PNG bytes. */
export function renderPng(scene: Scene, palette: Palette, sizePx: number): Uint8Array {
  return encodePng(sizePx, sizePx, rasterize(scene, palette, sizePx));
}
