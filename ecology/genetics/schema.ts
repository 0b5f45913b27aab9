import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';

const mode = (options: { default?: string; description?: string } = {}) =>
  Type.Union([Type.Literal('complete'), Type.Literal('incomplete'), Type.Literal('codominant')], options);

const PositionCM = Type.Number({
  minimum: 0,
  description:
    'Position on its chromosome in centimorgans. When every locus of a chromosome has one, they are ordered by it and the recombination chance between neighbours is Haldane’s (1 − e^(−2d/100))/2 unless `recombination` says otherwise.',
});

const Recombination = Type.Number({
  minimum: 0,
  maximum: 0.5,
  description:
    'Chance of a crossover between this locus and the previous one on its chromosome (default 0.5 = unlinked).',
});

/** A discrete locus: named alleles, a dominance order, a dominance mode per pair. */
export const DiscreteLocusSchema = Type.Object(
  {
    name: Type.String({ pattern: '^[A-Za-z][A-Za-z0-9_]*$' }),
    kind: Type.Literal('discrete'),
    alleles: Type.Array(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_]*$' }), {
      minItems: 1,
      maxItems: 64,
      description: 'Allele names, most dominant first (unless `dominance` gives another order).',
    }),
    dominance: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Allele names from most to least dominant (default: `alleles` order).',
      }),
    ),
    values: Type.Optional(
      Type.Record(Type.String(), Type.Number(), {
        description:
          'Numeric value of each allele for trait formulas (default: 1 for the first, 0 for the rest).',
      }),
    ),
    mode: Type.Optional(mode({ default: 'complete', description: 'Dominance mode of every pair.' })),
    pairModes: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z0-9_]+/[A-Za-z0-9_]+$' }), mode(), {
        description: "Dominance mode of particular pairs, keyed 'a/b' (either order); overrides `mode`.",
      }),
    ),
    initial: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description:
          'Starting allele frequencies (default equal; normalised; alleles not listed start at 0).',
      }),
    ),
    mutation: Type.Optional(
      Type.Union([
        Type.Number({
          minimum: 0,
          maximum: 1,
          description: 'Chance per allele per birth to switch to another allele (uniformly).',
        }),
        Type.Object(
          {
            rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            matrix: Type.Optional(
              Type.Array(Type.Array(Type.Number({ minimum: 0 })), {
                description:
                  'K×K in allele order. With `rate`: relative weights of the new allele given a mutation (diagonal ignored). Without: row i = chance per birth of becoming each allele (rows sum to 1).',
              }),
            ),
          },
          { additionalProperties: false },
        ),
      ]),
    ),
    chromosome: Type.Optional(Type.String({ description: 'Linkage group; loci without one are unlinked.' })),
    positionCM: Type.Optional(PositionCM),
    recombination: Type.Optional(Recombination),
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
      Type.Object(
        {
          mean: Type.Optional(Type.Number({ description: 'Mean starting allele effect (default 0).' })),
          sd: Type.Optional(
            Type.Number({ minimum: 0, description: 'Sd of starting allele effects (default 0.1).' }),
          ),
          values: Type.Optional(
            Type.Array(Type.Number(), {
              minItems: 1,
              description: 'Starting effects to pick from instead of a normal.',
            }),
          ),
          frequencies: Type.Optional(
            Type.Array(Type.Number({ minimum: 0 }), {
              description: 'Chance of each of `values` (default equal).',
            }),
          ),
        },
        { additionalProperties: false },
      ),
    ),
    mutation: Type.Optional(
      Type.Object(
        { rate: Type.Number({ minimum: 0, maximum: 1 }), sd: Type.Number({ minimum: 0 }) },
        { additionalProperties: false },
      ),
    ),
    chromosome: Type.Optional(Type.String()),
    positionCM: Type.Optional(PositionCM),
    recombination: Type.Optional(Recombination),
  },
  { additionalProperties: false },
);

/** A species' genome: diploid loci, linkage, environmental noise of polygenic traits. */
export const GenomeSchema = Type.Object(
  {
    loci: Type.Array(Type.Union([DiscreteLocusSchema, QuantitativeLocusSchema]), { maxItems: 64 }),
    noise: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description: 'Environmental variance added to each polygenic trait (once per creature, at birth).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A declared cross-species pairing (scenario level): the two parent species, the offspring species, its fertility. */
export const HybridRuleSchema = Type.Object(
  {
    parents: Type.Tuple([Type.String(), Type.String()]),
    offspring: Type.String({ description: 'Species of the offspring (may be one of the parents).' }),
    fertility: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Chance that a pairing yields an offspring (default 1).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** A genome as written in a scenario. */
export type GenomeDef = Static<typeof GenomeSchema>;
/** A locus as written in a scenario. */
export type LocusDef = GenomeDef['loci'][number];
/** A discrete locus as written in a scenario. */
export type DiscreteLocusDef = Static<typeof DiscreteLocusSchema>;
/** A quantitative locus as written in a scenario. */
export type QuantitativeLocusDef = Static<typeof QuantitativeLocusSchema>;
/** A hybrid rule as written in a scenario. */
export type HybridRuleDef = Static<typeof HybridRuleSchema>;
