import { shuffle } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import { buildGrid } from '../../engine/zone/grid.ts';
import { ENTITY_KIND, FLAG, HEADER } from '../../engine/zone/layout.ts';
import type { FieldSpec } from '../../engine/zone/layout.ts';
import type { ZoneViews } from '../../engine/zone/zone.ts';
import type { StepContext, SystemDef } from '../../engine/world/system.ts';
import { zoneAt } from '../../engine/world/system.ts';
import { compileGenome, initGenome, breed } from '../genetics/genome.ts';
import type { GenomeLayout } from '../genetics/genome.ts';
import { populationStats } from '../genetics/stats.ts';
import { compileTraits, KNOWN_TRAITS } from '../genetics/traits.ts';
import type { TraitProgram } from '../genetics/traits.ts';
import type { EcologySettings, GrassDef, SpeciesDef } from './schema.ts';

/** Metric keys `allele.<locus>.<allele>` carry allele frequencies (the lab files them under genes). */
export const ALLELE_PREFIX = 'allele.';

/** Params of the ecology system: the scenario's species, grass and ecology sections. */
export interface EcologyParams {
  species: SpeciesDef[];
  grass?: GrassDef;
  settings?: EcologySettings;
}

/** Causes of death, counted per species per zone. */
export const DEATH_CAUSES = ['starvation', 'age', 'predation', 'combat'] as const;

const SKIP = FLAG.removed | FLAG.migrating | FLAG.dead;
const MOVE = { 'cell-walk': 0, 'turn-and-step': 1, wander: 2, still: 3 } as const;

/** A species compiled for the hot loop: indices instead of names, ticks instead of seconds. */
interface CompiledSpecies {
  index: number;
  def: SpeciesDef;
  move: number;
  speedMps: number;
  maxTurnRad: number;
  stepM: number;
  grazes: boolean;
  /** preyMask[t] = 1 when species t is prey. */
  preyMask: Uint8Array;
  hunts: boolean;
  metabolism: number;
  starveBelow: number;
  energyMax: number;
  huntBelow: number;
  grassGain: number;
  preyGain: number;
  preyEfficiency: number;
  clone: boolean;
  reproduceP: number;
  energyShare: number;
  minEnergy: number;
  lifespanTicks: number;
  huntRadiusM: number;
  cellSoft: number;
  cellHard: number;
  zoneHard: number;
  scalar: { births: number; deaths: Record<(typeof DEATH_CAUSES)[number], number> };
  layout: GenomeLayout;
  program: TraitProgram;
  /** Index of each known trait in the species' trait row, or -1. */
  trait: Record<(typeof KNOWN_TRAITS)[number], number>;
  sexual: boolean;
  cooldownTicks: number;
  adultTicks: number;
}

interface Compiled {
  species: CompiledSpecies[];
  order: CompiledSpecies[];
  grassOn: boolean;
  grassFirst: boolean;
  metricsEvery: number;
  grass: GrassDef | undefined;
  genomeWidth: number;
  traitWidth: number;
  sexual: CompiledSpecies[];
  breedMinTicks: number;
  breedMaxTicks: number;
  cellTotalSoft: number;
  cellTotalHard: number;
}

const cache = new WeakMap<object, Compiled>();

/** A species' compiled genome and trait formulas (errors carry their path in the scenario). */
export function genetics(
  def: SpeciesDef,
  index: number,
): Pick<CompiledSpecies, 'layout' | 'program' | 'trait'> {
  const layout = compileGenome(def.genome, ['species', index, 'genome']);
  const program = compileTraits({ base: def.base, traits: def.traits }, layout, ['species', index]);
  const trait = Object.fromEntries(
    KNOWN_TRAITS.map((t) => [t, program.names.indexOf(t)]),
  ) as CompiledSpecies['trait'];
  return { layout, program, trait };
}

// Genome lanes and trait values per creature: the widest species sets the field widths.
function widths(p: EcologyParams): { genomeWidth: number; traitWidth: number } {
  let genomeWidth = 0;
  let traitWidth = 0;
  p.species.forEach((def, i) => {
    const g = genetics(def, i);
    genomeWidth = Math.max(genomeWidth, 2 * g.layout.loci);
    traitWidth = Math.max(traitWidth, g.program.names.length);
  });
  return { genomeWidth, traitWidth };
}

/** Scalar names for a species' counters. */
export const speciesScalar = (name: string, key: string): string => `eco.${name}.${key}`;

