import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

/** A discrete locus: named alleles in dominance order (first = most dominant). */
export const DiscreteLocusSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }),
    kind: Type.Literal('discrete'),
    alleles: Type.Array(Type.String({ minLength: 1 }), {
      minItems: 1,
      maxItems: 64,
      description: 'Allele names, most dominant first.',
    }),
    values: Type.Optional(
      Type.Record(Type.String(), Type.Number(), {
        description:
          'Numeric value of each allele for trait formulas (default: 1 for the first, 0 for the rest).',
      }),
    ),
    mode: Type.Optional(
      Type.Union([Type.Literal('complete'), Type.Literal('incomplete'), Type.Literal('codominant')], {
        default: 'complete',
      }),
    ),
    initial: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description: 'Starting allele frequencies (default equal).',
      }),
    ),
    mutation: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Chance per allele per birth to switch to another allele (uniformly).',
      }),
    ),
    chromosome: Type.Optional(Type.String({ description: 'Linkage group; loci without one are unlinked.' })),
    recombination: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 0.5,
        description:
          'Chance of a crossover between this locus and the previous one on its chromosome (default 0.5).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A quantitative locus: real-valued allele effects adding up to a polygenic trait. */
export const QuantitativeLocusSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }),
    kind: Type.Literal('quantitative'),
    trait: Type.Optional(
      Type.String({ description: 'The polygenic trait it adds to (default: its own name).' }),
    ),
    initial: Type.Optional(
      Type.Object({ mean: Type.Number(), sd: Type.Number({ minimum: 0 }) }, { additionalProperties: false }),
    ),
    mutation: Type.Optional(
      Type.Object(
        { rate: Type.Number({ minimum: 0, maximum: 1 }), sd: Type.Number({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    chromosome: Type.Optional(Type.String()),
    recombination: Type.Optional(Type.Number({ minimum: 0, maximum: 0.5 })),
  },
  { additionalProperties: false },
);

/** A species' genome: diploid loci, linkage, environmental noise of polygenic traits. */
export const GenomeSchema = Type.Object(
  {
    loci: Type.Array(Type.Union([DiscreteLocusSchema, QuantitativeLocusSchema]), { maxItems: 64 }),
    noise: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description: 'Environmental variance added to each polygenic trait.',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A genome as written in a scenario. */
export type GenomeDef = Static<typeof GenomeSchema>;
/** A locus as written in a scenario. */
export type LocusDef = GenomeDef['loci'][number];
