/* eslint-disable no-restricted-properties -- a benchmark measures wall time; it is not simulation code */
// Throughput of the genetics hot paths on a meadow-like species (3 discrete loci, 6 quantitative loci in
// 3 polygenic traits, two linked loci, mutation on, 6 trait formulas):
//   node --import tsx ecology/genetics/bench-genetics.ts [--json]
import { compile } from 'mathjs';
import { streamFor } from '../../engine/rng/rng.ts';
import { sameSpeciesCross } from '../breeding/compatibility.ts';
import { offspringPreview } from '../breeding/preview.ts';
import { breed, initGenome } from './genome.ts';
import type { GenomeDef } from './schema.ts';
import { createPopulationStats, fillPopulationStats } from './stats.ts';
import { compileSpecies } from './species.ts';

const genome: GenomeDef = {
  loci: [
    {
      name: 'coat',
      kind: 'discrete',
      alleles: ['brown', 'grey', 'white'],
      initial: { brown: 0.5, grey: 0.3, white: 0.2 },
      mutation: 0.001,
    },
    {
      name: 'fertile',
      kind: 'discrete',
      alleles: ['F', 'f'],
      values: { F: 1, f: 0.6 },
      mode: 'incomplete',
      chromosome: 'c1',
    },
    {
      name: 'diet',
      kind: 'discrete',
      alleles: ['omni', 'herb'],
      values: { omni: 1, herb: 0 },
      initial: { omni: 0.4, herb: 0.6 },
    },
    {
      name: 'size1',
      kind: 'quantitative',
      trait: 'size',
      initial: { mean: 0.25, sd: 0.05 },
      chromosome: 'c1',
      recombination: 0.2,
    },
    { name: 'size2', kind: 'quantitative', trait: 'size', initial: { mean: 0.25, sd: 0.05 } },
    {
      name: 'agility1',
      kind: 'quantitative',
      trait: 'agility',
      initial: { mean: 0.25, sd: 0.08 },
      mutation: { rate: 0.01, sd: 0.02 },
    },
    { name: 'agility2', kind: 'quantitative', trait: 'agility', initial: { mean: 0.25, sd: 0.08 } },
    { name: 'temper1', kind: 'quantitative', trait: 'temperament', initial: { mean: 0.05, sd: 0.03 } },
    { name: 'temper2', kind: 'quantitative', trait: 'temperament', initial: { mean: 0.05, sd: 0.03 } },
  ],
  noise: { size: 0.002, agility: 0.004 },
};
const base = { speed: 1.6, lifespanS: 240 };
const traits = {
  speed: 'base.speed * (0.8 + 0.4 * agility)',
  metabolism: '0.02 * (0.5 + size) * (0.8 + 0.4 * agility)',
  lifespanS: 'base.lifespanS * (1.2 - 0.4 * size)',
  fertility: 'fertile',
  aggroRadiusM: '8 * (0.5 + temperament)',
  hostility: 'clamp(temperament * 2, 0, 1)',
};

const json = process.argv.includes('--json');
const species = compileSpecies({ name: 'deer', genome, base, traits });
const { layout, program } = species;
const W = layout.width;
const N = 20_000;
const pop = new Float32Array(N * W);
const kids = new Float32Array(N * W);
const rows = new Float32Array(N * program.width);
const init = streamFor(1, 0, 0, 'bench-init');
for (let i = 0; i < N; i++) initGenome(layout, pop, i * W, init);

/** Best of `runs` timings (ms) of `fn`, after one warm-up run. */
function best(runs: number, fn: () => void): number {
  fn();
  let min = Infinity;
  for (let r = 0; r < runs; r++) {
    const t0 = performance.now();
    fn();
    min = Math.min(min, performance.now() - t0);
  }
  return min;
}

const rng = streamFor(1, 0, 0, 'bench');
const BREEDS = 200_000;
const breedMs = best(5, () => {
  for (let k = 0; k < BREEDS; k++) {
    const c = k % N;
    breed(layout, pop, ((k * 7919) % N) * W, ((k * 104729 + 1) % N) * W, kids, c * W, rng);
  }
});
const EVALS = 200_000;
const evalMs = best(5, () => {
  for (let k = 0; k < EVALS; k++) program.evaluate(pop, (k % N) * W, rows, (k % N) * program.width, rng);
});
const evalNoNoiseMs = best(5, () => {
  for (let k = 0; k < EVALS; k++) program.evaluate(pop, (k % N) * W, rows, (k % N) * program.width, null);
});