/**
 * `items.map(f)` that always gives a packed array. `Array.prototype.map` returned a holey `species` array in one
 * of the first eight runs of a sweep here (V8's map can leave its fast path part way), and every hot function
 * that reads it was deoptimized and compiled again (~15 ms for `actSpecies` alone), in every worker.
 */
function packed<T, U>(items: readonly T[], f: (item: T, index: number) => U): U[] {
  const out: U[] = [];
  for (let i = 0; i < items.length; i++) out.push(f(items[i], i));
  return out;
}

function compile(p: EcologyParams, z: ZoneViews, tickRate: number): Compiled {
  const hit = cache.get(p);
  if (hit) return hit;
  const byName = new Map(p.species.map((s, i) => [s.name, i]));
  const species = packed(p.species, (def, index): CompiledSpecies => {
    const preyMask = new Uint8Array(p.species.length);
    for (const name of def.prey ?? []) preyMask[byName.get(name) ?? 0] = 1;
    const hunts = def.diet !== 'herbivore' && (def.prey ?? []).length > 0;
    return {
      index,
      def,
      move: MOVE[def.movement.mode],
      speedMps: def.movement.speedMps ?? 1,
      maxTurnRad: ((def.movement.maxTurnDeg ?? (def.movement.mode === 'wander' ? 15 : 50)) * Math.PI) / 180,
      stepM: def.movement.stepM ?? 1,
      grazes: def.diet !== 'carnivore',
      preyMask,
      hunts,
      metabolism: def.energy.metabolism,
      starveBelow: def.energy.starveBelow ?? 0,
      energyMax: def.energy.max ?? Number.POSITIVE_INFINITY,
      huntBelow:
        def.energy.huntBelow ??
        (def.energy.max !== undefined ? 0.7 * def.energy.max : Number.POSITIVE_INFINITY),
      grassGain: def.energy.grassGain ?? 0,
      preyGain: def.energy.preyGain ?? 0,
      preyEfficiency: def.energy.preyEfficiency ?? 0,
      clone: def.reproduction.mode === 'clone',
      reproduceP: def.reproduction.probability,
      energyShare: def.reproduction.energyShare ?? 0.5,
      minEnergy: def.reproduction.minEnergy ?? Number.NEGATIVE_INFINITY,
      lifespanTicks: def.lifespanS ? Math.ceil(def.lifespanS * tickRate) : 0,
      huntRadiusM: def.huntRadiusM ?? 0,
      cellSoft: def.caps?.cellSoft ?? Number.POSITIVE_INFINITY,
      cellHard: def.caps?.cellHard ?? Number.POSITIVE_INFINITY,
      zoneHard: def.caps?.zoneHard ?? Number.POSITIVE_INFINITY,
      ...genetics(def, index),
      sexual: def.reproduction.mode === 'sexual',
      cooldownTicks: Math.ceil((def.reproduction.cooldownS ?? 0) * tickRate),
      adultTicks: Math.ceil((def.reproduction.adultAgeS ?? 0) * tickRate),
      scalar: {
        births: z.scalar(speciesScalar(def.name, 'births')),
        deaths: Object.fromEntries(
          DEATH_CAUSES.map((c) => [c, z.scalar(speciesScalar(def.name, `deaths.${c}`))]),
        ) as CompiledSpecies['scalar']['deaths'],
      },
    };
  });
  const order = packed(p.settings?.order ?? p.species.map((s) => s.name), (n) => species[byName.get(n) ?? 0]);
  const compiled: Compiled = {
    species,
    order,
    grassOn: Boolean(p.grass) && p.grass?.enabled !== false,
    grassFirst: p.settings?.grassPhase === 'first',
    metricsEvery: p.settings?.metricsEveryTicks ?? 10,
    grass: p.grass,
    ...widths(p),
    sexual: species.filter((s) => s.sexual),
    breedMinTicks: Math.max(1, Math.round((p.settings?.breedingIntervalS?.min ?? 5) * tickRate)),
    breedMaxTicks: Math.max(1, Math.round((p.settings?.breedingIntervalS?.max ?? 15) * tickRate)),
    cellTotalSoft: p.settings?.caps?.cellTotalSoft ?? Number.POSITIVE_INFINITY,
    cellTotalHard: p.settings?.caps?.cellTotalHard ?? Number.POSITIVE_INFINITY,
  };
  cache.set(p, compiled);
  return compiled;
}

function regrowthTicks(p: EcologyParams, biome: string): number {
  return p.grass?.byBiome?.[biome] ?? p.grass?.regrowthTicks ?? 1;
}

