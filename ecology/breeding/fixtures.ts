// Species shared by the breeding tests (not a test file itself).
import type { GenomeDef } from '../genetics/schema.ts';
import { compileSpecies } from '../genetics/species.ts';
import type { CompiledSpecies } from '../genetics/species.ts';

/** Compiles a test species. */
export function species(
  name: string,
  genome: GenomeDef,
  traits: Record<string, string>,
  base: Record<string, number> = {},
): CompiledSpecies {
  return compileSpecies({ name, genome, base, traits });
}

/** Five segregating loci, two of them linked, two polygenic loci; optional environmental noise. */
export function deerGenome(noise = 0, extraLoci = 0, recombination = 0.2): GenomeDef {
  return {
    loci: [
      { name: 'coat', kind: 'discrete', alleles: ['B', 'b'] },
      {
        name: 'size',
        kind: 'discrete',
        alleles: ['L', 'S'],
        values: { L: 2, S: 1 },
        mode: 'incomplete',
        chromosome: 'c1',
      },
      { name: 'horn', kind: 'discrete', alleles: ['H', 'h'], chromosome: 'c1', recombination },
      { name: 'ag1', kind: 'quantitative', trait: 'agility', initial: { values: [0, 0.1, 0.3] } },
      {
        name: 'ag2',
        kind: 'quantitative',
        trait: 'agility',
        initial: { values: [0, 0.2] },
        chromosome: 'c1',
        recombination: 0.3,
      },
      ...Array.from({ length: extraLoci }, (_, k) => ({
        name: `ag${k + 3}`,
        kind: 'quantitative' as const,
        trait: 'agility',
        initial: { values: [0, 0.05] },
      })),
    ],
    noise: noise > 0 ? { agility: noise } : undefined,
  };
}

/** Trait formulas of the test deer. */
export const DEER_TRAITS = {
  speed: 'base.speed * (0.8 + 0.4 * agility)',
  bulk: 'size * (1 + horn)',
  dark: 'coat',
};

/** A mother (coupling phase on c1: L–H, S–h) and a father (repulsion: L–h, S–H), heterozygous everywhere. */
export function deerParents(extraLoci = 0): { mother: Float32Array; father: Float32Array } {
  const base = [0, 1, 0, 1, 0, 1, 0, 0.3, 0, 0.2];
  const fatherBase = [1, 0, 0, 1, 1, 0, 0.1, 0.3, 0.2, 0];
  const extra = Array.from({ length: extraLoci }, () => [0, 0.05]).flat();
  return {
    mother: Float32Array.from([...base, ...extra]),
    father: Float32Array.from([...fatherBase, ...extra]),
  };
}