// The same formulas through mathjs' own compiled evaluate with a scope object per creature (the baseline).
const compiled = Object.entries(traits).map(
  ([name, f]) =>
    [name, compile(f.replace('clamp(temperament * 2, 0, 1)', 'min(max(temperament * 2, 0), 1)'))] as const,
);
const MATH_EVALS = 20_000;
const mathjsMs = best(3, () => {
  for (let k = 0; k < MATH_EVALS; k++) {
    const o = (k % N) * W;
    const scope: Record<string, unknown> = {
      base,
      fertile: layout.pairValue[layout.pairBase[1] + pop[o + 2] * 2 + pop[o + 3]],
      size: pop[o + 6] + pop[o + 7] + pop[o + 8] + pop[o + 9],
      agility: pop[o + 10] + pop[o + 11] + pop[o + 12] + pop[o + 13],
      temperament: pop[o + 14] + pop[o + 15] + pop[o + 16] + pop[o + 17],
    };
    for (const [name, c] of compiled) scope[name] = c.evaluate(scope);
  }
});

const indices = Int32Array.from({ length: N }, (_, i) => i);
const stats = createPopulationStats(layout, program.width);
const statsMs = best(10, () =>
  fillPopulationStats(
    layout,
    { genomes: pop, genomeWidth: W, traits: rows, traitWidth: program.width, indices, count: N },
    stats,
  ),
);

const cross = sameSpeciesCross(species);
// Parents heterozygous at 4 loci each (256 gamete pairs) for the exact path; founders for the sampled one.
const het = new Float32Array(2 * W);
initGenome(layout, het, 0, streamFor(2, 0, 0, 'bench-het'));
initGenome(layout, het, W, streamFor(3, 0, 0, 'bench-het'));
for (let l = 3; l < layout.loci; l++) {
  het[2 * l + 1] = het[2 * l];
  het[W + 2 * l + 1] = het[W + 2 * l];
}
het.set([0, 1, 0, 1, 0, 1], 0);
het.set([0, 2, 1, 0, 1, 0], W);
het[7] = het[6] + 0.01;
let method = '';
const exactMs = best(3, () => {
  method = offspringPreview({ cross, a: { genome: het, off: 0 }, b: { genome: het, off: W } }).method;
});
const exactMethod = method;
const sampledMs = best(3, () => {
  method = offspringPreview({ cross, a: { genome: pop, off: 0 }, b: { genome: pop, off: W } }).method;
});

const figures = {
  loci: layout.loci,
  traits: program.width,
  breedsPerS: Math.round(BREEDS / (breedMs / 1000)),
  traitEvalsPerS: Math.round(EVALS / (evalMs / 1000)),
  traitEvalsPerSNoNoise: Math.round(EVALS / (evalNoNoiseMs / 1000)),
  mathjsEvalsPerS: Math.round(MATH_EVALS / (mathjsMs / 1000)),
  populationStatsMsPer20k: Number(statsMs.toFixed(3)),
  previewMs: { [exactMethod]: Number(exactMs.toFixed(2)), [method]: Number(sampledMs.toFixed(2)) },
};
if (json) console.log(JSON.stringify(figures));
else {
  console.log(`genetics bench: ${figures.loci} loci, ${figures.traits} traits (best of several runs)`);
  console.log(`  breed (meiosis ×2 + mutation)      ${figures.breedsPerS.toLocaleString('en')} breeds/s`);
  console.log(
    `  traits, compiled closure + noise   ${figures.traitEvalsPerS.toLocaleString('en')} evaluations/s`,
  );
  console.log(
    `  traits, compiled closure, no noise ${figures.traitEvalsPerSNoNoise.toLocaleString('en')} evaluations/s`,
  );
  console.log(
    `  traits, mathjs evaluate + scope    ${figures.mathjsEvalsPerS.toLocaleString('en')} evaluations/s (baseline)`,
  );
  console.log(`  population stats, 20,000 genomes   ${figures.populationStatsMsPer20k} ms`);
  console.log(`  offspring preview                  ${JSON.stringify(figures.previewMs)} ms`);
}