// Per-thread scratch: index lists per species, rebuilt every tick (never state between ticks).
let scratch: Int32Array[] = [];
function lists(nSpecies: number, n: number): Int32Array[] {
  if (scratch.length < nSpecies || scratch[0].length < n)
    scratch = Array.from({ length: nSpecies }, () => new Int32Array(Math.max(1024, n * 2)));
  return scratch;
}

/** Live creatures of a species in a zone, counting those born this tick. */
export function countSpecies(z: ZoneViews, speciesIndex: number): number {
  const kind = z.u8('kind');
  const type = z.u16('type');
  const flags = z.u8('flags');
  let k = 0;
  for (let i = 0, n = z.count + z.header[HEADER.staged]; i < n; i++)
    if (kind[i] === ENTITY_KIND.creature && type[i] === speciesIndex && !(flags[i] & SKIP)) k++;
  return k;
}

/**
 * The ecology: each tick every species acts in turn (in random order within a species): it ages, moves,
 * pays its metabolism, starves, eats (grass cells or prey in reach) and reproduces; grass regrows per
 * cell. Deaths by cause and births are counted per species and reported as metrics every N ticks.
 */
export const ecologySystem: SystemDef<EcologyParams> = {
  name: 'ecology',
  // It rebuilds the grid itself when a hunter needs it: animals move during the tick.
  readsGrid: false,
  movesEntities: true,
  fields: [
    { name: 'energy', type: 'f32' },
    { name: 'age', type: 'u32' },
  ],
  cellFields: [
    { name: 'grass', type: 'u8' },
    // The tick at whose grass phase an eaten cell grows back (evaluated lazily: no per-tick scan).
    { name: 'grassReady', type: 'i32' },
  ],
  layoutFor(p) {
    const scalars: string[] = [];
    for (const s of p.species) {
      scalars.push(speciesScalar(s.name, 'births'));
      for (const c of DEATH_CAUSES) scalars.push(speciesScalar(s.name, `deaths.${c}`));
    }
    const { genomeWidth, traitWidth } = widths(p);
    const sexual = p.species.some((s) => s.reproduction.mode === 'sexual');
    const temperament = p.species.some(
      (s) => s.traits && ('aggroRadius' in s.traits || 'hostility' in s.traits),
    );
    const fields: FieldSpec[] = [];
    if (sexual) fields.push({ name: 'breedTick', type: 'u32' });
    // Read by the enemy FSM: hostile creatures attack (temperament traits).
    if (temperament) fields.push({ name: 'aggroM', type: 'f32' }, { name: 'hostility', type: 'f32' });
    if (genomeWidth > 0) fields.push({ name: 'genome', type: 'f32', width: genomeWidth });
    if (traitWidth > 0) fields.push({ name: 'traits', type: 'f32', width: traitWidth });
    return { scalars, fields, cellFields: sexual ? [{ name: 'nextBreed', type: 'i32' }] : [] };
  },
  init(ctx, p) {
    const z = ctx.zone;
    const g = z.geometry;
    const C = compile(p, z, ctx.tickRate);
    const rng = ctx.rng('init:ecology');
    const x = z.f32('x');
    const y = z.f32('y');
    const vx = z.f32('vx');
    const vy = z.f32('vy');
    const hp = z.f32('hp');
    const type = z.u16('type');
    const energy = z.f32('energy');
    const zones = ctx.world.zones.length;
    for (const s of C.species) {
      const home = s.def.zones ?? null;
      const zoneList = home ?? Array.from({ length: zones }, (_, k) => k);
      const slot = zoneList.indexOf(g.id);
      if (slot < 0) continue;
      const n = Math.floor(s.def.count / zoneList.length) + (slot < s.def.count % zoneList.length ? 1 : 0);
      for (let k = 0; k < n; k++) {
        const i = ctx.spawn(ENTITY_KIND.creature);
        type[i] = s.index;
        if (s.move === MOVE['cell-walk']) {
          x[i] = g.x0 + (Math.floor(rng() * g.cellsX) + 0.5) * g.cellM;
          y[i] = g.y0 + (Math.floor(rng() * g.cellsY) + 0.5) * g.cellM;
        } else {
          x[i] = g.x0 + rng() * g.widthM;
          y[i] = g.y0 + rng() * g.heightM;
        }
        if (s.move === MOVE.wander || s.move === MOVE['turn-and-step']) {
          const a = rng() * 2 * Math.PI;
          const sp = s.move === MOVE.wander ? s.speedMps : 1;
          vx[i] = Math.cos(a) * sp;
          vy[i] = Math.sin(a) * sp;
        }
        energy[i] = drawInitial(s.def.energy.initial, rng);
        hp[i] = s.def.hp ?? 10;
        if (C.genomeWidth > 0) initGenome(s.layout, z.f32('genome'), i * C.genomeWidth, rng);
        express(z, C, s, i, rng);
      }
    }
    if (C.sexual.length > 0) {
      const next = z.cell<Int32Array>('nextBreed');
      const brng = ctx.rng('init:breeding');
      for (let c = 0; c < z.cells; c++)
        next[c] = C.breedMinTicks + Math.floor(brng() * (C.breedMaxTicks - C.breedMinTicks + 1));
    }
    if (C.grassOn) {
      const grass = z.cell<Uint8Array>('grass');
      const ready = z.cell<Int32Array>('grassReady');
      const R = regrowthTicks(p, g.biome);
      const frac = p.grass?.initialGrownFraction ?? 0.5;
      const grng = ctx.rng('init:grass');
      for (let c = 0; c < z.cells; c++) {
        const grown = grng() < frac;
        grass[c] = grown ? 1 : 0;
        // A countdown c drawn in 0…R−1 reaches zero, and the cell grows, at the grass phase of tick c + 1.
        ready[c] = grown ? 0 : Math.floor(grng() * R) + 1;
      }
    }
  },
  step(ctx: StepContext, p) {
    const z = ctx.zone;
    const C = compile(p, z, ctx.tickRate);
    const n = z.count;
    const kind = z.u8('kind');
    const type = z.u16('type');
    const flags = z.u8('flags');
    // A player captured a creature (the game server checked range and rolled the chance): it leaves the world.
    for (const input of ctx.inputs) {
      if (input.kind !== 'capture-remove') continue;
      const ids = z.u32('id');
      for (let i = 0; i < n; i++)
        if (ids[i] === input.entity && kind[i] === ENTITY_KIND.creature && !(flags[i] & SKIP)) {
          ctx.despawn(i);
          ctx.emit('captured', ids[i], { by: Number(input.by ?? 0) });
          break;
        }
    }
    const L = lists(C.species.length, n);
    const cnt = new Int32Array(C.species.length);
    for (let i = 0; i < n; i++) {
      if (kind[i] !== ENTITY_KIND.creature || flags[i] & SKIP) continue;
      const t = type[i];
      L[t][cnt[t]++] = i;
    }
    let gridFresh = false;
    for (const s of C.order) {
      if ((s.hunts || s.cellHard < Number.POSITIVE_INFINITY) && !gridFresh) {
        buildGrid(z);
        gridFresh = true;
      }
      const rng = ctx.rng(`eco:${s.def.name}`);
      shuffle(rng, L[s.index], cnt[s.index]);
      actSpecies(ctx, C, s, L[s.index], cnt[s.index], rng);
      if (s.move !== MOVE.still) gridFresh = false;
    }
    if (C.sexual.length > 0) breedingPass(ctx, C);
    if (ctx.tick % C.metricsEvery === 0) reportMetrics(ctx, C);
  },
};

