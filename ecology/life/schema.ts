import { Type } from '@sinclair/typebox';
import type { Static } from '@sinclair/typebox';
import { GenomeSchema } from '../genetics/schema.ts';

// The ecology sections of a scenario (species, grass, ecology). The lab embeds these in the scenario
// schema, so the JSON Schema and the TypeScript types come from one definition.

const Range = Type.Object({ min: Type.Number(), max: Type.Number() }, { additionalProperties: false });

/** How a species moves each tick. */
export const MovementSchema = Type.Object(
  {
    mode: Type.Union(
      [
        Type.Literal('cell-walk'),
        Type.Literal('turn-and-step'),
        Type.Literal('wander'),
        Type.Literal('still'),
      ],
      {
        description:
          'cell-walk: to one of the 8 neighbouring grid cells; turn-and-step: turn up to maxTurnDeg either way then step stepM (NetLogo style); wander: continuous walk at speedMps (integrated by the move system); still: never moves.',
      },
    ),
    speedMps: Type.Optional(Type.Number({ minimum: 0 })),
    maxTurnDeg: Type.Optional(Type.Number({ minimum: 0, maximum: 180 })),
    stepM: Type.Optional(Type.Number({ minimum: 0 })),
  },
  { additionalProperties: false },
);

/** Energy budget of a species. */
export const EnergySchema = Type.Object(
  {
    initial: Type.Union([Type.Number(), Range], {
      description: 'Starting energy, or a range (integers drawn uniformly when both ends are integers).',
    }),
    metabolism: Type.Number({ minimum: 0, description: 'Energy lost per tick (before trait scaling).' }),
    grassGain: Type.Optional(
      Type.Number({ minimum: 0, description: 'Energy from eating a grown grass cell.' }),
    ),
    preyGain: Type.Optional(Type.Number({ minimum: 0, description: 'Energy from eating one prey animal.' })),
    preyEfficiency: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Alternatively: fraction of the prey’s energy gained.',
      }),
    ),
    starveBelow: Type.Optional(
      Type.Number({ description: 'Death by starvation when energy drops below this (default 0).' }),
    ),
    max: Type.Optional(
      Type.Number({ exclusiveMinimum: 0, description: 'Energy cap; a full animal does not graze.' }),
    ),
    huntBelow: Type.Optional(
      Type.Number({
        description: 'Hunts only while its energy is below this (default: 70 % of max, or always).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Reproduction: asexual clones (classic wolf-sheep) or sexual breeding in the per-cell breeding pass. */
export const ReproductionSchema = Type.Object(
  {
    mode: Type.Union([Type.Literal('clone'), Type.Literal('sexual')]),
    probability: Type.Number({
      minimum: 0,
      maximum: 1,
      description: 'clone: chance per tick; sexual: chance per pair per pass (× fertility × capFactor).',
    }),
    energyShare: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Fraction of the parent energy given to the offspring (default 0.5).',
      }),
    ),
    minEnergy: Type.Optional(Type.Number({ description: 'Energy needed to breed (default 0).' })),
    cooldownS: Type.Optional(
      Type.Number({ minimum: 0, description: 'Seconds between breedings of one animal (sexual).' }),
    ),
    adultAgeS: Type.Optional(
      Type.Number({ minimum: 0, description: 'Age before which an animal does not breed.' }),
    ),
  },
  { additionalProperties: false },
);

/** Population caps: the main knob designers tune. */
export const CapsSchema = Type.Object(
  {
    cellSoft: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Per cell: births slow down linearly from here…' }),
    ),
    cellHard: Type.Optional(Type.Integer({ minimum: 0, description: '…to none at or above this.' })),
    zoneHard: Type.Optional(
      Type.Integer({ minimum: 0, description: 'Per zone: no births at or above this.' }),
    ),
  },
  { additionalProperties: false },
);

/** One species. Genome and trait formulas are optional: the classic models have none. */
export const SpeciesSchema = Type.Object(
  {
    name: Type.String({ minLength: 1, pattern: '^[A-Za-z][A-Za-z0-9_-]*$' }),
    description: Type.Optional(Type.String()),
    diet: Type.Union([Type.Literal('herbivore'), Type.Literal('carnivore'), Type.Literal('omnivore')]),
    prey: Type.Optional(
      Type.Array(Type.String(), { description: 'Species this one hunts (carnivores, omnivores).' }),
    ),
    count: Type.Integer({
      minimum: 0,
      description: 'Initial population over the whole world (spread evenly over its zones).',
    }),
    zones: Type.Optional(
      Type.Array(Type.Integer({ minimum: 0 }), { description: 'Zones it starts in (default all).' }),
    ),
    movement: MovementSchema,
    energy: EnergySchema,
    reproduction: ReproductionSchema,
    lifespanS: Type.Optional(
      Type.Number({
        exclusiveMinimum: 0,
        description: 'Death by age after this many seconds (before traits).',
      }),
    ),
    huntRadiusM: Type.Optional(
      Type.Number({
        minimum: 0,
        description: 'Prey within this distance can be caught (default: the same grid cell).',
      }),
    ),
    hp: Type.Optional(Type.Number({ exclusiveMinimum: 0 })),
    caps: Type.Optional(CapsSchema),
    genome: Type.Optional(GenomeSchema),
    base: Type.Optional(
      Type.Record(Type.String(), Type.Number(), {
        description: 'Base stats the trait formulas use (base.speed, …).',
      }),
    ),
    traits: Type.Optional(
      Type.Record(Type.String(), Type.String(), {
        description: 'Trait formulas over genes and base stats (mathjs syntax).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** Grass: one patch per grid cell. */
export const GrassSchema = Type.Object(
  {
    enabled: Type.Optional(Type.Boolean({ default: true })),
    regrowthTicks: Type.Integer({ minimum: 1, description: 'Ticks for an eaten cell to grow back.' }),
    byBiome: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 1 }), { description: 'Regrowth ticks per biome.' }),
    ),
    initialGrownFraction: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: 'Share of cells grown at the start (default 0.5).',
      }),
    ),
  },
  { additionalProperties: false },
);

/** World-wide ecology settings. */
export const EcologySettingsSchema = Type.Object(
  {
    order: Type.Optional(
      Type.Array(Type.String(), {
        description: 'Species act in this order each tick (default: as declared), each in random order.',
      }),
    ),
    grassPhase: Type.Optional(Type.Union([Type.Literal('first'), Type.Literal('last')], { default: 'last' })),
    breedingIntervalS: Type.Optional(Range),
    caps: Type.Optional(
      Type.Object(
        {
          cellTotalSoft: Type.Optional(Type.Integer({ minimum: 0 })),
          cellTotalHard: Type.Optional(Type.Integer({ minimum: 0 })),
        },
        { additionalProperties: false },
      ),
    ),
    metricsEveryTicks: Type.Optional(Type.Integer({ minimum: 1, default: 10 })),
  },
  { additionalProperties: false },
);

/** A species as written in a scenario. */
export type SpeciesDef = Static<typeof SpeciesSchema>;
/** Grass settings. */
export type GrassDef = Static<typeof GrassSchema>;
/** Ecology settings. */
export type EcologySettings = Static<typeof EcologySettingsSchema>;
