import { Type } from '@sinclair/typebox';
import type { Static, TSchema } from '@sinclair/typebox';
import { EcologySettingsSchema, GrassSchema, SpeciesSchema } from '../../ecology/life/schema.ts';
import { CombatContentSchema } from '../../engine/combat/content-schema.ts';

// One truth: the TypeScript types of a scenario and the JSON Schema in scenarios/schema.json both come
// from these definitions (`npm run schema` writes the file; a test checks it is current).

const Num = (o: {
  min?: number;
  max?: number;
  exclusiveMin?: number;
  default?: number;
  description?: string;
}) =>
  Type.Number({
    ...(o.min !== undefined ? { minimum: o.min } : {}),
    ...(o.max !== undefined ? { maximum: o.max } : {}),
    ...(o.exclusiveMin !== undefined ? { exclusiveMinimum: o.exclusiveMin } : {}),
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.description ? { description: o.description } : {}),
  });
const Int = (o: { min?: number; max?: number; default?: number; description?: string }) =>
  Type.Integer({
    ...(o.min !== undefined ? { minimum: o.min } : {}),
    ...(o.max !== undefined ? { maximum: o.max } : {}),
    ...(o.default !== undefined ? { default: o.default } : {}),
    ...(o.description ? { description: o.description } : {}),
  });

/** The world's zone layout. */
export const WorldSchema = Type.Object(
  {
    zonesX: Int({ min: 1, max: 64, default: 1, description: 'Zones along x.' }),
    zonesY: Int({ min: 1, max: 64, default: 1, description: 'Zones along y.' }),
    zoneWidthM: Num({ exclusiveMin: 0, description: 'Width of each zone in metres.' }),
    zoneHeightM: Num({ exclusiveMin: 0, description: 'Height of each zone in metres.' }),
    cellM: Num({ exclusiveMin: 0, description: 'Spatial grid cell size in metres.' }),
    edge: Type.Optional(
      Type.Union([Type.Literal('bounce'), Type.Literal('stop'), Type.Literal('wrap')], {
        description: 'What agents do at the world edge (wrap: a torus).',
      }),
    ),
    biomes: Type.Optional(
      Type.Array(Type.String({ minLength: 1 }), { description: 'Biome per zone, cycled.' }),
    ),
  },
  { additionalProperties: false },
);

/** Wanderer agents: walk and avoid their neighbours (the engine benchmark's agent). */
export const WanderersSchema = Type.Object(
  {
    count: Int({ min: 0, description: 'Wanderers in the whole world.' }),
    speedMps: Type.Optional(Num({ min: 0 })),
    avoidRadiusM: Type.Optional(Num({ exclusiveMin: 0 })),
    avoidWeight: Type.Optional(Num({ min: 0 })),
    turnRad: Type.Optional(Num({ min: 0 })),
  },
  { additionalProperties: false },
);

/** An explicit system in step order (advanced: normally derived from the scenario's sections). */
export const SystemUseSchema = Type.Object(
  {
    use: Type.String({ minLength: 1, description: 'System name.' }),
    params: Type.Optional(Type.Record(Type.String(), Type.Unknown())),
  },
  { additionalProperties: false },
);

/** Every section of a scenario file. */
export const ScenarioSchema = Type.Object(
  {
    $schema: Type.Optional(Type.String()),
    name: Type.String({ minLength: 1 }),
    description: Type.Optional(Type.String()),
    kind: Type.Union([
      Type.Literal('ecosystem'),
      Type.Literal('combat'),
      Type.Literal('load'),
      Type.Literal('bench'),
    ]),
    seed: Type.Optional(
      Type.Union([Type.Integer({ minimum: 0, maximum: 4294967295 }), Type.String({ minLength: 1 })]),
    ),
    ticks: Int({ min: 1, description: 'Ticks to run.' }),
    tickRate: Type.Optional(
      Num({ exclusiveMin: 0, max: 1000, default: 20, description: 'Ticks per second of simulation time.' }),
    ),
    world: WorldSchema,
    wanderers: Type.Optional(WanderersSchema),
    species: Type.Optional(
      Type.Array(SpeciesSchema, {
        description: 'Wild creatures: genomes, diet, energy, reproduction, caps.',
      }),
    ),
    grass: Type.Optional(GrassSchema),
    ecology: Type.Optional(EcologySettingsSchema),
    content: Type.Optional(CombatContentSchema),
    enemies: Type.Optional(
      Type.Record(Type.String(), Type.Integer({ minimum: 0 }), {
        description: 'Enemies placed at the start, by type (spread over zones).',
      }),
    ),
    bots: Type.Optional(
      Type.Object(
        {
          count: Type.Integer({ minimum: 0, description: 'In-process bots (players) over the whole world.' }),
          moveEveryS: Type.Optional(Type.Number({ minimum: 0 })),
          castEveryS: Type.Optional(Type.Number({ minimum: 0 })),
          chatEveryS: Type.Optional(Type.Number({ minimum: 0 })),
          captureEveryS: Type.Optional(Type.Number({ minimum: 0 })),
        },
        {
          additionalProperties: false,
          description: 'Scripted bots that move, cast, chat and capture (kind: load).',
        },
      ),
    ),
    systems: Type.Optional(Type.Array(SystemUseSchema)),
  },
  {
    additionalProperties: false,
    $id: 'https://arcane-realms.dev/scenario.schema.json',
    title: 'Arcane Realms scenario',
  },
);

/** A validated scenario. */
export type Scenario = Static<typeof ScenarioSchema>;

/** The JSON Schema document published as scenarios/schema.json. */
export function scenarioJsonSchema(): Record<string, unknown> {
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    ...(JSON.parse(JSON.stringify(ScenarioSchema)) as TSchema),
  };
}