function drawInitial(init: number | { min: number; max: number }, rng: Rng): number {
  if (typeof init === 'number') return init;
  if (Number.isInteger(init.min) && Number.isInteger(init.max))
    return init.min + Math.floor(rng() * (init.max - init.min + 1));
  return init.min + rng() * (init.max - init.min);
}

function actSpecies(
  ctx: StepContext,
  C: Compiled,
  s: CompiledSpecies,
  list: Int32Array,
  count: number,
  rng: Rng,
): void {
  const z = ctx.zone;
  const g = z.geometry;
  const w = ctx.world;
  const x = z.f32('x');
  const y = z.f32('y');
  const vx = z.f32('vx');
  const vy = z.f32('vy');
  const type = z.u16('type');
  const flags = z.u8('flags');
  const energy = z.f32('energy');
  const age = z.u32('age');
  const grass = C.grassOn ? z.cell<Uint8Array>('grass') : null;
  const grassReady = z.cell<Int32Array>('grassReady');
  const tick = ctx.tick;
  const R = C.grass?.byBiome?.[g.biome] ?? C.grass?.regrowthTicks ?? 1;
  // With the grass phase first, a cell due this tick has already grown when animals act.
  const grassLag = C.grassFirst ? 1 : 0;
  const scalars = z.scalars;
  const ids = z.u32('id');
  const v: HuntViews = { kind: z.u8('kind'), type, flags, x, y, cellStart: z.cellStart, order: z.order, g };
  const cellM = g.cellM;
  const worldCellsX = Math.round(w.widthM / cellM);
  const worldCellsY = Math.round(w.heightM / cellM);
  const wrap = w.edge === 'wrap';
  const x1 = g.x0 + g.widthM;
  const y1 = g.y0 + g.heightM;
  const fields = z.fieldList;
  const zoneCount = s.zoneHard < Number.POSITIVE_INFINITY ? countSpecies(z, s.index) : 0;
  let births = 0;
  const bornHere = bornScratch(z.cells, s.cellHard < Number.POSITIVE_INFINITY);
  const traits = C.traitWidth > 0 ? z.f32('traits') : null;
  const lifeTrait = traits ? s.trait.lifespanS : -1;
  const metabolismTrait = traits ? s.trait.metabolism : -1;
  const huntTrait = traits ? s.trait.hunts : -1;
  const tickRate = ctx.tickRate;
  for (let k = 0; k < count; k++) {
    const i = list[k];
    if (flags[i] & SKIP) continue;
    age[i]++;
    const tr = i * C.traitWidth;
    const lifespan = lifeTrait >= 0 ? traits![tr + lifeTrait] * tickRate : s.lifespanTicks;
    if (lifespan > 0 && age[i] > lifespan) {
      die(ctx, s, i, 'age');
      continue;
    }
    // Move.
    if (s.move === MOVE['cell-walk']) {
      const cx = Math.floor(x[i] / cellM);
      const cy = Math.floor(y[i] / cellM);
      let nx: number;
      let ny: number;
      if (wrap) {
        const d = Math.floor(rng() * 8);
        const dd = d < 4 ? d : d + 1; // skip the centre of the 3×3 block
        nx = (cx + (dd % 3) - 1 + worldCellsX) % worldCellsX;
        ny = (cy + Math.floor(dd / 3) - 1 + worldCellsY) % worldCellsY;
      } else {
        // Only neighbours inside the world: pick uniformly among them.
        const xl = cx > 0 ? -1 : 0;
        const xh = cx < worldCellsX - 1 ? 1 : 0;
        const yl = cy > 0 ? -1 : 0;
        const yh = cy < worldCellsY - 1 ? 1 : 0;
        const wx = xh - xl + 1;
        const valid = wx * (yh - yl + 1) - 1;
        let pick = Math.floor(rng() * valid);
        // Walk the block, skipping the centre cell.
        const centre = (0 - yl) * wx + (0 - xl);
        if (pick >= centre) pick++;
        nx = cx + xl + (pick % wx);
        ny = cy + yl + Math.floor(pick / wx);
      }
      x[i] = (nx + 0.5) * cellM;
      y[i] = (ny + 0.5) * cellM;
    } else if (s.move === MOVE.wander) {
      // Heading noise; the move system integrates the velocity.
      const a = (rng() - rng()) * s.maxTurnRad;
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      const hx = vx[i];
      vx[i] = hx * ca - vy[i] * sa;
      vy[i] = hx * sa + vy[i] * ca;
    } else if (s.move === MOVE['turn-and-step']) {
      // NetLogo's `rt random 50 lt random 50 fd 1`.
      let hx = vx[i];
      let hy = vy[i];
      const a = (rng() - rng()) * s.maxTurnRad;
      const ca = Math.cos(a);
      const sa = Math.sin(a);
      const rx = hx * ca - hy * sa;
      hy = hx * sa + hy * ca;
      hx = rx;
      vx[i] = hx;
      vy[i] = hy;
      let nx = x[i] + hx * s.stepM;
      let ny = y[i] + hy * s.stepM;
      if (wrap) {
        nx = ((nx % w.widthM) + w.widthM) % w.widthM;
        ny = ((ny % w.heightM) + w.heightM) % w.heightM;
      } else {
        if (nx < 0 || nx >= w.widthM) {
          vx[i] = -hx;
          nx = x[i];
        }
        if (ny < 0 || ny >= w.heightM) {
          vy[i] = -hy;
          ny = y[i];
        }
      }
      x[i] = nx;
      y[i] = ny;
    }
    if (s.move !== MOVE.wander && s.move !== MOVE.still) {
      const fx = x[i];
      const fy = y[i];
      if (fx < g.x0 || fx >= x1 || fy < g.y0 || fy >= y1) {
        // It acts in its new zone from the next tick.
        ctx.migrate(i, zoneAt(w, fx, fy));
        continue;
      }
    }
    // Metabolism and starvation.
    energy[i] -= metabolismTrait >= 0 ? traits![tr + metabolismTrait] : s.metabolism;
    if (energy[i] < s.starveBelow) {
      die(ctx, s, i, 'starvation');
      continue;
    }
    // Eat.
    const cell = z.cellAt(x[i], y[i]);
    // Grown if it never was eaten since it grew, or its regrowth came due at a grass phase already run.
    if (s.grazes && grass && energy[i] < s.energyMax && (grass[cell] || tick > grassReady[cell] - grassLag)) {
      energy[i] += s.grassGain;
      grass[cell] = 0;
      grassReady[cell] = tick + R;
    }
    if (s.hunts && energy[i] < s.huntBelow && (huntTrait < 0 || traits![tr + huntTrait] > 0.5)) {
      const prey = findPrey(v, s, i, cell, rng);
      if (prey >= 0) {
        energy[i] += s.preyGain + s.preyEfficiency * Math.max(0, energy[prey]);
        die(ctx, C.species[type[prey]], prey, 'predation');
      }
    }
    if (energy[i] > s.energyMax) energy[i] = s.energyMax;
    // Asexual reproduction: the offspring is a clone in the same place with its share of the energy.
    if (s.clone && energy[i] >= s.minEnergy && rng() < s.reproduceP) {
      if (zoneCount + births >= s.zoneHard) continue;
      if (s.cellHard < Number.POSITIVE_INFINITY) {
        // Counted from the grid built before this species acted, plus its births this tick.
        const here = cellCount(z, cell, s.index, type, flags) + bornHere[cell];
        if (here >= s.cellHard) continue;
        if (here > s.cellSoft && rng() >= (s.cellHard - here) / (s.cellHard - s.cellSoft)) continue;
      }
      const child = ctx.spawn(ENTITY_KIND.creature);
      for (const f of fields) {
        if (f.width === 1) f.arr[child] = f.arr[i];
        else f.arr.copyWithin(child * f.width, i * f.width, i * f.width + f.width);
      }
      const share = energy[i] * s.energyShare;
      energy[i] -= share;
      energy[child] = share;
      age[child] = 0;
      flags[child] = 0;
      ids[child] = 0;
      births++;
      bornHere[cell]++;
    }
  }
  scalars[s.scalar.births] += births;
}

let bornCache = new Int32Array(0);
// Births per cell during one species' pass (per-thread scratch, zeroed for each pass that uses caps).
function bornScratch(cells: number, used: boolean): Int32Array {
  if (bornCache.length < cells) bornCache = new Int32Array(cells);
  const view = bornCache.subarray(0, cells);
  if (used) view.fill(0);
  return view;
}

function cellCount(z: ZoneViews, cell: number, t: number, type: Uint16Array, flags: Uint8Array): number {
  let k = 0;
  for (let s = z.cellStart[cell], e = z.cellStart[cell + 1]; s < e; s++) {
    const j = z.order[s];
    if (type[j] === t && !(flags[j] & SKIP)) k++;
  }
  return k;
}

// Picks a random live prey in the hunter's cell (or within its hunt radius), or -1. Reservoir sampling:
// one pass, uniform among the candidates, no allocation.
function findPrey(v: HuntViews, s: CompiledSpecies, i: number, cell: number, rng: Rng): number {
  const { kind, type, flags, x, y, cellStart, order, g } = v;
  const r = s.huntRadiusM;
  const r2 = r * r;
  const px = x[i];
  const py = y[i];
  let cx0 = 0;
  let cx1 = 0;
  let cy0 = 0;
  let cy1 = 0;
  if (r > 0) {
    cx0 = Math.max(0, Math.floor((px - r - g.x0) / g.cellM));
    cx1 = Math.min(g.cellsX - 1, Math.floor((px + r - g.x0) / g.cellM));
    cy0 = Math.max(0, Math.floor((py - r - g.y0) / g.cellM));
    cy1 = Math.min(g.cellsY - 1, Math.floor((py + r - g.y0) / g.cellM));
  } else {
    cx0 = cx1 = cell % g.cellsX;
    cy0 = cy1 = Math.floor(cell / g.cellsX);
  }
  let found = 0;
  let pick = -1;
  for (let cy = cy0; cy <= cy1; cy++)
    for (let cx = cx0; cx <= cx1; cx++) {
      const c = cy * g.cellsX + cx;
      for (let q = cellStart[c], e = cellStart[c + 1]; q < e; q++) {
        const j = order[q];
        if (j === i || kind[j] !== ENTITY_KIND.creature || !s.preyMask[type[j]] || flags[j] & SKIP) continue;
        if (r > 0) {
          const dx = x[j] - px;
          const dy = y[j] - py;
          if (dx * dx + dy * dy > r2) continue;
        }
        found++;
        if (rng() * found < 1) pick = j;
      }
    }
  return pick;
}

/** The arrays a hunt reads, fetched once per species pass. */
interface HuntViews {
  kind: Uint8Array;
  type: Uint16Array;
  flags: Uint8Array;
  x: Float32Array;
  y: Float32Array;
  cellStart: Int32Array;
  order: Int32Array;
  g: ZoneViews['geometry'];
}

function die(ctx: StepContext, s: CompiledSpecies, i: number, cause: (typeof DEATH_CAUSES)[number]): void {
  ctx.despawn(i);
  ctx.zone.scalars[s.scalar.deaths[cause]]++;
}

/**
 * Computes a creature's traits from its genome (environmental noise from `rng`) and applies the ones the
 * systems use: temperament to the FSM's aggro radius and hostility, speed to a wanderer's velocity.
 */
function express(z: ZoneViews, C: Compiled, s: CompiledSpecies, i: number, rng: Rng): void {
  if (C.traitWidth === 0) return;
  const traits = z.f32('traits');
  const row = i * C.traitWidth;
  traits.fill(0, row, row + C.traitWidth);
  s.program.evaluate(C.genomeWidth > 0 ? z.f32('genome') : EMPTY, i * C.genomeWidth, traits, row, rng);
  if (s.trait.aggroRadius >= 0) z.f32('aggroM')[i] = traits[row + s.trait.aggroRadius];
  if (s.trait.hostility >= 0) z.f32('hostility')[i] = traits[row + s.trait.hostility];
  if (s.trait.speed >= 0 && s.move === MOVE.wander) {
    const vx = z.f32('vx');
    const vy = z.f32('vy');
    const n = Math.sqrt(vx[i] * vx[i] + vy[i] * vy[i]) || 1;
    const sp = Math.max(0, traits[row + s.trait.speed]);
    vx[i] = (vx[i] / n) * sp;
    vy[i] = (vy[i] / n) * sp;
  }
}
const EMPTY = new Float32Array(0);

// Soft cap: breeding chance falls linearly from 1 at the soft cap to 0 at the hard cap.
function capFactor(n: number, soft: number, hard: number): number {
  if (n >= hard) return 0;
  if (n <= soft) return 1;
  return (hard - n) / (hard - soft);
}

let eligible = new Int32Array(256);

/**
 * The wild breeding pass: each grid cell comes due every 5–15 s (its interval drawn from the RNG); then
 * the adults of each sexual species in it that have the energy and are past their cooldown pair up at
 * random, and each pair breeds with chance probability × fertility × capFactor (per cell per species, per
 * cell in total, and per zone). The child's genome comes from both parents' meiosis.
 */
function breedingPass(ctx: StepContext, C: Compiled): void {
  const z = ctx.zone;
  const tick = ctx.tick;
  const next = z.cell<Int32Array>('nextBreed');
  let due = false;
  for (let c = 0; c < z.cells && !due; c++) due = next[c] <= tick;
  if (!due) return;
  buildGrid(z);
  const rng = ctx.rng('breed');
  const kind = z.u8('kind');
  const type = z.u16('type');
  const flags = z.u8('flags');
  const energy = z.f32('energy');
  const age = z.u32('age');
  const breedTick = z.u32('breedTick');
  const ids = z.u32('id');
  const genome = C.genomeWidth > 0 ? z.f32('genome') : null;
  const fields = z.fieldList;
  const traits = C.traitWidth > 0 ? z.f32('traits') : null;
  const { cellStart, order } = z;
  const zoneCount = C.sexual.map((s) =>
    s.zoneHard < Number.POSITIVE_INFINITY ? countSpecies(z, s.index) : 0,
  );
  if (eligible.length < z.count) eligible = new Int32Array(z.count * 2);
  for (let c = 0; c < z.cells; c++) {
    if (next[c] > tick) continue;
    next[c] = tick + C.breedMinTicks + Math.floor(rng() * (C.breedMaxTicks - C.breedMinTicks + 1));
    const start = cellStart[c];
    const end = cellStart[c + 1];
    if (end - start < 2) continue;
    let total = 0;
    for (let q = start; q < end; q++)
      if (kind[order[q]] === ENTITY_KIND.creature && !(flags[order[q]] & SKIP)) total++;
    for (let si = 0; si < C.sexual.length; si++) {
      const s = C.sexual[si];
      let m = 0;
      let here = 0;
      for (let q = start; q < end; q++) {
        const j = order[q];
        if (kind[j] !== ENTITY_KIND.creature || type[j] !== s.index || flags[j] & SKIP) continue;
        here++;
        if (energy[j] >= s.minEnergy && breedTick[j] <= tick && age[j] >= s.adultTicks) eligible[m++] = j;
      }
      if (m < 2) continue;
      shuffle(rng, eligible, m);
      let births = 0;
      for (let k = 0; k + 1 < m; k += 2) {
        const cap =
          capFactor(here, s.cellSoft, s.cellHard) *
          capFactor(total, C.cellTotalSoft, C.cellTotalHard) *
          (zoneCount[si] < s.zoneHard ? 1 : 0);
        if (cap <= 0) break;
        const a = eligible[k];
        const b = eligible[k + 1];
        const fert =
          s.trait.fertility >= 0 && traits
            ? (traits[a * C.traitWidth + s.trait.fertility] + traits[b * C.traitWidth + s.trait.fertility]) /
              2
            : 1;
        if (rng() >= s.reproduceP * Math.max(0, fert) * cap) continue;
        const child = ctx.spawn(ENTITY_KIND.creature);
        for (const f of fields) {
          if (f.width === 1) f.arr[child] = f.arr[a];
          else f.arr.copyWithin(child * f.width, a * f.width, a * f.width + f.width);
        }
        ids[child] = 0;
        flags[child] = 0;
        age[child] = 0;
        if (genome)
          breed(s.layout, genome, a * C.genomeWidth, b * C.genomeWidth, genome, child * C.genomeWidth, rng);
        express(z, C, s, child, rng);
        // Each parent gives half its share of energy to the child.
        const ga = energy[a] * s.energyShare * 0.5;
        const gb = energy[b] * s.energyShare * 0.5;
        energy[a] -= ga;
        energy[b] -= gb;
        energy[child] = ga + gb;
        breedTick[a] = breedTick[b] = tick + s.cooldownTicks;
        breedTick[child] = 0;
        here++;
        total++;
        zoneCount[si]++;
        births++;
      }
      z.scalars[s.scalar.births] += births;
    }
  }
}

function reportMetrics(ctx: StepContext, C: Compiled): void {
  const z = ctx.zone;
  const counts = new Float64Array(C.species.length);
  const kind = z.u8('kind');
  const type = z.u16('type');
  const flags = z.u8('flags');
  for (let i = 0, n = z.count + z.header[HEADER.staged]; i < n; i++)
    if (kind[i] === ENTITY_KIND.creature && !(flags[i] & SKIP) && type[i] < counts.length) counts[type[i]]++;
  for (const s of C.species) {
    const name = s.def.name;
    ctx.metric('count', counts[s.index], name);
    ctx.metric('births', z.scalars[s.scalar.births], name);
    z.scalars[s.scalar.births] = 0;
    for (const c of DEATH_CAUSES) {
      ctx.metric(`deaths.${c}`, z.scalars[s.scalar.deaths[c]], name);
      z.scalars[s.scalar.deaths[c]] = 0;
    }
  }
  // Genetics: allele frequencies, heterozygosity, trait means and variances per species in this zone.
  if (C.genomeWidth === 0 && C.traitWidth === 0) return;
  const n = z.count + z.header[HEADER.staged];
  const idx = new Int32Array(n);
  for (const s of C.species) {
    let m = 0;
    for (let i = 0; i < n; i++)
      if (kind[i] === ENTITY_KIND.creature && type[i] === s.index && !(flags[i] & SKIP)) idx[m++] = i;
    if (m === 0) continue;
    const st = populationStats(
      s.layout,
      C.genomeWidth > 0 ? z.f32('genome') : EMPTY,
      C.genomeWidth,
      C.traitWidth > 0 ? z.f32('traits') : null,
      C.traitWidth,
      s.program.names.length,
      idx,
      m,
    );
    const name = s.def.name;
    for (let l = 0; l < s.layout.loci; l++)
      s.layout.alleles[l].forEach((allele, k) =>
        ctx.metric(`${ALLELE_PREFIX}${s.layout.names[l]}.${allele}`, st.alleleFreq[l][k], name),
      );
    if (s.layout.discrete.some(Boolean)) ctx.metric('heterozygosity', st.heterozygosity, name);
    s.program.names.forEach((t, k) => {
      ctx.metric(`trait.${t}.mean`, st.traitMean[k], name);
      ctx.metric(`trait.${t}.var`, st.traitVar[k], name);
    });
  }
}
