// lab/scenario/load.ts
import { Ajv } from "ajv";
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from "yaml";

// lab/scenario/schema.ts
import { Type as Type4 } from "@sinclair/typebox";

// ecology/life/schema.ts
import { Type as Type2 } from "@sinclair/typebox";

// ecology/genetics/schema.ts
import { Type } from "@sinclair/typebox";
var mode = (options = {}) => Type.Union([Type.Literal("complete"), Type.Literal("incomplete"), Type.Literal("codominant")], options);
var PositionCM = Type.Number({
  minimum: 0,
  description: "Position on its chromosome in centimorgans. When every locus of a chromosome has one, they are ordered by it and the recombination chance between neighbours is Haldane\u2019s (1 \u2212 e^(\u22122d/100))/2 unless `recombination` says otherwise."
});
var Recombination = Type.Number({
  minimum: 0,
  maximum: 0.5,
  description: "Chance of a crossover between this locus and the previous one on its chromosome (default 0.5 = unlinked)."
});
var DiscreteLocusSchema = Type.Object(
  {
    name: Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_]*$" }),
    kind: Type.Literal("discrete"),
    alleles: Type.Array(Type.String({ pattern: "^[A-Za-z_][A-Za-z0-9_]*$" }), {
      minItems: 1,
      maxItems: 64,
      description: "Allele names, most dominant first (unless `dominance` gives another order)."
    }),
    dominance: Type.Optional(
      Type.Array(Type.String(), {
        description: "Allele names from most to least dominant (default: `alleles` order)."
      })
    ),
    values: Type.Optional(
      Type.Record(Type.String(), Type.Number(), {
        description: "Numeric value of each allele for trait formulas (default: 1 for the first, 0 for the rest)."
      })
    ),
    mode: Type.Optional(mode({ default: "complete", description: "Dominance mode of every pair." })),
    pairModes: Type.Optional(
      Type.Record(Type.String({ pattern: "^[A-Za-z0-9_]+/[A-Za-z0-9_]+$" }), mode(), {
        description: "Dominance mode of particular pairs, keyed 'a/b' (either order); overrides `mode`."
      })
    ),
    initial: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description: "Starting allele frequencies (default equal; normalised; alleles not listed start at 0)."
      })
    ),
    mutation: Type.Optional(
      Type.Union([
        Type.Number({
          minimum: 0,
          maximum: 1,
          description: "Chance per allele per birth to switch to another allele (uniformly)."
        }),
        Type.Object(
          {
            rate: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
            matrix: Type.Optional(
              Type.Array(Type.Array(Type.Number({ minimum: 0 })), {
                description: "K\xD7K in allele order. With `rate`: relative weights of the new allele given a mutation (diagonal ignored). Without: row i = chance per birth of becoming each allele (rows sum to 1)."
              })
            )
          },
          { additionalProperties: false }
        )
      ])
    ),
    chromosome: Type.Optional(Type.String({ description: "Linkage group; loci without one are unlinked." })),
    positionCM: Type.Optional(PositionCM),
    recombination: Type.Optional(Recombination)
  },
  { additionalProperties: false }
);
var QuantitativeLocusSchema = Type.Object(
  {
    name: Type.String({ pattern: "^[A-Za-z][A-Za-z0-9_]*$" }),
    kind: Type.Literal("quantitative"),
    trait: Type.Optional(
      Type.String({ description: "The polygenic trait it adds to (default: its own name)." })
    ),
    initial: Type.Optional(
      Type.Object(
        {
          mean: Type.Optional(Type.Number({ description: "Mean starting allele effect (default 0)." })),
          sd: Type.Optional(
            Type.Number({ minimum: 0, description: "Sd of starting allele effects (default 0.1)." })
          ),
          values: Type.Optional(
            Type.Array(Type.Number(), {
              minItems: 1,
              description: "Starting effects to pick from instead of a normal."
            })
          ),
          frequencies: Type.Optional(
            Type.Array(Type.Number({ minimum: 0 }), {
              description: "Chance of each of `values` (default equal)."
            })
          )
        },
        { additionalProperties: false }
      )
    ),
    mutation: Type.Optional(
      Type.Object(
        { rate: Type.Number({ minimum: 0, maximum: 1 }), sd: Type.Number({ minimum: 0 }) },
        { additionalProperties: false }
      )
    ),
    chromosome: Type.Optional(Type.String()),
    positionCM: Type.Optional(PositionCM),
    recombination: Type.Optional(Recombination)
  },
  { additionalProperties: false }
);
var GenomeSchema = Type.Object(
  {
    loci: Type.Array(Type.Union([DiscreteLocusSchema, QuantitativeLocusSchema]), { maxItems: 64 }),
    noise: Type.Optional(
      Type.Record(Type.String(), Type.Number({ minimum: 0 }), {
        description: "Environmental variance added to each polygenic trait (once per creature, at birth)."
      })
    )
  },
  { additionalProperties: false }
);
var HybridRuleSchema = Type.Object(
  {
    parents: Type.Tuple([Type.String(), Type.String()]),
    offspring: Type.String({ description: "Species of the offspring (may be one of the parents)." }),
    fertility: Type.Optional(
      Type.Number({
        minimum: 0,
        maximum: 1,
        description: "Chance that a pairing yields an offspring (default 1)."
      })
    )
  },
  { additionalProperties: false }
);

// ecology/life/schema.ts
var Range = Type2.Object({ min: Type2.Number(), max: Type2.Number() }, { additionalProperties: false });
var MovementSchema = Type2.Object(
  {
    mode: Type2.Union(
      [
        Type2.Literal("cell-walk"),
        Type2.Literal("turn-and-step"),
        Type2.Literal("wander"),
        Type2.Literal("still")
      ],
      {
        description: "cell-walk: to one of the 8 neighbouring grid cells; turn-and-step: turn up to maxTurnDeg either way then step stepM (NetLogo style); wander: continuous walk at speedMps (integrated by the move system); still: never moves."
      }
    ),
    speedMps: Type2.Optional(Type2.Number({ minimum: 0 })),
    maxTurnDeg: Type2.Optional(Type2.Number({ minimum: 0, maximum: 180 })),
    stepM: Type2.Optional(Type2.Number({ minimum: 0 }))
  },
  { additionalProperties: false }
);
var EnergySchema = Type2.Object(
  {
    initial: Type2.Union([Type2.Number(), Range], {
      description: "Starting energy, or a range (integers drawn uniformly when both ends are integers)."
    }),
    metabolism: Type2.Number({ minimum: 0, description: "Energy lost per tick (before trait scaling)." }),
    grassGain: Type2.Optional(
      Type2.Number({ minimum: 0, description: "Energy from eating a grown grass cell." })
    ),
    preyGain: Type2.Optional(Type2.Number({ minimum: 0, description: "Energy from eating one prey animal." })),
    preyEfficiency: Type2.Optional(
      Type2.Number({
        minimum: 0,
        maximum: 1,
        description: "Alternatively: fraction of the prey\u2019s energy gained."
      })
    ),
    starveBelow: Type2.Optional(
      Type2.Number({ description: "Death by starvation when energy drops below this (default 0)." })
    ),
    max: Type2.Optional(
      Type2.Number({ exclusiveMinimum: 0, description: "Energy cap; a full animal does not graze." })
    ),
    huntBelow: Type2.Optional(
      Type2.Number({
        description: "Hunts only while its energy is below this (default: 70 % of max, or always)."
      })
    )
  },
  { additionalProperties: false }
);
var ReproductionSchema = Type2.Object(
  {
    mode: Type2.Union([Type2.Literal("clone"), Type2.Literal("sexual")]),
    probability: Type2.Number({
      minimum: 0,
      maximum: 1,
      description: "clone: chance per tick; sexual: chance per pair per pass (\xD7 fertility \xD7 capFactor)."
    }),
    energyShare: Type2.Optional(
      Type2.Number({
        minimum: 0,
        maximum: 1,
        description: "Fraction of the parent energy given to the offspring (default 0.5)."
      })
    ),
    minEnergy: Type2.Optional(Type2.Number({ description: "Energy needed to breed (default 0)." })),
    cooldownS: Type2.Optional(
      Type2.Number({ minimum: 0, description: "Seconds between breedings of one animal (sexual)." })
    ),
    adultAgeS: Type2.Optional(
      Type2.Number({ minimum: 0, description: "Age before which an animal does not breed." })
    )
  },
  { additionalProperties: false }
);
var CapsSchema = Type2.Object(
  {
    cellSoft: Type2.Optional(
      Type2.Integer({ minimum: 0, description: "Per cell: births slow down linearly from here\u2026" })
    ),
    cellHard: Type2.Optional(Type2.Integer({ minimum: 0, description: "\u2026to none at or above this." })),
    zoneHard: Type2.Optional(
      Type2.Integer({ minimum: 0, description: "Per zone: no births at or above this." })
    )
  },
  { additionalProperties: false }
);
var SpeciesSchema = Type2.Object(
  {
    name: Type2.String({ minLength: 1, pattern: "^[A-Za-z][A-Za-z0-9_-]*$" }),
    description: Type2.Optional(Type2.String()),
    diet: Type2.Union([Type2.Literal("herbivore"), Type2.Literal("carnivore"), Type2.Literal("omnivore")]),
    prey: Type2.Optional(
      Type2.Array(Type2.String(), { description: "Species this one hunts (carnivores, omnivores)." })
    ),
    count: Type2.Integer({
      minimum: 0,
      description: "Initial population over the whole world (spread evenly over its zones)."
    }),
    zones: Type2.Optional(
      Type2.Array(Type2.Integer({ minimum: 0 }), { description: "Zones it starts in (default all)." })
    ),
    movement: MovementSchema,
    energy: EnergySchema,
    reproduction: ReproductionSchema,
    lifespanS: Type2.Optional(
      Type2.Number({
        exclusiveMinimum: 0,
        description: "Death by age after this many seconds (before traits)."
      })
    ),
    huntRadiusM: Type2.Optional(
      Type2.Number({
        minimum: 0,
        description: "Prey within this distance can be caught (default: the same grid cell)."
      })
    ),
    hp: Type2.Optional(Type2.Number({ exclusiveMinimum: 0 })),
    caps: Type2.Optional(CapsSchema),
    genome: Type2.Optional(GenomeSchema),
    base: Type2.Optional(
      Type2.Record(Type2.String(), Type2.Number(), {
        description: "Base stats the trait formulas use (base.speed, \u2026)."
      })
    ),
    traits: Type2.Optional(
      Type2.Record(Type2.String(), Type2.String(), {
        description: "Trait formulas over genes and base stats (mathjs syntax)."
      })
    )
  },
  { additionalProperties: false }
);
var GrassSchema = Type2.Object(
  {
    enabled: Type2.Optional(Type2.Boolean({ default: true })),
    regrowthTicks: Type2.Integer({ minimum: 1, description: "Ticks for an eaten cell to grow back." }),
    byBiome: Type2.Optional(
      Type2.Record(Type2.String(), Type2.Integer({ minimum: 1 }), { description: "Regrowth ticks per biome." })
    ),
    initialGrownFraction: Type2.Optional(
      Type2.Number({
        minimum: 0,
        maximum: 1,
        description: "Share of cells grown at the start (default 0.5)."
      })
    )
  },
  { additionalProperties: false }
);
var EcologySettingsSchema = Type2.Object(
  {
    order: Type2.Optional(
      Type2.Array(Type2.String(), {
        description: "Species act in this order each tick (default: as declared), each in random order."
      })
    ),
    grassPhase: Type2.Optional(Type2.Union([Type2.Literal("first"), Type2.Literal("last")], { default: "last" })),
    breedingIntervalS: Type2.Optional(Range),
    caps: Type2.Optional(
      Type2.Object(
        {
          cellTotalSoft: Type2.Optional(Type2.Integer({ minimum: 0 })),
          cellTotalHard: Type2.Optional(Type2.Integer({ minimum: 0 }))
        },
        { additionalProperties: false }
      )
    ),
    metricsEveryTicks: Type2.Optional(Type2.Integer({ minimum: 1, default: 10 }))
  },
  { additionalProperties: false }
);

// engine/combat/content.ts
import { Type as Type3 } from "@sinclair/typebox";
var EFFECT_KINDS = ["projectile", "area", "heal", "buff", "summon", "melee"];
var Num = (min = 0) => Type3.Number({ minimum: min });
var SkillSchema = Type3.Object(
  {
    name: Type3.String(),
    effect: Type3.Union(EFFECT_KINDS.map((k) => Type3.Literal(k))),
    /** 0 = instant. */
    castS: Num(),
    cooldownS: Num(),
    costMp: Num(),
    rangeM: Num(),
    needsLos: Type3.Optional(Type3.Boolean()),
    target: Type3.Union([Type3.Literal("enemy"), Type3.Literal("self-or-ally"), Type3.Literal("none")]),
    damage: Type3.Optional(Num()),
    heal: Type3.Optional(Num()),
    speedMps: Type3.Optional(Num()),
    /** Projectile: misses if the target gets farther than this from the caster, or dies, first. */
    missRangeM: Type3.Optional(Num()),
    radiusM: Type3.Optional(Num()),
    knockbackM: Type3.Optional(Num()),
    /** Casting is cancelled by moving. */
    moveCancels: Type3.Optional(Type3.Boolean()),
    /** Casting is interrupted by taking at least this much damage (cooldown starts, mana refunded). */
    interruptDamage: Type3.Optional(Num())
  },
  { additionalProperties: false }
);
var ClassSchema = Type3.Object(
  {
    hp: Num(1),
    mp: Num(),
    mpRegenPerS: Num(),
    moveSpeedMps: Num(),
    gcdS: Num(),
    skills: Type3.Array(Type3.String(), { maxItems: 8 })
  },
  { additionalProperties: false }
);
var EnemyTypeSchema = Type3.Object(
  {
    hp: Num(1),
    aggroRadiusM: Num(),
    idleWanderM: Num(),
    idleSpeedMps: Num(),
    pursueSpeedMps: Num(),
    leashM: Num(),
    attackRangeM: Num(),
    windupS: Num(),
    coneDeg: Num(),
    coneRadiusM: Num(),
    damage: Num(),
    recoverS: Num(),
    /** Damage multiplier while recovering (1.25 = takes 25 % more). */
    recoverDamageMul: Num()
  },
  { additionalProperties: false }
);
var CombatContentSchema = Type3.Object(
  {
    classes: Type3.Optional(Type3.Record(Type3.String(), Type3.Partial(ClassSchema))),
    skills: Type3.Optional(Type3.Record(Type3.String(), Type3.Partial(SkillSchema))),
    enemies: Type3.Optional(Type3.Record(Type3.String(), Type3.Partial(EnemyTypeSchema))),
    /** Player life: i-frames and respawn. */
    life: Type3.Optional(
      Type3.Object(
        {
          hitIframesS: Type3.Optional(Num()),
          respawnIframesS: Type3.Optional(Num()),
          respawnS: Type3.Optional(Num())
        },
        { additionalProperties: false }
      )
    ),
    /** Respawn points (the nearest one is used). */
    shrines: Type3.Optional(
      Type3.Array(Type3.Object({ x: Type3.Number(), y: Type3.Number() }, { additionalProperties: false }))
    )
  },
  { additionalProperties: false }
);
var DEFAULT_CONTENT = {
  classes: {
    mage: {
      hp: 100,
      mp: 100,
      mpRegenPerS: 6,
      moveSpeedMps: 5,
      gcdS: 0.5,
      skills: ["magic-missile", "arcane-nova", "heal"]
    }
  },
  skills: {
    "magic-missile": {
      name: "Magic Missile",
      effect: "projectile",
      castS: 0,
      cooldownS: 0.8,
      costMp: 8,
      rangeM: 14,
      needsLos: true,
      target: "enemy",
      damage: 14,
      speedMps: 20,
      missRangeM: 18
    },
    "arcane-nova": {
      name: "Arcane Nova",
      effect: "area",
      castS: 0.3,
      cooldownS: 8,
      costMp: 25,
      rangeM: 0,
      target: "none",
      damage: 32,
      radiusM: 4.5,
      knockbackM: 2.5
    },
    heal: {
      name: "Heal",
      effect: "heal",
      castS: 1.2,
      cooldownS: 10,
      costMp: 30,
      rangeM: 10,
      target: "self-or-ally",
      heal: 40,
      moveCancels: true,
      interruptDamage: 20
    }
  },
  enemies: {
    grunt: {
      hp: 80,
      aggroRadiusM: 8,
      idleWanderM: 3,
      idleSpeedMps: 1.2,
      pursueSpeedMps: 4,
      leashM: 20,
      attackRangeM: 1.8,
      windupS: 0.6,
      coneDeg: 90,
      coneRadiusM: 2.2,
      damage: 15,
      recoverS: 0.8,
      recoverDamageMul: 1.25
    }
  },
  life: { hitIframesS: 0.4, respawnIframesS: 2, respawnS: 5 },
  shrines: [{ x: 5, y: 5 }]
};
function resolveContent(o = {}) {
  const merge = (base, over) => {
    const out = { ...base };
    for (const [k, v] of Object.entries(over ?? {})) out[k] = { ...base[k] ?? {}, ...v };
    return out;
  };
  return {
    classes: merge(DEFAULT_CONTENT.classes, o.classes),
    skills: merge(DEFAULT_CONTENT.skills, o.skills),
    enemies: merge(DEFAULT_CONTENT.enemies, o.enemies),
    life: { ...DEFAULT_CONTENT.life, ...o.life ?? {} },
    shrines: o.shrines ?? DEFAULT_CONTENT.shrines
  };
}

// lab/scenario/schema.ts
var Num2 = (o) => Type4.Number({
  ...o.min !== void 0 ? { minimum: o.min } : {},
  ...o.max !== void 0 ? { maximum: o.max } : {},
  ...o.exclusiveMin !== void 0 ? { exclusiveMinimum: o.exclusiveMin } : {},
  ...o.default !== void 0 ? { default: o.default } : {},
  ...o.description ? { description: o.description } : {}
});
var Int = (o) => Type4.Integer({
  ...o.min !== void 0 ? { minimum: o.min } : {},
  ...o.max !== void 0 ? { maximum: o.max } : {},
  ...o.default !== void 0 ? { default: o.default } : {},
  ...o.description ? { description: o.description } : {}
});
var WorldSchema = Type4.Object(
  {
    zonesX: Int({ min: 1, max: 64, default: 1, description: "Zones along x." }),
    zonesY: Int({ min: 1, max: 64, default: 1, description: "Zones along y." }),
    zoneWidthM: Num2({ exclusiveMin: 0, description: "Width of each zone in metres." }),
    zoneHeightM: Num2({ exclusiveMin: 0, description: "Height of each zone in metres." }),
    cellM: Num2({ exclusiveMin: 0, description: "Spatial grid cell size in metres." }),
    edge: Type4.Optional(
      Type4.Union([Type4.Literal("bounce"), Type4.Literal("stop"), Type4.Literal("wrap")], {
        description: "What agents do at the world edge (wrap: a torus)."
      })
    ),
    biomes: Type4.Optional(
      Type4.Array(Type4.String({ minLength: 1 }), { description: "Biome per zone, cycled." })
    )
  },
  { additionalProperties: false }
);
var WanderersSchema = Type4.Object(
  {
    count: Int({ min: 0, description: "Wanderers in the whole world." }),
    speedMps: Type4.Optional(Num2({ min: 0 })),
    avoidRadiusM: Type4.Optional(Num2({ exclusiveMin: 0 })),
    avoidWeight: Type4.Optional(Num2({ min: 0 })),
    turnRad: Type4.Optional(Num2({ min: 0 }))
  },
  { additionalProperties: false }
);
var SystemUseSchema = Type4.Object(
  {
    use: Type4.String({ minLength: 1, description: "System name." }),
    params: Type4.Optional(Type4.Record(Type4.String(), Type4.Unknown()))
  },
  { additionalProperties: false }
);
var ScenarioSchema = Type4.Object(
  {
    $schema: Type4.Optional(Type4.String()),
    name: Type4.String({ minLength: 1 }),
    description: Type4.Optional(Type4.String()),
    kind: Type4.Union([
      Type4.Literal("ecosystem"),
      Type4.Literal("combat"),
      Type4.Literal("load"),
      Type4.Literal("bench")
    ]),
    seed: Type4.Optional(
      Type4.Union([Type4.Integer({ minimum: 0, maximum: 4294967295 }), Type4.String({ minLength: 1 })])
    ),
    ticks: Int({ min: 1, description: "Ticks to run." }),
    tickRate: Type4.Optional(
      Num2({ exclusiveMin: 0, max: 1e3, default: 20, description: "Ticks per second of simulation time." })
    ),
    world: WorldSchema,
    wanderers: Type4.Optional(WanderersSchema),
    species: Type4.Optional(
      Type4.Array(SpeciesSchema, {
        description: "Wild creatures: genomes, diet, energy, reproduction, caps."
      })
    ),
    grass: Type4.Optional(GrassSchema),
    ecology: Type4.Optional(EcologySettingsSchema),
    content: Type4.Optional(CombatContentSchema),
    enemies: Type4.Optional(
      Type4.Record(Type4.String(), Type4.Integer({ minimum: 0 }), {
        description: "Enemies placed at the start, by type (spread over zones)."
      })
    ),
    bots: Type4.Optional(
      Type4.Object(
        {
          count: Type4.Integer({ minimum: 0, description: "In-process bots (players) over the whole world." }),
          moveEveryS: Type4.Optional(Type4.Number({ minimum: 0 })),
          castEveryS: Type4.Optional(Type4.Number({ minimum: 0 })),
          chatEveryS: Type4.Optional(Type4.Number({ minimum: 0 })),
          captureEveryS: Type4.Optional(Type4.Number({ minimum: 0 }))
        },
        {
          additionalProperties: false,
          description: "Scripted bots that move, cast, chat and capture (kind: load)."
        }
      )
    ),
    systems: Type4.Optional(Type4.Array(SystemUseSchema))
  },
  {
    additionalProperties: false,
    $id: "https://arcane-realms.dev/scenario.schema.json",
    title: "Arcane Realms scenario"
  }
);

// lab/scenario/load.ts
var ScenarioError = class extends Error {
  constructor(issues) {
    super(issues.map(formatIssue).join("\n"));
    this.issues = issues;
    this.name = "ScenarioError";
  }
  issues;
};
function formatIssue(i) {
  return `${i.file}:${i.line}:${i.column}: ${i.path || "(root)"}: ${i.message}`;
}
function formatPath(path) {
  let out = "";
  for (const p of path) out += typeof p === "number" ? `[${p}]` : out ? `.${p}` : p;
  return out;
}
function parseOverride(raw) {
  const eq = raw.indexOf("=");
  if (eq <= 0)
    throw new ScenarioError([
      { file: "--set", line: 0, column: 0, path: raw, message: `expected path=value, got '${raw}'` }
    ]);
  const path = raw.slice(0, eq).trim().split(".").flatMap((seg) => seg.split(/\[(\d+)\]/).filter((s) => s !== ""));
  const doc = parseDocument(raw.slice(eq + 1));
  return { raw, path, value: doc.errors.length ? raw.slice(eq + 1) : doc.toJS() };
}
var semanticChecks = [];
function registerSemanticCheck(check) {
  if (!semanticChecks.includes(check)) semanticChecks.push(check);
}
var ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
var validate = ajv.compile(ScenarioSchema);
function parseScenario(text, o = {}) {
  const file = o.file ?? "<scenario>";
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset) => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntax = [...doc.errors];
  if (syntax.length)
    throw new ScenarioError(
      syntax.map((e) => ({
        file,
        ...at(e.pos[0]),
        path: "",
        message: `YAML syntax: ${e.message.split("\n")[0]}`
      }))
    );
  if (!isMap(doc.contents))
    throw new ScenarioError([
      {
        file,
        line: 1,
        column: 1,
        path: "",
        message: "expected a mapping of scenario sections (name, kind, ticks, world, \u2026)"
      }
    ]);
  const overridden = /* @__PURE__ */ new Map();
  const issues = [];
  for (const raw of o.overrides ?? []) {
    try {
      const ov = parseOverride(raw);
      const resolved = resolveOverridePath(doc, ov.path);
      doc.setIn(resolved, doc.createNode(ov.value));
      overridden.set(formatPath(resolved), ov.raw);
    } catch (err) {
      const msg = err instanceof ScenarioError ? err.issues[0].message : err.message;
      issues.push({ file: "--set", line: 0, column: 0, path: raw, message: msg });
    }
  }
  if (issues.length) throw new ScenarioError(issues);
  const data = doc.toJS();
  const locate = (path, key) => {
    const p = formatPath(path);
    const via = [...overridden.keys()].find((k) => p === k || p.startsWith(k + ".") || p.startsWith(k + "["));
    if (via) return { file: `--set ${overridden.get(via)}`, line: 0, column: 0 };
    return { file, ...at(nodeOffset(doc, path, key)) };
  };
  if (!validate(data)) {
    for (const e of simplifyErrors(validate.errors ?? [])) {
      const path = pointerToPath(e.instancePath);
      const extra = e.keyword === "additionalProperties" ? String(e.params.additionalProperty) : void 0;
      const fullPath = extra ? [...path, extra] : e.keyword === "required" ? [...path, String(e.params.missingProperty)] : path;
      issues.push({ ...locate(path, extra), path: formatPath(fullPath), message: describeError(e) });
    }
    throw new ScenarioError(dedupe(issues));
  }
  for (const check of semanticChecks)
    for (const p of check(data))
      issues.push({ ...locate(p.path), path: formatPath(p.path), message: p.message });
  if (issues.length) throw new ScenarioError(dedupe(issues));
  return data;
}
function resolveOverridePath(doc, path) {
  const out = [];
  let node = doc.contents;
  for (const seg of path) {
    if (isSeq(node)) {
      let idx = /^\d+$/.test(seg) ? Number(seg) : node.items.findIndex((it) => isMap(it) && (it.get("name") === seg || it.get("id") === seg));
      if (idx < 0) throw new Error(`no item named '${seg}' in ${formatPath(out) || "the scenario"}`);
      if (idx > node.items.length) idx = node.items.length;
      out.push(idx);
      node = node.items[idx];
    } else {
      out.push(seg);
      node = isMap(node) ? node.get(seg, true) : void 0;
    }
  }
  return out;
}
function nodeOffset(doc, path, key) {
  let node = doc.contents;
  for (const seg of path) {
    const next = isMap(node) || isSeq(node) ? node.get(seg, true) : void 0;
    if (next === void 0 || next === null) break;
    node = next;
  }
  if (key !== void 0 && isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  const range = node?.range;
  return range ? range[0] : 0;
}
function pointerToPath(pointer) {
  if (!pointer) return [];
  return pointer.slice(1).split("/").map((s) => s.replace(/~1/g, "/").replace(/~0/g, "~")).map((s) => /^\d+$/.test(s) ? Number(s) : s);
}
function simplifyErrors(errors) {
  const unionPaths = new Set(errors.filter((e) => e.keyword === "anyOf").map((e) => e.instancePath));
  return errors.filter(
    (e) => e.keyword === "anyOf" || !unionPaths.has(e.instancePath) || e.keyword === "additionalProperties"
  );
}
function describeError(e) {
  const got = e.data === void 0 ? "" : ` (got ${JSON.stringify(e.data)?.slice(0, 60)})`;
  switch (e.keyword) {
    case "additionalProperties": {
      const allowed = Object.keys(e.parentSchema?.properties ?? {}).filter(
        (k) => k !== "$schema"
      );
      return `unknown key '${e.params.additionalProperty}'; expected one of: ${allowed.join(", ")}`;
    }
    case "required":
      return `missing required key '${e.params.missingProperty}'`;
    case "anyOf": {
      const branches = (e.schema ?? []).map(
        (b) => b.const !== void 0 ? JSON.stringify(b.const) : b.type ?? "object"
      );
      return `expected ${branches.length > 1 ? "one of " : ""}${branches.join(", ")}${got}`;
    }
    case "type":
      return `expected ${e.params.type}${got}`;
    case "enum":
      return `expected one of ${(e.params.allowedValues ?? []).map((v) => JSON.stringify(v)).join(", ")}${got}`;
    case "minimum":
    case "maximum":
    case "exclusiveMinimum":
    case "exclusiveMaximum":
    case "minLength":
    case "maxLength":
    case "minItems":
    case "maxItems":
      return `${e.message}${got}`;
    default:
      return `${e.message ?? "invalid"}${got}`;
  }
}
function dedupe(issues) {
  const seen = /* @__PURE__ */ new Set();
  return issues.filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}

// engine/rng/rng.ts
import seedrandom from "seedrandom";
function seedToU32(seed) {
  if (typeof seed === "number" && Number.isInteger(seed) && seed >= 0 && seed <= 4294967295)
    return seed >>> 0;
  return fnv1a(String(seed));
}
function fnv1a(text) {
  let h = 2166136261;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 16777619);
  }
  return h >>> 0;
}
function streamFor(seed, zone, tick, purpose) {
  return seedrandom.alea(`${seed >>> 0}:${zone}:${tick}:${purpose}`);
}
function hash32(a, b, c, d) {
  let h = Math.imul(a ^ 2654435769, 2246822507);
  h = Math.imul(h ^ h >>> 13 ^ b, 3266489909);
  h = Math.imul(h ^ h >>> 16 ^ c, 668265263);
  h = Math.imul(h ^ h >>> 15 ^ d, 374761393);
  h ^= h >>> 16;
  h = Math.imul(h, 2246822507);
  h ^= h >>> 13;
  h = Math.imul(h, 3266489909);
  h ^= h >>> 16;
  return h >>> 0;
}
function hash01(a, b, c, d) {
  return hash32(a, b, c, d) / 4294967296;
}
function gaussian(rng) {
  let u = rng();
  while (u <= 0) u = rng();
  const v = rng();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// engine/zone/grid.ts
function buildGrid(z) {
  const n = z.count;
  const g = z.geometry;
  const x = z.f.x;
  const y = z.f.y;
  const { cellStart, cellOf, order } = z;
  const cells = z.cells;
  const inv = 1 / g.cellM;
  const cxMax = g.cellsX - 1;
  const cyMax = g.cellsY - 1;
  cellStart.fill(0);
  for (let i = 0; i < n; i++) {
    let cx = Math.floor((x[i] - g.x0) * inv);
    let cy = Math.floor((y[i] - g.y0) * inv);
    cx = cx < 0 ? 0 : cx > cxMax ? cxMax : cx;
    cy = cy < 0 ? 0 : cy > cyMax ? cyMax : cy;
    const c = cy * g.cellsX + cx;
    cellOf[i] = c;
    cellStart[c + 1]++;
  }
  for (let c = 0; c < cells; c++) cellStart[c + 1] += cellStart[c];
  const cursor = scratchCursor(cells);
  cursor.set(cellStart.subarray(0, cells));
  for (let i = 0; i < n; i++) order[cursor[cellOf[i]]++] = i;
}
var cursorCache = new Int32Array(0);
function scratchCursor(cells) {
  if (cursorCache.length < cells) cursorCache = new Int32Array(cells);
  return cursorCache.subarray(0, cells);
}

// engine/zone/layout.ts
var FIELD_ARRAYS = {
  f32: Float32Array,
  f64: Float64Array,
  i32: Int32Array,
  u32: Uint32Array,
  i16: Int16Array,
  u16: Uint16Array,
  i8: Int8Array,
  u8: Uint8Array
};
var ENTITY_KIND = {
  none: 0,
  wanderer: 1,
  player: 2,
  enemy: 3,
  creature: 4,
  projectile: 5,
  pickup: 6
};
var FLAG = {
  /** Despawned this tick; removed at the barrier. Systems skip it. */
  removed: 1,
  /** Leaving for another zone this tick; moved at the barrier. Systems skip it. */
  migrating: 2,
  /** Dead but still in the world (a player waiting to respawn). */
  dead: 4
};
var CORE_FIELDS = [
  { name: "id", type: "u32" },
  { name: "kind", type: "u8" },
  { name: "flags", type: "u8" },
  { name: "type", type: "u16" },
  { name: "x", type: "f32" },
  { name: "y", type: "f32" },
  { name: "vx", type: "f32" },
  { name: "vy", type: "f32" },
  { name: "hp", type: "f32" },
  { name: "owner", type: "u32" }
];
var HEADER = {
  /** Live entities at indices [0, count). */
  count: 0,
  /** Entities spawned during the current tick, staged at [count, count + staged). */
  staged: 1,
  /** In a backup buffer: the tick whose starting state it holds. */
  backupTick: 2,
  size: 8
};
function buildLayout(parts) {
  const resolve = (specs, what) => {
    const byName = /* @__PURE__ */ new Map();
    for (const s of specs) {
      const width = s.width ?? 1;
      if (!Number.isInteger(width) || width < 1)
        throw new Error(`${what} field '${s.name}': width must be a positive integer`);
      const prev = byName.get(s.name);
      if (prev) {
        if (prev.type !== s.type || prev.width !== width)
          throw new Error(
            `${what} field '${s.name}' declared twice with different types (${prev.type}\xD7${prev.width} vs ${s.type}\xD7${width})`
          );
        continue;
      }
      byName.set(s.name, {
        name: s.name,
        type: s.type,
        width,
        bytesPerElement: FIELD_ARRAYS[s.type].BYTES_PER_ELEMENT
      });
    }
    return [...byName.values()];
  };
  return {
    entity: resolve([...CORE_FIELDS, ...parts.entity], "entity"),
    cell: resolve(parts.cell, "cell"),
    scalars: [...new Set(parts.scalars)]
  };
}
function bytesPerEntity(layout) {
  return layout.entity.reduce((s, f) => s + f.width * f.bytesPerElement, 0);
}
var align8 = (n) => n + 7 & ~7;
function stateOffsets(layout, capacity, cells) {
  let at = 0;
  const header = at;
  at = align8(at + HEADER.size * 4);
  const scalars = at;
  at = align8(at + layout.scalars.length * 8);
  const cell = layout.cell.map((f) => {
    const off = at;
    at = align8(at + cells * f.width * f.bytesPerElement);
    return off;
  });
  const entity = layout.entity.map((f) => {
    const off = at;
    at = align8(at + capacity * f.width * f.bytesPerElement);
    return off;
  });
  return { header, scalars, cell, entity, totalBytes: at };
}

// engine/world/system.ts
function zoneAt(world, x, y) {
  const zw = world.widthM / world.zonesX;
  const zh = world.heightM / world.zonesY;
  let zx = Math.floor(x / zw);
  let zy = Math.floor(y / zh);
  zx = zx < 0 ? 0 : zx >= world.zonesX ? world.zonesX - 1 : zx;
  zy = zy < 0 ? 0 : zy >= world.zonesY ? world.zonesY - 1 : zy;
  return zy * world.zonesX + zx;
}

// ecology/genetics/spec-error.ts
function formatSpecPath(path) {
  let out = "";
  for (const item of path) {
    if (typeof item === "number") out += `[${item}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(item)) out += out === "" ? item : `.${item}`;
    else out += `[${JSON.stringify(item)}]`;
  }
  return out;
}
var SpecError = class extends Error {
  /** Where in the scenario document the problem is. */
  path;
  /** What is wrong, without the path. */
  detail;
  constructor(path, detail) {
    super(`${formatSpecPath(path)}: ${detail}`);
    this.name = "SpecError";
    this.path = [...path];
    this.detail = detail;
  }
};

// ecology/genetics/genome.ts
var LOCUS_MODE = { complete: 0, incomplete: 1, codominant: 2, additive: 3 };
var UNLINKED = 0.5;
var finite = (x) => typeof x === "number" && Number.isFinite(x);
function cumulative(weights, at, what) {
  let total = 0;
  for (const [i, w] of weights.entries()) {
    if (!finite(w) || w < 0)
      throw new SpecError([...at, i], `${what} must be a non-negative number, got ${String(w)}`);
    total += w;
  }
  if (!(total > 0)) throw new SpecError(at, `${what} must not all be zero`);
  let acc = 0;
  const cdf = weights.map((w) => acc += w / total);
  cdf[cdf.length - 1] = 1;
  return cdf;
}
function compileGenome(def, base = []) {
  const loci = def?.loci ?? [];
  const L = loci.length;
  const names = [];
  const seen = /* @__PURE__ */ new Set();
  const discrete = [];
  const alleles = [];
  const classNames = [];
  const alleleCount = new Int32Array(L);
  const alleleBase = new Int32Array(L + 1);
  const pairBase = new Int32Array(L + 1);
  const initBase = new Int32Array(L + 1);
  const alleleValue = [];
  const dominanceRank = [];
  const mutProb = [];
  const pairMode = [];
  const pairValue = [];
  const pairClass = [];
  const mutCdf = [];
  const initValue = [];
  const initCdf = [];
  const initialMean = new Float64Array(L);
  const initialSd = new Float64Array(L);
  const mutationRate = new Float64Array(L);
  const mutationSd = new Float64Array(L);
  const polyLoci = /* @__PURE__ */ new Map();
  const mutates = new Uint8Array(L);
  function compileDiscrete(locus, l, at) {
    const names2 = locus.alleles;
    const K = names2.length;
    const index = /* @__PURE__ */ new Map();
    names2.forEach((n, a) => {
      if (index.has(n)) throw new SpecError([...at, "alleles", a], `allele '${n}' is declared twice`);
      index.set(n, a);
    });
    const known = `(alleles: ${names2.join(", ")})`;
    discrete.push(true);
    alleles.push([...names2]);
    alleleCount[l] = K;
    for (const k of Object.keys(locus.values ?? {}))
      if (!index.has(k)) throw new SpecError([...at, "values", k], `unknown allele '${k}' ${known}`);
    const values = names2.map((n, a) => locus.values?.[n] ?? (a === 0 ? 1 : 0));
    const dominance = locus.dominance ?? names2;
    if (dominance.length !== K || new Set(dominance).size !== K || dominance.some((d) => !index.has(d)))
      throw new SpecError(
        [...at, "dominance"],
        `dominance must list every allele once, most dominant first ${known}`
      );
    const rank = new Array(K);
    dominance.forEach((n, r) => rank[index.get(n)] = r);
    const modes = /* @__PURE__ */ new Map();
    for (const [key, m2] of Object.entries(locus.pairModes ?? {})) {
      const [x, y, ...rest] = key.split("/");
      if (rest.length || !index.has(x) || !index.has(y) || x === y)
        throw new SpecError(
          [...at, "pairModes", key],
          `a pair is written 'a/b' with two different alleles ${known}`
        );
      modes.set(`${index.get(x)}/${index.get(y)}`, LOCUS_MODE[m2]);
      modes.set(`${index.get(y)}/${index.get(x)}`, LOCUS_MODE[m2]);
    }
    const defaultMode = LOCUS_MODE[locus.mode ?? "complete"];
    const classes = [...names2];
    const classOf = /* @__PURE__ */ new Map();
    for (let a = 0; a < K; a++) {
      alleleValue.push(values[a]);
      dominanceRank.push(rank[a]);
    }
    for (let a = 0; a < K; a++)
      for (let b = 0; b < K; b++) {
        if (a === b) {
          pairMode.push(LOCUS_MODE.complete);
          pairValue.push(values[a]);
          pairClass.push(a);
          continue;
        }
        const mode2 = modes.get(`${a}/${b}`) ?? defaultMode;
        const [dom, rec] = rank[a] < rank[b] ? [a, b] : [b, a];
        pairMode.push(mode2);
        if (mode2 === LOCUS_MODE.complete) {
          pairValue.push(values[dom]);
          pairClass.push(dom);
        } else {
          pairValue.push((values[a] + values[b]) / 2);
          const label = `${names2[dom]}/${names2[rec]}`;
          if (!classOf.has(label)) classOf.set(label, classes.push(label) - 1);
          pairClass.push(classOf.get(label));
        }
      }
    classNames.push(classes);
    for (const k of Object.keys(locus.initial ?? {}))
      if (!index.has(k)) throw new SpecError([...at, "initial", k], `unknown allele '${k}' ${known}`);
    const freq = names2.map((n) => locus.initial?.[n] ?? (locus.initial ? 0 : 1));
    const cdf = cumulative(freq, [...at, "initial"], "starting frequencies");
    for (let a = 0; a < K; a++) {
      initValue.push(a);
      initCdf.push(cdf[a]);
    }
    const m = locus.mutation;
    const rate = typeof m === "number" ? m : m?.rate;
    const matrix = typeof m === "object" ? m.matrix : void 0;
    const mAt = [...at, "mutation"];
    if (matrix && (matrix.length !== K || matrix.some((row) => row.length !== K)))
      throw new SpecError(
        [...mAt, "matrix"],
        `the mutation matrix must be ${K}\xD7${K}, one row and column per allele ${known}`
      );
    for (let a = 0; a < K; a++) {
      let p = rate ?? 0;
      let weights = names2.map((_, b) => b === a ? 0 : 1);
      if (matrix) {
        weights = matrix[a].map((w, b) => b === a ? 0 : w);
        if (rate === void 0) {
          const sum = matrix[a].reduce((s, w) => s + w, 0);
          if (Math.abs(sum - 1) > 1e-6)
            throw new SpecError(
              [...mAt, "matrix", a],
              `without a rate, each row gives the chances per birth and must sum to 1 (got ${sum})`
            );
          p = 1 - matrix[a][a];
        }
      }
      const out = weights.reduce((s, w) => s + w, 0);
      if (p > 0 && K > 1 && !(out > 0))
        throw new SpecError(
          [...mAt, "matrix", a],
          `allele '${names2[a]}' mutates but its row gives no other allele`
        );
      mutProb.push(K > 1 ? p : 0);
      if (K > 1 && p > 0) mutates[l] = 1;
      let acc = 0;
      for (let b = 0; b < K; b++) mutCdf.push(out > 0 ? acc += weights[b] / out : 0);
    }
  }
  function compileQuantitative(locus, l, at) {
    discrete.push(false);
    alleles.push([]);
    classNames.push([]);
    const init = locus.initial ?? {};
    initialMean[l] = init.mean ?? 0;
    initialSd[l] = init.sd ?? 0.1;
    if (init.values) {
      const n = init.values.length;
      const freq = init.frequencies ?? init.values.map(() => 1);
      if (freq.length !== n)
        throw new SpecError(
          [...at, "initial", "frequencies"],
          `frequencies must give one chance per value (${n})`
        );
      const cdf = cumulative(freq, [...at, "initial", "frequencies"], "frequencies");
      init.values.forEach((v, i) => {
        initValue.push(v);
        initCdf.push(cdf[i]);
      });
    } else if (init.frequencies)
      throw new SpecError([...at, "initial", "frequencies"], "frequencies need values");
    mutationRate[l] = locus.mutation && locus.mutation.sd > 0 ? locus.mutation.rate : 0;
    if (mutationRate[l] > 0) mutates[l] = 1;
    mutationSd[l] = locus.mutation?.sd ?? 0;
    const t = locus.trait ?? locus.name;
    if (!polyLoci.has(t)) polyLoci.set(t, []);
    polyLoci.get(t).push(l);
  }
  loci.forEach((locus, l) => {
    const at = [...base, "loci", l];
    if (seen.has(locus.name)) throw new SpecError([...at, "name"], `locus '${locus.name}' is declared twice`);
    seen.add(locus.name);
    names.push(locus.name);
    alleleBase[l] = alleleValue.length;
    pairBase[l] = pairValue.length;
    initBase[l] = initValue.length;
    if (locus.kind === "discrete") compileDiscrete(locus, l, at);
    else compileQuantitative(locus, l, at);
  });
  alleleBase[L] = alleleValue.length;
  pairBase[L] = pairValue.length;
  initBase[L] = initValue.length;
  const polygenic = [];
  for (const [name, idx] of polyLoci) {
    const l = names.indexOf(name);
    if (l >= 0 && !idx.includes(l))
      throw new SpecError(
        [...base, "loci", idx[0], "trait"],
        `polygenic trait '${name}' has the name of another locus`
      );
    polygenic.push({ name, loci: idx, noiseSd: Math.sqrt(def?.noise?.[name] ?? 0) });
  }
  for (const k of Object.keys(def?.noise ?? {}))
    if (!polyLoci.has(k))
      throw new SpecError(
        [...base, "noise", k],
        `no polygenic trait '${k}' (traits: ${[...polyLoci.keys()].join(", ") || "none"})`
      );
  const chromOf = /* @__PURE__ */ new Map();
  loci.forEach((locus, l) => {
    const c = locus.chromosome ?? `\0${locus.name}`;
    if (!chromOf.has(c)) chromOf.set(c, []);
    chromOf.get(c).push(l);
  });
  const chromosomes = [];
  const chromosomeNames = [];
  const recombination = new Float64Array(L);
  const order = [];
  const switchBefore = [];
  for (const [c, members] of chromOf) {
    const positioned = members.filter((l) => loci[l].positionCM !== void 0);
    if (positioned.length > 0 && positioned.length < members.length) {
      const l = members.find((m) => loci[m].positionCM === void 0);
      throw new SpecError(
        [...base, "loci", l, "positionCM"],
        `give positionCM to every locus of chromosome '${c}' or to none`
      );
    }
    const along = positioned.length ? [...members].sort((a, b) => loci[a].positionCM - loci[b].positionCM || a - b) : members;
    along.forEach((l, k) => {
      let r = UNLINKED;
      if (k > 0) {
        const prev = loci[along[k - 1]];
        const pos = loci[l].positionCM;
        if (loci[l].recombination !== void 0) r = loci[l].recombination;
        else if (pos !== void 0 && prev.positionCM !== void 0)
          r = 0.5 * (1 - Math.exp(-2 * (pos - prev.positionCM) / 100));
      } else if (loci[l].recombination !== void 0 && members.length > 1)
        throw new SpecError(
          [...base, "loci", l, "recombination"],
          `'${loci[l].name}' is the first locus of chromosome '${c}': there is no previous locus`
        );
      recombination[l] = r;
      order.push(l);
      switchBefore.push(r);
    });
    chromosomes.push(along);
    chromosomeNames.push(c.startsWith("\0") ? c.slice(1) : c);
  }
  return {
    loci: L,
    width: 2 * L,
    names,
    locusIndex: new Map(names.map((n, l) => [n, l])),
    discrete,
    alleles,
    alleleCount,
    alleleBase,
    alleleValue: Float64Array.from(alleleValue),
    dominanceRank: Int32Array.from(dominanceRank),
    pairBase,
    pairMode: Uint8Array.from(pairMode),
    pairValue: Float64Array.from(pairValue),
    pairClass: Int32Array.from(pairClass),
    classNames,
    mutProb: Float64Array.from(mutProb),
    mutCdf: Float64Array.from(mutCdf),
    mutates,
    mutationRate,
    mutationSd,
    initBase,
    initValue: Float64Array.from(initValue),
    initCdf: Float64Array.from(initCdf),
    initialMean,
    initialSd,
    meiosisOrder: Int32Array.from(order),
    switchBefore: Float64Array.from(switchBefore),
    chromosomes,
    chromosomeNames,
    recombination,
    polygenic
  };
}
var F32 = new Float32Array(1);
var U32 = new Uint32Array(F32.buffer);

// ecology/genetics/traits.ts
import { parse } from "mathjs";

// ecology/genetics/phenotype.ts
function alleleExpression(layout, l, a, b, x) {
  if (a === b) return a === x ? 1 : 0;
  if (x !== a && x !== b) return 0;
  const K = layout.alleleCount[l];
  const mode2 = layout.pairMode[layout.pairBase[l] + a * K + b];
  if (mode2 === LOCUS_MODE.incomplete) return 0.5;
  if (mode2 === LOCUS_MODE.codominant) return 1;
  const rank = layout.dominanceRank;
  const base = layout.alleleBase[l];
  return x === (rank[base + a] < rank[base + b] ? a : b) ? 1 : 0;
}
function alleleExpressionTable(layout, l, x) {
  const K = layout.alleleCount[l];
  const t = new Float64Array(K * K);
  for (let a = 0; a < K; a++) for (let b = 0; b < K; b++) t[a * K + b] = alleleExpression(layout, l, a, b, x);
  return t;
}

// ecology/genetics/temperament.ts
var TEMPERAMENT_TRAIT = {
  aggroRadiusM: "aggroRadiusM",
  hostility: "hostility",
  hostile: "hostile"
};
var AGGRO_RADIUS_ALIAS = "aggroRadius";
var DEFAULT_HOSTILE_THRESHOLD = 0.5;

// ecology/genetics/traits.ts
var KNOWN_TRAITS = [
  "speed",
  "fertility",
  "lifespanS",
  "metabolism",
  "aggroRadius",
  "aggroRadiusM",
  "hostility",
  "hostile",
  "hunts"
];
var TRAIT_FUNCTIONS = {
  abs: { min: 1, max: 1, emit: (a) => `Math.abs(${a[0]})` },
  sqrt: { min: 1, max: 1, emit: (a) => `Math.sqrt(${a[0]})` },
  cbrt: { min: 1, max: 1, emit: (a) => `Math.cbrt(${a[0]})` },
  exp: { min: 1, max: 1, emit: (a) => `Math.exp(${a[0]})` },
  log: {
    min: 1,
    max: 2,
    emit: (a) => a.length === 1 ? `Math.log(${a[0]})` : `(Math.log(${a[0]}) / Math.log(${a[1]}))`
  },
  log10: { min: 1, max: 1, emit: (a) => `Math.log10(${a[0]})` },
  log2: { min: 1, max: 1, emit: (a) => `Math.log2(${a[0]})` },
  floor: { min: 1, max: 1, emit: (a) => `Math.floor(${a[0]})` },
  ceil: { min: 1, max: 1, emit: (a) => `Math.ceil(${a[0]})` },
  fix: { min: 1, max: 1, emit: (a) => `Math.trunc(${a[0]})` },
  round: { min: 1, max: 1, emit: (a) => `H.round(${a[0]})` },
  sign: { min: 1, max: 1, emit: (a) => `Math.sign(${a[0]})` },
  sin: { min: 1, max: 1, emit: (a) => `Math.sin(${a[0]})` },
  cos: { min: 1, max: 1, emit: (a) => `Math.cos(${a[0]})` },
  tan: { min: 1, max: 1, emit: (a) => `Math.tan(${a[0]})` },
  atan: { min: 1, max: 1, emit: (a) => `Math.atan(${a[0]})` },
  tanh: { min: 1, max: 1, emit: (a) => `Math.tanh(${a[0]})` },
  atan2: { min: 2, max: 2, emit: (a) => `Math.atan2(${a[0]}, ${a[1]})` },
  pow: { min: 2, max: 2, emit: (a) => `Math.pow(${a[0]}, ${a[1]})` },
  mod: { min: 2, max: 2, emit: (a) => `H.mod(${a[0]}, ${a[1]})` },
  min: { min: 1, max: Infinity, emit: (a) => `Math.min(${a.join(", ")})` },
  max: { min: 1, max: Infinity, emit: (a) => `Math.max(${a.join(", ")})` },
  hypot: { min: 1, max: Infinity, emit: (a) => `Math.hypot(${a.join(", ")})` },
  clamp: { min: 3, max: 3, emit: (a) => `H.clamp(${a[0]}, ${a[1]}, ${a[2]})` },
  lerp: { min: 3, max: 3, emit: (a) => `H.lerp(${a[0]}, ${a[1]}, ${a[2]})` }
};
var HELPERS = {
  // mathjs rounds halves away from zero; Math.round rounds them up.
  round: (x) => x < 0 ? -Math.round(-x) : Math.round(x),
  mod: (x, y) => y === 0 ? x : x - y * Math.floor(x / y),
  clamp: (x, lo, hi) => x < lo ? lo : x > hi ? hi : x,
  lerp: (a, b, t) => a + (b - a) * t
};
var CONSTANTS = {
  pi: Math.PI,
  PI: Math.PI,
  e: Math.E,
  E: Math.E,
  tau: 2 * Math.PI,
  phi: (1 + Math.sqrt(5)) / 2,
  Infinity: Infinity
};
var RESERVED = /* @__PURE__ */ new Set(["base", "true", "false", "NaN", ...Object.keys(CONSTANTS)]);
var NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;
var BINARY = {
  add: (a, b) => `(${a} + ${b})`,
  subtract: (a, b) => `(${a} - ${b})`,
  multiply: (a, b) => `(${a} * ${b})`,
  divide: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  mod: (a, b) => `H.mod(${a}, ${b})`,
  smaller: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  larger: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  smallerEq: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  largerEq: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  equal: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  unequal: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  and: (a, b) => `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`,
  or: (a, b) => `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`,
  xor: (a, b) => `((${a} !== 0) !== (${b} !== 0) ? 1 : 0)`
};
var UNARY = {
  unaryMinus: (a) => `(-${a})`,
  unaryPlus: (a) => `(+${a})`,
  not: (a) => `(${a} === 0 ? 1 : 0)`
};
function literal(n) {
  if (Number.isNaN(n)) return "NaN";
  if (Object.is(n, -0)) return "(-0)";
  return n < 0 ? `(${String(n)})` : String(n);
}
function genesOf(layout) {
  const genes = [];
  const taken = /* @__PURE__ */ new Set();
  for (let l = 0; l < layout.loci; l++)
    if (layout.discrete[l]) {
      genes.push({ name: layout.names[l], discrete: true, loci: [l], noiseSd: 0 });
      taken.add(layout.names[l]);
    }
  for (const p of layout.polygenic) {
    genes.push({ name: p.name, discrete: false, loci: p.loci, noiseSd: p.noiseSd });
    taken.add(p.name);
  }
  for (let l = 0; l < layout.loci; l++)
    if (!layout.discrete[l] && !taken.has(layout.names[l]))
      genes.push({ name: layout.names[l], discrete: false, loci: [l], noiseSd: 0 });
  return genes;
}
function translate(node, scope, refs, path) {
  const fail = (msg) => {
    throw new SpecError(path, msg);
  };
  const baseNames = () => Object.keys(scope.base).join(", ") || "none";
  const go = (n) => {
    switch (n.type) {
      case "ConstantNode": {
        const v = n.value;
        if (typeof v === "number") return literal(v);
        if (typeof v === "boolean") return v ? "1" : "0";
        return fail(`only numbers are allowed as constants, got ${JSON.stringify(v)}`);
      }
      case "ParenthesisNode":
        return go(n.content);
      case "SymbolNode": {
        const name = n.name;
        const t = scope.traitIndex.get(name);
        if (t !== void 0) {
          refs.traits.add(t);
          return `t${t}`;
        }
        const g = scope.geneIndex.get(name);
        if (g !== void 0) {
          refs.genes.add(g);
          return `g${g}`;
        }
        if (Object.hasOwn(CONSTANTS, name)) return literal(CONSTANTS[name]);
        if (name === "base")
          return fail(`'base' needs a stat name, e.g. base.speed (base stats: ${baseNames()})`);
        return fail(
          `unknown gene or trait '${name}' (genes: ${scope.genes.map((x) => x.name).join(", ") || "none"}; traits: ${[...scope.traitIndex.keys()].join(", ") || "none"}; base stats as base.<name>)`
        );
      }
      case "AccessorNode": {
        const acc = n;
        const dim = acc.index.dimensions;
        const key = dim.length === 1 && dim[0].type === "ConstantNode" ? dim[0].value : void 0;
        if (acc.object.type !== "SymbolNode" || !acc.index.dotNotation || typeof key !== "string")
          return fail("only base.<stat> and <locus>.<allele> can be read with a dot");
        const obj = acc.object.name;
        if (obj === "base") {
          if (!Object.hasOwn(scope.base, key))
            return fail(`unknown base stat 'base.${key}' (base stats: ${baseNames()})`);
          return literal(scope.base[key]);
        }
        const l = scope.layout.locusIndex.get(obj);
        if (l === void 0 || !scope.layout.discrete[l])
          return fail(`'${obj}.${key}': only base stats and discrete loci have fields`);
        const a = scope.layout.alleles[l].indexOf(key);
        if (a < 0)
          return fail(
            `locus '${obj}' has no allele '${key}' (alleles: ${scope.layout.alleles[l].join(", ")})`
          );
        refs.alleles.add(`${l}:${a}`);
        return `x${l}_${a}`;
      }
      case "OperatorNode": {
        const op = n;
        if (op.args.length === 1 && Object.hasOwn(UNARY, op.fn)) return UNARY[op.fn](go(op.args[0]));
        if (op.args.length >= 2 && Object.hasOwn(BINARY, op.fn)) {
          const args = op.args.map(go);
          let s = args[0];
          for (let i = 1; i < args.length; i++) s = BINARY[op.fn](s, args[i]);
          return s;
        }
        return fail(`operator '${op.op}' is not supported in trait formulas`);
      }
      case "ConditionalNode": {
        const c = n;
        return `(${go(c.condition)} !== 0 ? ${go(c.trueExpr)} : ${go(c.falseExpr)})`;
      }
      case "FunctionNode": {
        const f = n;
        const name = f.fn.type === "SymbolNode" ? f.fn.name : "?";
        const spec = Object.hasOwn(TRAIT_FUNCTIONS, name) ? TRAIT_FUNCTIONS[name] : void 0;
        if (!spec)
          return fail(`unknown function '${name}' (functions: ${Object.keys(TRAIT_FUNCTIONS).join(", ")})`);
        if (f.args.length < spec.min || f.args.length > spec.max)
          return fail(
            `${name} takes ${spec.min === spec.max ? spec.min : `${spec.min} or more`} argument(s), got ${f.args.length}`
          );
        return spec.emit(f.args.map(go));
      }
      default:
        return fail(`${n.type.replace(/Node$/, "")} expressions are not allowed in trait formulas`);
    }
  };
  return go(node);
}
function compileTraits(src, layout, at = []) {
  const base = src.base ?? {};
  for (const [k, v] of Object.entries(base))
    if (typeof v !== "number" || !Number.isFinite(v))
      throw new SpecError([...at, "base", k], `a base stat must be a number, got ${JSON.stringify(v)}`);
  const genes = genesOf(layout);
  const geneIndex = new Map(genes.map((g, i) => [g.name, i]));
  const declared = Object.entries(src.traits ?? {});
  const names = declared.map(([n]) => n);
  for (const name of names) {
    const p = [...at, "traits", name];
    if (!NAME_RE.test(name))
      throw new SpecError(p, "a trait name must be an identifier (letters, digits, _)");
    if (RESERVED.has(name)) throw new SpecError(p, `'${name}' is reserved and cannot name a trait`);
    if (geneIndex.has(name))
      throw new SpecError(
        p,
        `trait '${name}' has the name of a gene; rename the trait (e.g. '${name}Value')`
      );
  }
  const threshold = src.hostileThreshold ?? DEFAULT_HOSTILE_THRESHOLD;
  const deriveHostile = names.includes(TEMPERAMENT_TRAIT.hostility) && !names.includes(TEMPERAMENT_TRAIT.hostile);
  const allNames = deriveHostile ? [...names, TEMPERAMENT_TRAIT.hostile] : names;
  const traitIndex = new Map(allNames.map((n, i) => [n, i]));
  const scope = { layout, genes, geneIndex, base, traitIndex };
  const exprs = [];
  const refs = [];
  for (const [i, [name, formula]] of declared.entries()) {
    const p = [...at, "traits", name];
    const text = typeof formula === "number" ? String(formula) : formula;
    if (typeof text !== "string" || text.trim() === "")
      throw new SpecError(p, "a trait formula must be a non-empty string");
    let node;
    try {
      node = parse(text);
    } catch (err) {
      throw new SpecError(p, `formula does not parse: ${err.message}`);
    }
    const r = { traits: /* @__PURE__ */ new Set(), genes: /* @__PURE__ */ new Set(), alleles: /* @__PURE__ */ new Set() };
    exprs.push(translate(node, scope, r, p));
    refs.push(r);
    if (r.traits.has(i)) throw new SpecError(p, `trait '${name}' refers to itself`);
  }
  if (deriveHostile) {
    const h = traitIndex.get(TEMPERAMENT_TRAIT.hostility);
    exprs.push(`(t${h} > ${literal(threshold)} ? 1 : 0)`);
    refs.push({ traits: /* @__PURE__ */ new Set([h]), genes: /* @__PURE__ */ new Set(), alleles: /* @__PURE__ */ new Set() });
  }
  const order = [];
  const state = new Uint8Array(allNames.length);
  const visit = (i, stack) => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = [...stack.slice(stack.indexOf(i)), i].map((k) => allNames[k]).join(" \u2192 ");
      throw new SpecError([...at, "traits", allNames[i]], `traits depend on each other in a cycle: ${cycle}`);
    }
    state[i] = 1;
    for (const d of refs[i].traits) visit(d, [...stack, i]);
    state[i] = 2;
    order.push(i);
  };
  for (let i = 0; i < allNames.length; i++) visit(i, []);
  const genesUsed = [...new Set(refs.flatMap((r) => [...r.genes]))].sort((a, b) => a - b);
  const allelesUsed = [...new Set(refs.flatMap((r) => [...r.alleles]))].sort();
  const lociUsed = /* @__PURE__ */ new Set();
  for (const g of genesUsed) if (genes[g].discrete) lociUsed.add(genes[g].loci[0]);
  for (const key of allelesUsed) lociUsed.add(Number(key.split(":")[0]));
  const noisy = genesUsed.filter((g) => genes[g].noiseSd > 0);
  const lines = [];
  for (const l of [...lociUsed].sort((a, b) => a - b))
    lines.push(`const a${l} = G[o + ${2 * l}], b${l} = G[o + ${2 * l + 1}];`);
  for (const g of genesUsed) {
    const gene = genes[g];
    if (gene.discrete) {
      const l = gene.loci[0];
      lines.push(`const g${g} = PV[${layout.pairBase[l]} + a${l} * ${layout.alleleCount[l]} + b${l}];`);
    } else {
      const terms = gene.loci.flatMap((l) => [`G[o + ${2 * l}]`, `G[o + ${2 * l + 1}]`]);
      const j = noisy.indexOf(g);
      const noise = j >= 0 ? ` + ${literal(gene.noiseSd)} * (rng !== null ? gauss(rng) : Z !== null ? Z[${j}] : 0)` : "";
      lines.push(`const g${g} = ${terms.join(" + ") || "0"}${noise};`);
    }
  }
  let exSize = 0;
  for (const key of allelesUsed) exSize += layout.alleleCount[Number(key.split(":")[0])] ** 2;
  const EXF = new Float64Array(exSize);
  let exAt = 0;
  for (const key of allelesUsed) {
    const [l, a] = key.split(":").map(Number);
    const table = alleleExpressionTable(layout, l, a);
    EXF.set(table, exAt);
    lines.push(`const x${l}_${a} = EXF[${exAt} + a${l} * ${layout.alleleCount[l]} + b${l}];`);
    exAt += table.length;
  }
  for (const i of order) {
    lines.push(`let t${i} = ${exprs[i]};`);
    if (allNames[i] === TEMPERAMENT_TRAIT.hostility)
      lines.push(`t${i} = t${i} > 1 ? 1 : t${i} >= 0 ? t${i} : 0;`);
    if (allNames[i] === TEMPERAMENT_TRAIT.aggroRadiusM || allNames[i] === AGGRO_RADIUS_ALIAS)
      lines.push(`t${i} = t${i} >= 0 ? t${i} : 0;`);
  }
  for (let i = 0; i < allNames.length; i++) lines.push(`out[oo + ${i}] = t${i};`);
  const source = `"use strict";
return function evaluateTraits(G, o, out, oo, rng, Z) {
  ${lines.join("\n  ")}
};`;
  const fn = new Function("PV", "EXF", "gauss", "H", source)(layout.pairValue, EXF, gaussian, HELPERS);
  return {
    names: allNames,
    width: allNames.length,
    index: traitIndex,
    noisyGenes: noisy.map((g) => genes[g].name),
    source,
    evaluate: (genomes, off, out, outOff, rng) => fn(genomes, off, out, outOff, rng, null),
    evaluateAt: (genomes, off, out, outOff, z) => fn(genomes, off, out, outOff, null, z)
  };
}

// ecology/life/ecology-system.ts
var SKIP = FLAG.removed | FLAG.migrating | FLAG.dead;
function genetics(def, index) {
  const layout = compileGenome(def.genome, ["species", index, "genome"]);
  const program = compileTraits({ base: def.base, traits: def.traits }, layout, ["species", index]);
  const trait = Object.fromEntries(
    KNOWN_TRAITS.map((t) => [t, program.names.indexOf(t)])
  );
  return { layout, program, trait };
}
var bornCache = new Int32Array(0);
var EMPTY = new Float32Array(0);
var eligible = new Int32Array(256);

// ecology/plugin.ts
var ECOLOGY_PLUGIN = new URL(import.meta.url).href;

// engine/combat/combat-system.ts
var GONE = FLAG.removed | FLAG.migrating;
var scratchBuf = new Int32Array(1024);
var idIndex = new Int32Array(1 << 16);

// engine/combat/plugin.ts
var COMBAT_PLUGIN = new URL(import.meta.url).href;

// lab/load/bot-system.ts
var BOT_OWNER_BASE = 2147483648;
var SKIP2 = FLAG.removed | FLAG.migrating | FLAG.dead;

// lab/load/plugin.ts
var LOAD_PLUGIN = new URL(import.meta.url).href;

// lab/scenario/ecology-checks.ts
registerSemanticCheck((s) => {
  const issues = [];
  const species = s.species ?? [];
  const names = species.map((sp) => sp.name);
  const seen = /* @__PURE__ */ new Set();
  species.forEach((sp, i) => {
    if (seen.has(sp.name))
      issues.push({ path: ["species", i, "name"], message: `species '${sp.name}' is declared twice` });
    seen.add(sp.name);
    (sp.prey ?? []).forEach((p, k) => {
      if (!names.includes(p))
        issues.push({
          path: ["species", i, "prey", k],
          message: `unknown species '${p}' (species: ${names.join(", ")})`
        });
    });
    if (sp.diet === "herbivore" && (sp.prey ?? []).length > 0)
      issues.push({
        path: ["species", i, "prey"],
        message: "a herbivore has no prey: make it a carnivore or omnivore"
      });
    if (sp.diet !== "carnivore" && sp.energy.grassGain === void 0 && s.grass)
      issues.push({
        path: ["species", i, "energy"],
        message: `a ${sp.diet} needs energy.grassGain to eat grass`
      });
    if (sp.diet !== "herbivore" && sp.energy.preyGain === void 0 && sp.energy.preyEfficiency === void 0)
      issues.push({
        path: ["species", i, "energy"],
        message: `a ${sp.diet} needs energy.preyGain or energy.preyEfficiency`
      });
    try {
      genetics(sp, i);
    } catch (err) {
      if (!(err instanceof SpecError)) throw err;
      issues.push({ path: [...err.path], message: err.detail });
    }
  });
  (s.ecology?.order ?? []).forEach((n, k) => {
    if (!names.includes(n))
      issues.push({
        path: ["ecology", "order", k],
        message: `unknown species '${n}' (species: ${names.join(", ")})`
      });
  });
  return issues;
});

// lab/scenario/to-world.ts
function scenarioSystems(s) {
  if (s.systems && s.systems.length > 0)
    return s.systems.map((u) => ({ use: u.use, params: u.params ?? {} }));
  const out = [];
  const combat = Boolean(s.bots || s.enemies || s.content);
  const content = combat ? resolveContent(s.content ?? {}) : null;
  if (s.wanderers) out.push({ use: "wander", params: { ...s.wanderers } });
  if (content && (s.bots || s.enemies))
    out.push({
      use: "bots",
      params: {
        ...s.bots ?? {},
        count: s.bots?.count ?? 0,
        enemies: s.enemies ?? {},
        enemyTypes: Object.keys(content.enemies)
      }
    });
  if (s.species && s.species.length > 0)
    out.push({ use: "ecology", params: { species: s.species, grass: s.grass, settings: s.ecology } });
  if (content) out.push({ use: "combat", params: content });
  const continuous = combat || Boolean(s.wanderers) || (s.species ?? []).some((sp) => sp.movement.mode === "wander");
  if (continuous) out.push({ use: "move" });
  return out;
}
registerSemanticCheck((s) => {
  const issues = [];
  if (scenarioSystems(s).length === 0)
    issues.push({
      path: [],
      message: "nothing to simulate: add a section such as wanderers, or a systems list"
    });
  if (s.world.cellM > Math.min(s.world.zoneWidthM, s.world.zoneHeightM))
    issues.push({
      path: ["world", "cellM"],
      message: `grid cell (${s.world.cellM} m) is larger than a zone (${s.world.zoneWidthM}\xD7${s.world.zoneHeightM} m)`
    });
  return issues;
});
function scenarioPlugins(s) {
  const out = [];
  if (s.species && s.species.length > 0) out.push(ECOLOGY_PLUGIN);
  if (s.bots || s.enemies || s.content) out.push(COMBAT_PLUGIN, LOAD_PLUGIN);
  return out;
}
function scenarioToWorldOptions(s, o = {}) {
  return {
    seed: o.seed ?? s.seed ?? 1,
    tickRate: s.tickRate ?? 20,
    layout: {
      zonesX: s.world.zonesX,
      zonesY: s.world.zonesY,
      zoneWidthM: s.world.zoneWidthM,
      zoneHeightM: s.world.zoneHeightM,
      cellM: s.world.cellM,
      edge: s.world.edge ?? "bounce",
      biomes: s.world.biomes
    },
    systems: scenarioSystems(s),
    plugins: o.plugins ?? scenarioPlugins(s),
    workers: o.workers ?? 0
  };
}

// engine/world/scheduler.ts
var sleep = (ms) => new Promise((r) => setTimeout(r, ms));
async function driveWorld(world, o = {}) {
  const limit = o.ticks ?? Number.POSITIVE_INFINITY;
  const durations = [];
  const periodMs = 1e3 / world.config.tickRate;
  const start = performance.now();
  let late = 0;
  let k = 0;
  while (k < limit && !o.signal?.aborted) {
    if (o.realtime) {
      const deadline = start + k * periodMs;
      const now = performance.now();
      if (now < deadline) await sleep(deadline - now);
      else if (now - deadline > periodMs) late++;
      if (o.signal?.aborted) break;
    }
    const t0 = performance.now();
    const report = await world.step();
    const ms = performance.now() - t0;
    durations.push(ms);
    k++;
    await o.onTick?.(report, ms);
  }
  return {
    ticks: k,
    durationsMs: Float64Array.from(durations),
    lateTicks: late,
    aborted: Boolean(o.signal?.aborted)
  };
}
function percentile(values, p) {
  if (values.length === 0) return 0;
  const sorted = Float64Array.from(values).sort();
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil(p / 100 * sorted.length) - 1));
  return sorted[rank];
}

// engine/zone/zone.ts
function gridBytes(capacity, cells) {
  return (cells + 1 + 2 * capacity) * 4;
}
function allocateZoneBuffers(layout, geometry, capacity, generation = 0) {
  const cells = geometry.cellsX * geometry.cellsY;
  const { totalBytes } = stateOffsets(layout, capacity, cells);
  return {
    generation,
    capacity,
    state: new SharedArrayBuffer(totalBytes),
    grid: new SharedArrayBuffer(gridBytes(capacity, cells)),
    backup: new SharedArrayBuffer(totalBytes)
  };
}
var ZoneViews = class {
  constructor(layout, geometry, buffers) {
    this.layout = layout;
    this.geometry = geometry;
    this.buffers = buffers;
    const cells = geometry.cellsX * geometry.cellsY;
    this.cells = cells;
    const cap = buffers.capacity;
    const off = stateOffsets(layout, cap, cells);
    const s = buffers.state;
    this.header = new Int32Array(s, off.header, HEADER.size);
    this.scalars = new Float64Array(s, off.scalars, layout.scalars.length);
    layout.scalars.forEach((name, i) => this.scalarIndex.set(name, i));
    layout.cell.forEach((fld, i) => this.cellf[fld.name] = view(fld, s, off.cell[i], cells));
    layout.entity.forEach((fld, i) => this.f[fld.name] = view(fld, s, off.entity[i], cap));
    this.fieldList = layout.entity.map((fld, i) => ({
      name: fld.name,
      arr: this.f[fld.name],
      width: fld.width,
      bytes: fld.width * fld.bytesPerElement,
      byteOffset: off.entity[i]
    }));
    this.fixedBytes = off.entity.length > 0 ? off.entity[0] : off.totalBytes;
    this.cellStart = new Int32Array(buffers.grid, 0, cells + 1);
    this.cellOf = new Int32Array(buffers.grid, (cells + 1) * 4, cap);
    this.order = new Int32Array(buffers.grid, (cells + 1 + cap) * 4, cap);
    this.stateBytes = new Uint8Array(s);
    this.backupBytes = new Uint8Array(buffers.backup);
    this.backupHeader = new Int32Array(buffers.backup, off.header, HEADER.size);
  }
  layout;
  geometry;
  buffers;
  header;
  scalars;
  f = {};
  cellf = {};
  /** Grid: entities of cell c are order[cellStart[c] .. cellStart[c+1]). */
  cellStart;
  cellOf;
  order;
  stateBytes;
  backupBytes;
  backupHeader;
  cells;
  /** Entity fields in layout order with their views, for loops over every field (spawn, copy, remove). */
  fieldList;
  /** Bytes of the state buffer before the first entity field (header, scalars, cell fields). */
  fixedBytes;
  scalarIndex = /* @__PURE__ */ new Map();
  /** Live entities. */
  get count() {
    return this.header[HEADER.count];
  }
  get capacity() {
    return this.buffers.capacity;
  }
  /**
   * Copies the state a tick may change into the backup buffer: header, scalars, cell fields and the live
   * rows of each entity field (rows past the count are scratch; spawns zero them before use).
   */
  backup() {
    const live = this.header[HEADER.count];
    const b = this.backupBytes;
    const s = this.stateBytes;
    b.set(s.subarray(0, this.fixedBytes));
    for (const f of this.fieldList)
      b.set(s.subarray(f.byteOffset, f.byteOffset + live * f.bytes), f.byteOffset);
  }
  /** Puts the backed-up state back (the whole buffer: anything past the live rows is scratch). */
  restore() {
    this.stateBytes.set(this.backupBytes);
  }
  /** A Float32 field by name (throws if it is not one: catches layout mistakes at set-up, not in loops). */
  f32(name) {
    return typed(this.f, name, Float32Array);
  }
  u32(name) {
    return typed(this.f, name, Uint32Array);
  }
  i32(name) {
    return typed(this.f, name, Int32Array);
  }
  u16(name) {
    return typed(this.f, name, Uint16Array);
  }
  u8(name) {
    return typed(this.f, name, Uint8Array);
  }
  /** A per-cell field by name. */
  cell(name) {
    const a = this.cellf[name];
    if (!a) throw new Error(`zone ${this.geometry.id}: no cell field '${name}'`);
    return a;
  }
  /** Index of a named zone scalar in `scalars`. */
  scalar(name) {
    const i = this.scalarIndex.get(name);
    if (i === void 0) throw new Error(`zone ${this.geometry.id}: no scalar '${name}'`);
    return i;
  }
  /** Grid cell of a world position (clamped into the zone). */
  cellAt(x, y) {
    const g = this.geometry;
    let cx = Math.floor((x - g.x0) / g.cellM);
    let cy = Math.floor((y - g.y0) / g.cellM);
    if (cx < 0) cx = 0;
    else if (cx >= g.cellsX) cx = g.cellsX - 1;
    if (cy < 0) cy = 0;
    else if (cy >= g.cellsY) cy = g.cellsY - 1;
    return cy * g.cellsX + cx;
  }
};
function view(fld, buf, offset, rows) {
  const Ctor = FIELD_ARRAYS[fld.type];
  return new Ctor(buf, offset, rows * fld.width);
}
function typed(fields, name, ctor) {
  const a = fields[name];
  if (!a) throw new Error(`no entity field '${name}'`);
  if (!(a instanceof ctor)) throw new Error(`entity field '${name}' is not a ${ctor.name}`);
  return a;
}
function growZoneBuffers(old, capacity) {
  const buffers = allocateZoneBuffers(old.layout, old.geometry, capacity, old.buffers.generation + 1);
  const next = new ZoneViews(old.layout, old.geometry, buffers);
  next.header.set(old.header);
  next.scalars.set(old.scalars);
  for (const fld of old.layout.cell) next.cellf[fld.name].set(old.cellf[fld.name]);
  const live = old.count + old.header[HEADER.staged];
  for (const fld of old.layout.entity) next.f[fld.name].set(old.f[fld.name].subarray(0, live * fld.width));
  return buffers;
}

// engine/world/hash.ts
import { createHash } from "node:crypto";
function hashZones(zones, tick) {
  const h = createHash("sha256");
  const head = new Int32Array(3);
  for (const z of zones) {
    head[0] = tick;
    head[1] = z.geometry.id;
    head[2] = z.header[HEADER.count];
    h.update(head);
    h.update(bytes(z.scalars, 0, z.scalars.length));
    for (const fld of z.layout.cell) h.update(bytes(z.cellf[fld.name], 0, z.cells * fld.width));
    const n = z.count;
    for (const fld of z.layout.entity) h.update(bytes(z.f[fld.name], 0, n * fld.width));
  }
  return h.digest("hex").slice(0, 32);
}
function bytes(a, from, len) {
  return new Uint8Array(a.buffer, a.byteOffset + from * a.BYTES_PER_ELEMENT, len * a.BYTES_PER_ELEMENT);
}

// engine/world/pool.ts
import { Piscina } from "piscina";
var ZonePool = class {
  pool;
  constructor(config, threads) {
    this.pool = new Piscina({
      filename: new URL("./zone-worker.mjs", import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
      // One batch per worker per tick (see ZoneBatchTask): a worker never holds two.
      concurrentTasksPerWorker: 1,
      workerData: { config }
    });
  }
  get threads() {
    return this.pool.threads.length;
  }
  /** Waits until every worker has loaded its modules, so the first tick does not pay for start-up. */
  async warm() {
    const want = this.pool.options.maxThreads;
    const seen = /* @__PURE__ */ new Set();
    for (let round = 0; round < 50 && seen.size < want; round++) {
      const answers = await Promise.all(
        Array.from({ length: want }, () => this.pool.run({ warmup: true }))
      );
      for (const a of answers) seen.add(a.thread);
    }
  }
  /** Workers in the pool (each gets one batch per tick). */
  get size() {
    return this.pool.options.maxThreads;
  }
  /** Runs one zone task on whichever worker is free. */
  run(task) {
    return this.pool.run(task);
  }
  /** Runs a tick's batch on one worker (call once per worker; they share the batch's claim counter). */
  runBatch(task) {
    return this.pool.run(task);
  }
  async close() {
    await this.pool.destroy();
  }
};

// engine/systems/move.ts
var SKIP3 = FLAG.removed | FLAG.migrating | FLAG.dead;
var moveSystem = {
  name: "move",
  readsGrid: false,
  movesEntities: true,
  step(ctx) {
    const z = ctx.zone;
    const g = z.geometry;
    const w = ctx.world;
    const n = z.count;
    const x = z.f32("x");
    const y = z.f32("y");
    const vx = z.f32("vx");
    const vy = z.f32("vy");
    const flags = z.u8("flags");
    const dt = ctx.dt;
    const bounce = w.edge === "bounce";
    const wrap = w.edge === "wrap";
    const W = w.widthM;
    const H = w.heightM;
    const x1 = g.x0 + g.widthM;
    const y1 = g.y0 + g.heightM;
    const maxX = Math.fround(W - W * 1e-6);
    const maxY = Math.fround(H - H * 1e-6);
    for (let i = 0; i < n; i++) {
      if (flags[i] & SKIP3) continue;
      const vxi = vx[i];
      const vyi = vy[i];
      if (vxi === 0 && vyi === 0) continue;
      let nx = x[i] + vxi * dt;
      let ny = y[i] + vyi * dt;
      if (wrap) {
        if (nx < 0 || nx > maxX) nx = (nx % W + W) % W;
        if (ny < 0 || ny > maxY) ny = (ny % H + H) % H;
        if (nx > maxX) nx = 0;
        if (ny > maxY) ny = 0;
      }
      if (nx < 0 || nx > maxX) {
        if (bounce) {
          nx = nx < 0 ? -nx : 2 * maxX - nx;
          vx[i] = -vxi;
        } else vx[i] = 0;
        nx = nx < 0 ? 0 : nx > maxX ? maxX : nx;
      }
      if (ny < 0 || ny > maxY) {
        if (bounce) {
          ny = ny < 0 ? -ny : 2 * maxY - ny;
          vy[i] = -vyi;
        } else vy[i] = 0;
        ny = ny < 0 ? 0 : ny > maxY ? maxY : ny;
      }
      x[i] = nx;
      y[i] = ny;
      const fx = x[i];
      const fy = y[i];
      if (fx < g.x0 || fx >= x1 || fy < g.y0 || fy >= y1) ctx.migrate(i, zoneAt(w, fx, fy));
    }
  }
};

// engine/systems/wander.ts
var DEFAULTS = {
  count: 1e3,
  speedMps: 1.4,
  avoidRadiusM: 1,
  avoidWeight: 1.5,
  turnRad: 0.3,
  hp: 100
};
var SKIP4 = FLAG.removed | FLAG.migrating | FLAG.dead;
var WANDER_SALT = 22433;
var wanderSystem = {
  name: "wander",
  init(ctx, params) {
    const p = { ...DEFAULTS, ...params };
    const z = ctx.zone;
    const g = z.geometry;
    const zones = ctx.world.zones.length;
    const n = Math.floor(p.count / zones) + (g.id < p.count % zones ? 1 : 0);
    const rng = ctx.rng("init:wander");
    const x = z.f32("x");
    const y = z.f32("y");
    const vx = z.f32("vx");
    const vy = z.f32("vy");
    const hp = z.f32("hp");
    for (let k = 0; k < n; k++) {
      const i = ctx.spawn(ENTITY_KIND.wanderer);
      x[i] = g.x0 + rng() * g.widthM;
      y[i] = g.y0 + rng() * g.heightM;
      const a = rng() * 2 * Math.PI;
      vx[i] = Math.cos(a) * p.speedMps;
      vy[i] = Math.sin(a) * p.speedMps;
      hp[i] = p.hp;
    }
  },
  step(ctx, params) {
    const p = { ...DEFAULTS, ...params };
    const z = ctx.zone;
    const g = z.geometry;
    const n = z.count;
    const x = z.f32("x");
    const y = z.f32("y");
    const vx = z.f32("vx");
    const vy = z.f32("vy");
    const id = z.u32("id");
    const kind = z.u8("kind");
    const flags = z.u8("flags");
    const { cellStart, order } = z;
    const r = p.avoidRadiusM;
    const r2 = r * r;
    const inv = 1 / g.cellM;
    const cxMax = g.cellsX - 1;
    const cyMax = g.cellsY - 1;
    const speed = p.speedMps;
    const turn = p.turnRad * 2;
    const seed = ctx.seed;
    const tick = ctx.tick;
    for (let i = 0; i < n; i++) {
      if (kind[i] !== ENTITY_KIND.wanderer || flags[i] & SKIP4) continue;
      const px = x[i];
      const py = y[i];
      let sx = 0;
      let sy = 0;
      let cx0 = Math.floor((px - r - g.x0) * inv);
      let cx1 = Math.floor((px + r - g.x0) * inv);
      let cy0 = Math.floor((py - r - g.y0) * inv);
      let cy1 = Math.floor((py + r - g.y0) * inv);
      if (cx0 < 0) cx0 = 0;
      if (cy0 < 0) cy0 = 0;
      if (cx1 > cxMax) cx1 = cxMax;
      if (cy1 > cyMax) cy1 = cyMax;
      for (let cy = cy0; cy <= cy1; cy++) {
        const row = cy * g.cellsX;
        for (let cx = cx0; cx <= cx1; cx++) {
          const c = row + cx;
          for (let s = cellStart[c], e = cellStart[c + 1]; s < e; s++) {
            const j = order[s];
            if (j === i) continue;
            const dx2 = px - x[j];
            const dy2 = py - y[j];
            const d2 = dx2 * dx2 + dy2 * dy2;
            if (d2 < r2 && d2 > 1e-12) {
              const d = Math.sqrt(d2);
              const push = (r - d) / (r * d);
              sx += dx2 * push;
              sy += dy2 * push;
            }
          }
        }
      }
      let hx = vx[i];
      let hy = vy[i];
      let norm = Math.sqrt(hx * hx + hy * hy);
      if (norm < 1e-9) {
        hx = 1;
        hy = 0;
        norm = 1;
      }
      hx /= norm;
      hy /= norm;
      const t = (hash01(seed, tick, id[i], WANDER_SALT) - 0.5) * turn;
      let dx = hx - t * hy + p.avoidWeight * sx;
      let dy = hy + t * hx + p.avoidWeight * sy;
      const dn = Math.sqrt(dx * dx + dy * dy);
      if (dn < 1e-9) {
        dx = hx;
        dy = hy;
      } else {
        dx /= dn;
        dy /= dn;
      }
      vx[i] = dx * speed;
      vy[i] = dy * speed;
    }
  }
};

// engine/systems/index.ts
var ENGINE_SYSTEMS = [
  wanderSystem,
  moveSystem
];

// engine/world/zone-runtime.ts
var SpawnOverflowError = class extends Error {
  constructor(zoneId) {
    super(`zone ${zoneId} ran out of entity capacity`);
    this.zoneId = zoneId;
    this.name = "SpawnOverflowError";
  }
  zoneId;
};
async function loadSystemRegistry(plugins) {
  const registry = /* @__PURE__ */ new Map();
  const add = (defs, from) => {
    for (const d of defs) {
      if (registry.has(d.name)) throw new Error(`system '${d.name}' from ${from} is already registered`);
      registry.set(d.name, d);
    }
  };
  add(ENGINE_SYSTEMS, "engine");
  for (const url of plugins) {
    const mod = await import(url);
    if (!Array.isArray(mod.systems)) throw new Error(`plugin ${url} exports no 'systems' array`);
    add(mod.systems, url);
  }
  return registry;
}
function resolveSystems(registry, uses) {
  return uses.map((u) => {
    const def = registry.get(u.use);
    if (!def) throw new Error(`unknown system '${u.use}' (known: ${[...registry.keys()].join(", ")})`);
    return { def, params: u.params ?? {} };
  });
}
var ZoneRuntime = class {
  constructor(config, registry) {
    this.config = config;
    this.systems = resolveSystems(registry, config.systems);
  }
  config;
  systems;
  /** Runs every system's `init` for a zone at tick 0. */
  initZone(z) {
    return this.run(z, 0, [], (ctx) => {
      for (const s of this.systems) s.def.init?.(ctx, s.params);
    });
  }
  /**
   * Steps a zone one tick: backs up its state (so a failure anywhere restores the last good tick),
   * rebuilds the grid, then runs the systems in order.
   */
  stepZone(z, tick, inputs = []) {
    const own = [...inputs];
    z.backup();
    z.backupHeader[HEADER.backupTick] = tick;
    return this.run(z, tick, own, (ctx) => {
      let gridFresh = false;
      for (const s of this.systems) {
        if (s.def.readsGrid !== false && !gridFresh) {
          buildGrid(z);
          gridFresh = true;
        }
        s.def.step(ctx, s.params);
        if (s.def.movesEntities) gridFresh = false;
      }
    });
  }
  run(z, tick, inputs, body) {
    const cfg = this.config;
    const zoneId = z.geometry.id;
    const result = {
      zoneId,
      tick,
      staged: 0,
      despawn: [],
      migrate: [],
      events: [],
      metrics: []
    };
    z.header[HEADER.staged] = 0;
    const flags = z.u8("flags");
    const kindF = z.u8("kind");
    const fields = z.fieldList;
    const ctx = {
      zone: z,
      world: cfg.geometry,
      tick,
      seed: cfg.seed,
      dt: 1 / cfg.tickRate,
      tickRate: cfg.tickRate,
      inputs,
      rng: (purpose) => streamFor(cfg.seed, zoneId, tick, purpose),
      spawn(kind) {
        const i = z.header[HEADER.count] + z.header[HEADER.staged];
        if (i >= z.capacity) throw new SpawnOverflowError(zoneId);
        for (const f of fields) {
          if (f.width === 1) f.arr[i] = 0;
          else f.arr.fill(0, i * f.width, (i + 1) * f.width);
        }
        kindF[i] = kind;
        z.header[HEADER.staged]++;
        return i;
      },
      despawn(i) {
        if (flags[i] & (FLAG.removed | FLAG.migrating)) return;
        flags[i] |= FLAG.removed;
        result.despawn.push(i);
      },
      migrate(i, toZone) {
        if (flags[i] & (FLAG.removed | FLAG.migrating)) return;
        flags[i] |= FLAG.migrating;
        result.migrate.push(i, toZone);
      },
      emit(kind, entity, data) {
        result.events.push(
          data === void 0 ? { tick, zone: zoneId, kind, entity } : { tick, zone: zoneId, kind, entity, data }
        );
      },
      metric(key, value, species = "") {
        result.metrics.push({ tick, zone: zoneId, species, key, value });
      }
    };
    body(ctx);
    result.staged = z.header[HEADER.staged];
    return result;
  }
};

// engine/world/world.ts
var TickError = class extends Error {
  constructor(zoneId, tick, detail, causeStack) {
    super(`tick ${tick} failed in zone ${zoneId}: ${detail} (world left at tick ${tick - 1})`);
    this.zoneId = zoneId;
    this.tick = tick;
    this.causeStack = causeStack;
    this.name = "TickError";
  }
  zoneId;
  tick;
  causeStack;
};
function buildGeometry(o) {
  const zones = [];
  const biomes = o.biomes && o.biomes.length > 0 ? o.biomes : ["plains"];
  for (let zy = 0; zy < o.zonesY; zy++)
    for (let zx = 0; zx < o.zonesX; zx++) {
      const id = zy * o.zonesX + zx;
      zones.push({
        id,
        x0: zx * o.zoneWidthM,
        y0: zy * o.zoneHeightM,
        widthM: o.zoneWidthM,
        heightM: o.zoneHeightM,
        cellM: o.cellM,
        cellsX: Math.ceil(o.zoneWidthM / o.cellM),
        cellsY: Math.ceil(o.zoneHeightM / o.cellM),
        biome: biomes[id % biomes.length]
      });
    }
  return {
    widthM: o.zonesX * o.zoneWidthM,
    heightM: o.zonesY * o.zoneHeightM,
    zonesX: o.zonesX,
    zonesY: o.zonesY,
    edge: o.edge ?? "bounce",
    zones
  };
}
var MAX_OVERFLOW_RETRIES = 16;
var World = class _World {
  constructor(config, runtime, pool, zones) {
    this.config = config;
    this.runtime = runtime;
    this.pool = pool;
    this.zones = zones;
    this.inputs = zones.map(() => []);
  }
  config;
  runtime;
  pool;
  tick = 0;
  zones;
  nextId = 1;
  inputs;
  // The next zone a worker claims in a tick's batch (shared with the workers).
  claim = new Int32Array(new SharedArrayBuffer(4));
  /** Creates a world, populates it (systems' init at tick 0) and starts its worker pool. */
  static async create(opts) {
    const plugins = opts.plugins ?? [];
    const registry = await loadSystemRegistry(plugins);
    const uses = resolveSystems(registry, opts.systems);
    const entity = [];
    const cell = [];
    const scalars = [];
    for (const { def, params } of uses) {
      entity.push(...def.fields ?? []);
      cell.push(...def.cellFields ?? []);
      scalars.push(...def.scalars ?? []);
      const extra = def.layoutFor?.(params);
      if (extra) {
        entity.push(...extra.fields ?? []);
        cell.push(...extra.cellFields ?? []);
        scalars.push(...extra.scalars ?? []);
      }
    }
    const layout = buildLayout({ entity, cell, scalars });
    const geometry = buildGeometry(opts.layout);
    const tickRate = opts.tickRate ?? 20;
    if (!(tickRate > 0)) throw new Error(`tickRate must be positive, got ${tickRate}`);
    const config = {
      seed: seedToU32(opts.seed),
      tickRate,
      geometry,
      systems: opts.systems,
      plugins,
      layout
    };
    const runtime = new ZoneRuntime(config, registry);
    const capacity = Math.max(16, opts.initialCapacity ?? 1024);
    const zones = geometry.zones.map(
      (g) => new ZoneViews(layout, g, allocateZoneBuffers(layout, g, capacity))
    );
    const workers = opts.workers ?? 0;
    const pool = workers > 0 ? new ZonePool(config, workers) : null;
    const world = new _World(config, runtime, pool, zones);
    world.populate();
    await pool?.warm();
    return world;
  }
  /** Live agents in all zones. */
  get agents() {
    let n = 0;
    for (const z of this.zones) n += z.count;
    return n;
  }
  get workers() {
    return this.pool?.threads ?? 0;
  }
  /** Bytes of entity state per agent (declared fields; genomes included if a system declares them). */
  get bytesPerAgent() {
    return bytesPerEntity(this.config.layout);
  }
  /** Bytes allocated for all zone buffers (state, backup and grid), divided by live agents. */
  get bytesAllocatedPerAgent() {
    let total = 0;
    for (const z of this.zones)
      total += z.buffers.state.byteLength + z.buffers.backup.byteLength + z.buffers.grid.byteLength;
    return total / Math.max(1, this.agents);
  }
  /** A hash of all zone state at the current tick. */
  hash() {
    return hashZones(this.zones, this.tick);
  }
  populate() {
    for (let zi = 0; zi < this.zones.length; zi++) {
      for (let attempt = 0; ; attempt++) {
        const z = this.zones[zi];
        try {
          z.header[HEADER.staged] = 0;
          const r = this.runtime.initZone(z);
          this.barrier([r]);
          break;
        } catch (err) {
          if (!(err instanceof SpawnOverflowError) || attempt >= MAX_OVERFLOW_RETRIES) throw err;
          z.header[HEADER.staged] = 0;
          this.replaceBuffers(z.geometry.id, growZoneBuffers(z, z.capacity * 2));
        }
      }
    }
  }
  replaceBuffers(zoneId, buffers) {
    this.zones[zoneId] = new ZoneViews(this.config.layout, this.config.geometry.zones[zoneId], buffers);
  }
  // Keeps room for a tick's spawns in most cases; a zone that still overflows is grown and re-stepped.
  ensureHeadroom() {
    for (const z of this.zones) {
      const want = Math.ceil(z.count * 1.25) + 64;
      if (want > z.capacity)
        this.replaceBuffers(z.geometry.id, growZoneBuffers(z, Math.max(want, z.capacity * 2)));
    }
  }
  /** Steps every zone one tick and applies the barrier; on failure restores the last good tick and throws. */
  async step() {
    const tick = this.tick + 1;
    this.ensureHeadroom();
    const inputs = this.inputs;
    this.inputs = this.zones.map(() => []);
    const answers = await this.dispatch(tick, inputs);
    const results = [];
    let failure = null;
    for (let zi = 0; zi < answers.length; zi++) {
      let a = answers[zi];
      for (let attempt = 0; !a.ok && a.name === "SpawnOverflowError" && attempt < MAX_OVERFLOW_RETRIES; attempt++) {
        const z = this.zones[zi];
        this.restoreZone(z, tick);
        this.replaceBuffers(zi, growZoneBuffers(z, z.capacity * 2));
        a = this.stepInline(zi, tick, inputs[zi]);
      }
      if (a.ok) results.push(a.result);
      else failure ??= new TickError(a.zoneId, a.tick, `${a.name}: ${a.message}`, a.stack);
    }
    if (failure) {
      this.restoreAll(tick);
      this.requeue(inputs);
      throw failure;
    }
    const idBefore = this.nextId;
    const buffersBefore = this.zones.map((z) => z.buffers);
    try {
      this.barrier(results);
    } catch (err) {
      this.nextId = idBefore;
      buffersBefore.forEach((b, zi) => {
        if (this.zones[zi].buffers !== b) this.replaceBuffers(zi, b);
      });
      this.restoreAll(tick);
      this.requeue(inputs);
      const e = err instanceof Error ? err : new Error(String(err));
      throw new TickError(-1, tick, `barrier: ${e.message}`, e.stack);
    }
    this.tick = tick;
    const events = [];
    const metrics = [];
    for (const r of results) {
      for (const e of r.events) events.push(e);
      for (const m of r.metrics) metrics.push(m);
    }
    return { tick, events, metrics };
  }
  async dispatch(tick, inputs) {
    const pool = this.pool;
    if (!pool) return this.zones.map((_, zi) => this.stepInline(zi, tick, inputs[zi]));
    const byLoad = this.zones.map((_, zi) => zi).sort((a, b) => this.zones[b].count - this.zones[a].count || a - b);
    this.claim[0] = 0;
    const batch = {
      batch: true,
      tick,
      claim: this.claim,
      order: byLoad,
      zones: this.zones.map((z, zi) => ({ buffers: z.buffers, inputs: inputs[zi] }))
    };
    const settled = await Promise.allSettled(
      Array.from({ length: Math.min(pool.size, this.zones.length) }, () => pool.runBatch(batch))
    );
    const answers = new Array(this.zones.length);
    let lost = "a worker stopped before stepping this zone";
    for (const s of settled) {
      if (s.status === "rejected") {
        lost = s.reason instanceof Error ? s.reason.message : String(s.reason);
        continue;
      }
      for (const a of s.value.answers) answers[a.ok ? a.result.zoneId : a.zoneId] = a;
    }
    return answers.map(
      (a, zi) => a ?? { ok: false, zoneId: zi, tick, name: "WorkerError", message: lost }
    );
  }
  stepInline(zi, tick, inputs) {
    try {
      return { ok: true, result: this.runtime.stepZone(this.zones[zi], tick, inputs) };
    } catch (err) {
      const e = err instanceof Error ? err : new Error(String(err));
      return { ok: false, zoneId: zi, tick, name: e.name, message: e.message, stack: e.stack };
    }
  }
  // Only zones whose backup holds this tick's starting state are restored; a zone that never started
  // stepping was not touched.
  restoreZone(z, tick) {
    if (z.backupHeader[HEADER.backupTick] === tick) z.restore();
    z.backupHeader[HEADER.backupTick] = -1;
  }
  restoreAll(tick) {
    for (const z of this.zones) this.restoreZone(z, tick);
  }
  /**
   * Applies queued changes in a fixed order: staged spawns get ids (zone order, index order); migrants
   * are copied to their target zones (source zone order, queue order); despawned and departed entities
   * are swap-removed (highest index first).
   */
  barrier(results) {
    for (const r of results) {
      const z = this.zones[r.zoneId];
      const id = z.u32("id");
      const from = z.header[HEADER.count];
      const to = from + r.staged;
      for (let i = from; i < to; i++) id[i] = this.nextId++;
      z.header[HEADER.count] = to;
      z.header[HEADER.staged] = 0;
    }
    const incoming = /* @__PURE__ */ new Map();
    for (const r of results)
      for (let k = 0; k < r.migrate.length; k += 2) {
        const target = r.migrate[k + 1];
        if (target < 0 || target >= this.zones.length)
          throw new Error(`zone ${r.zoneId} migrated entity to unknown zone ${target}`);
        let list = incoming.get(target);
        if (!list) incoming.set(target, list = []);
        list.push([r.zoneId, r.migrate[k]]);
      }
    for (const [target, list] of incoming) {
      const z = this.zones[target];
      if (z.count + list.length > z.capacity)
        this.replaceBuffers(target, growZoneBuffers(z, Math.max(z.capacity * 2, z.count + list.length + 64)));
    }
    const targets = [...incoming.keys()].sort((a, b) => a - b);
    for (const target of targets) {
      const dst = this.zones[target];
      const dflags = dst.u8("flags");
      for (const [src, index] of incoming.get(target)) {
        const s = this.zones[src];
        const j = dst.header[HEADER.count]++;
        const from = s.fieldList;
        const to = dst.fieldList;
        for (let f = 0; f < to.length; f++) {
          const w = to[f].width;
          if (w === 1) to[f].arr[j] = from[f].arr[index];
          else to[f].arr.set(from[f].arr.subarray(index * w, index * w + w), j * w);
        }
        dflags[j] &= ~FLAG.migrating;
      }
    }
    for (const r of results) {
      if (r.despawn.length === 0 && r.migrate.length === 0) continue;
      const z = this.zones[r.zoneId];
      const gone = new Int32Array(r.despawn.length + r.migrate.length / 2);
      gone.set(r.despawn);
      for (let k = 0, g = r.despawn.length; k < r.migrate.length; k += 2) gone[g++] = r.migrate[k];
      gone.sort();
      const fields = z.fieldList;
      let prev = -1;
      for (let k = gone.length - 1; k >= 0; k--) {
        const i = gone[k];
        if (i === prev) continue;
        prev = i;
        const last = --z.header[HEADER.count];
        if (i !== last)
          for (const f of fields) {
            const w = f.width;
            if (w === 1) f.arr[i] = f.arr[last];
            else f.arr.copyWithin(i * w, last * w, last * w + w);
          }
      }
    }
  }
  /** Queues an input for a zone; it is delivered to that zone's systems at the start of the next tick. */
  queueInput(zoneId, input) {
    if (!(zoneId >= 0 && zoneId < this.zones.length)) throw new Error(`no zone ${zoneId}`);
    this.inputs[zoneId].push(input);
  }
  /** Where the entity with a stable id is now (a linear scan: for tests, tools and rare look-ups). */
  findEntity(id) {
    for (const z of this.zones) {
      const ids = z.u32("id");
      for (let i = 0, n = z.count; i < n; i++) if (ids[i] === id) return { zone: z.geometry.id, index: i };
    }
    return null;
  }
  // A failed tick's inputs go back in front of anything queued since, so a retry sees them again.
  requeue(inputs) {
    this.inputs = inputs.map((list, zi) => [...list, ...this.inputs[zi]]);
  }
  /** Stops the worker pool. */
  async close() {
    await this.pool?.close();
  }
};

// engine/net/slab.ts
var EMPTY2 = new Uint8Array(0);
var Slab = class {
  constructor(blockBytes = 64 * 1024) {
    this.blockBytes = blockBytes;
  }
  blockBytes;
  block = new Uint8Array(0);
  at = 0;
  alloc(n) {
    if (n === 0) return EMPTY2;
    if (this.at + n > this.block.length) {
      if (n > this.blockBytes >> 2) return new Uint8Array(n);
      this.block = new Uint8Array(this.blockBytes);
      this.at = 0;
    }
    const out = this.block.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
};

// engine/net/events.ts
var EVENT_SCHEMAS = [
  [
    "hit",
    [
      ["source", "u32"],
      ["what", "str"],
      ["damage", "f32"],
      ["hp", "f32"]
    ]
  ],
  ["death", [["kind", "u8"]]],
  [
    "telegraph",
    [
      ["shape", "str"],
      ["x", "f32"],
      ["y", "f32"],
      ["facing", "f32"],
      ["angleDeg", "f32"],
      ["radiusM", "f32"],
      ["resolveTick", "u32"]
    ]
  ],
  [
    "cast",
    [
      ["skill", "str"],
      ["target", "u32"],
      ["castTicks", "u16"]
    ]
  ],
  [
    "interrupt",
    [
      ["skill", "str"],
      ["reason", "str"]
    ]
  ],
  [
    "heal",
    [
      ["source", "u32"],
      ["amount", "f32"],
      ["hp", "f32"]
    ]
  ],
  [
    "respawn",
    [
      ["x", "f32"],
      ["y", "f32"]
    ]
  ],
  [
    "fsm",
    [
      ["state", "str"],
      ["target", "u32"]
    ]
  ],
  [
    "miss",
    [
      ["skill", "str"],
      ["target", "u32"],
      ["reason", "str"]
    ]
  ],
  [
    "immune",
    [
      ["source", "u32"],
      ["what", "str"]
    ]
  ],
  ["attack-cancelled", [["reason", "str"]]],
  [
    "projectile",
    [
      ["skill", "str"],
      ["target", "u32"]
    ]
  ]
];
var GENERIC = 255;
var codeOf = new Map(EVENT_SCHEMAS.map(([k], i) => [k, i]));
var enc = new TextEncoder();
var dec = new TextDecoder("utf-8", { fatal: true });
function encodeEvent(e) {
  const code = codeOf.get(e.kind);
  EV.n = 0;
  evU8(code ?? GENERIC);
  evU32(e.entity);
  const data = e.data ?? {};
  if (code === void 0) {
    evStr(e.kind);
    const json = enc.encode(JSON.stringify(data)).subarray(0, 65535);
    evU8(json.length & 255);
    evU8(json.length >> 8);
    evBytes(json);
  } else {
    const fields = EVENT_SCHEMAS[code][1];
    for (let k = 0; k < fields.length; k++) {
      const v = data[fields[k][0]];
      const t = fields[k][1];
      if (t === "str") evStr(String(v ?? ""));
      else if (t === "u8") evU8(Number(v) & 255);
      else if (t === "u16") evU16(Number(v) & 65535);
      else if (t === "u32") evU32(Number(v) >>> 0);
      else evF32(Number(v) || 0);
    }
  }
  const out = EVENTS.alloc(EV.n);
  out.set(EV.buf.subarray(0, EV.n));
  return out;
}
var EV = { buf: new Uint8Array(256), n: 0, dv: new DataView(new ArrayBuffer(0)) };
EV.dv = new DataView(EV.buf.buffer);
var EVENTS = new Slab(16 * 1024);
function evRoom(k) {
  if (EV.n + k <= EV.buf.length) return;
  const b = new Uint8Array(Math.max(EV.buf.length * 2, EV.n + k));
  b.set(EV.buf.subarray(0, EV.n));
  EV.buf = b;
  EV.dv = new DataView(b.buffer);
}
function evU8(v) {
  evRoom(1);
  EV.buf[EV.n++] = v;
}
function evU16(v) {
  evRoom(2);
  EV.dv.setUint16(EV.n, v, true);
  EV.n += 2;
}
function evU32(v) {
  evRoom(4);
  EV.dv.setUint32(EV.n, v >>> 0, true);
  EV.n += 4;
}
function evF32(v) {
  evRoom(4);
  EV.dv.setFloat32(EV.n, v, true);
  EV.n += 4;
}
function evBytes(b) {
  evRoom(b.length);
  EV.buf.set(b, EV.n);
  EV.n += b.length;
}
function evStr(s) {
  const b = enc.encode(s).subarray(0, 255);
  evU8(b.length);
  evBytes(b);
}

// engine/net/self-state.ts
var CD_SLOTS = 8;
var SelfEncoder = class {
  v;
  defs;
  scratch = new Uint8Array(64);
  dv = new DataView(this.scratch.buffer);
  constructor(z, content) {
    this.v = {
      type: z.u16("type"),
      hp: z.f32("hp"),
      mp: z.f32("mp"),
      gcd: z.u32("gcd"),
      castEnd: z.u32("castEnd"),
      respawnAt: z.u32("respawnAt"),
      target: z.u32("target"),
      cast: z.u8("cast"),
      flags: z.u8("flags"),
      god: z.u8("god"),
      cd: z.u32("cd")
    };
    const all = Object.values(content.classes);
    this.defs = Object.keys(content.classes).map((n) => content.classes[n] ?? all[0]);
  }
  /** The block of the player at index `i`; `previous` back when it is byte-for-byte the same. */
  encode(i, previous) {
    const v = this.v;
    const def = this.defs[v.type[i]] ?? this.defs[0];
    const slots = def.skills.length;
    const n = 27 + 4 * slots;
    if (this.scratch.length < n) {
      this.scratch = new Uint8Array(n * 2);
      this.dv = new DataView(this.scratch.buffer);
    }
    const out = this.scratch;
    const dv = this.dv;
    dv.setUint16(0, Math.max(0, Math.ceil(v.hp[i])), true);
    dv.setUint16(2, def.hp, true);
    dv.setUint16(4, Math.max(0, Math.floor(v.mp[i])), true);
    dv.setUint16(6, def.mp, true);
    dv.setUint32(8, v.gcd[i], true);
    dv.setUint32(12, v.castEnd[i], true);
    dv.setUint32(16, v.respawnAt[i], true);
    dv.setUint32(20, v.target[i], true);
    out[24] = v.cast[i];
    out[25] = (v.flags[i] & FLAG.dead ? 1 : 0) | (v.god[i] ? 2 : 0);
    out[26] = slots;
    for (let s = 0; s < slots; s++) dv.setUint32(27 + 4 * s, v.cd[i * CD_SLOTS + s], true);
    if (previous && previous.length === n) {
      let same = true;
      for (let k = 0; k < n && same; k++) same = previous[k] === out[k];
      if (same) return previous;
    }
    const block = SELVES.alloc(n);
    block.set(out.subarray(0, n));
    return block;
  }
};
var SELVES = new Slab(4 * 1024);

// engine/net/protocol.ts
var PROTOCOL_VERSION = 1;
var C2S = {
  join: 1,
  move: 2,
  moveTo: 3,
  cast: 4,
  target: 5,
  chat: 6,
  capture: 7,
  breed: 8,
  console: 9,
  ack: 10,
  ping: 11,
  inspect: 12,
  preview: 13
};
var S2C = { welcome: 64, chat: 65, rejection: 66, pong: 67, error: 68, event: 70 };
var enc2 = new TextEncoder();
var dec2 = new TextDecoder("utf-8", { fatal: true });
var C2S_NAMES = Object.fromEntries(Object.entries(C2S).map(([k, v]) => [v, k]));
var S2C_NAMES = Object.fromEntries(Object.entries(S2C).map(([k, v]) => [v, k]));

// engine/net/snapshot.ts
var POSITION_SCALE = 16;
var BASELINE_RING = 32;
var SNAPSHOT_TYPE = 69;
var RECORD_BYTES = 13;
var STATE_BIT = { dead: 1, windup: 2, casting: 4, hostile: 8 };
var CHUNK_FULL = 1;
var CHUNK_DELTA = 2;
var OP_KEEP = 0;
var OP_DROP = 64;
var OP_MOVE = 128;
var OP_UPDATE = 192;
var OP_NEW = 193;
var HEADER_BYTES = 21;
var EMPTY3 = new Uint8Array(0);
var deadBit = (z) => {
  const flags = z.u8("flags");
  return (i) => flags[i] & FLAG.dead ? STATE_BIT.dead : 0;
};
function hashBytes(b, n = b.length) {
  let h = 2166136261;
  for (let i = 0; i < n; i++) h = Math.imul(h ^ b[i], 16777619);
  return h >>> 0;
}
function sameBytes(a, b, n = b.length) {
  if (a.length !== n) return false;
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return false;
  return true;
}
var clampU16 = (v) => v < 0 ? 0 : v > 65535 ? 65535 : Math.round(v);
function interestRect(z, px, py, radiusCells) {
  const g = z.geometry;
  const c = z.cellAt(px, py);
  const cx = c % g.cellsX;
  const cy = Math.floor(c / g.cellsX);
  const cx0 = Math.max(0, cx - radiusCells);
  const cy0 = Math.max(0, cy - radiusCells);
  return {
    cx0,
    cy0,
    w: Math.min(g.cellsX - 1, cx + radiusCells) - cx0 + 1,
    h: Math.min(g.cellsY - 1, cy + radiusCells) - cy0 + 1
  };
}
var ZoneSnapshots = class {
  constructor(zone) {
    this.zone = zone;
  }
  zone;
  frames = /* @__PURE__ */ new Map();
  deltas = /* @__PURE__ */ new Map();
  fullChunks = [];
  /** The frame of the latest encoded tick. */
  current = null;
  // This tick's views, for encoding cells on demand (only cells some client can see are ever encoded).
  src = null;
  idx = new Int32Array(64);
  // Chunks, full chunks and deltas of every tick in the ring are carved from shared blocks.
  // Small blocks: a cell that stays unchanged keeps its chunk, and so its block, alive for as long.
  slab = new Slab(8 * 1024);
  /**
   * Starts the frame of `tick` (the grid must be fresh for this tick). Cells are encoded when a client
   * first needs them this tick, then shared: a 4,096-cell zone with players in one corner encodes a corner.
   */
  encodeTick(z, tick, bitsOf = deadBit) {
    const g = z.geometry;
    const frame = {
      tick,
      zone: this.zone,
      cellsX: g.cellsX,
      cellsY: g.cellsY,
      chunks: new Array(z.cells),
      hashes: new Uint32Array(z.cells)
    };
    this.src = {
      z,
      id: z.u32("id"),
      kind: z.u8("kind"),
      type: z.u16("type"),
      flags: z.u8("flags"),
      x: z.f32("x"),
      y: z.f32("y"),
      hp: z.f32("hp"),
      bits: bitsOf(z),
      prev: this.current
    };
    this.frames.set(tick, frame);
    for (const t of this.frames.keys()) if (t <= tick - BASELINE_RING - 1) this.frames.delete(t);
    this.deltas.clear();
    this.fullChunks = [];
    this.current = frame;
    return frame;
  }
  /** Cell `c` of the current tick: its records sorted by id (encoded on first use this tick). */
  chunk(c) {
    const frame = this.current;
    const have = frame.chunks[c];
    if (have) return have;
    const { z, id, kind, type, flags, x, y, hp, bits, prev } = this.src;
    const g = z.geometry;
    let n = 0;
    const s0 = z.cellStart[c];
    const s1 = z.cellStart[c + 1];
    if (s1 - s0 > this.idx.length) this.idx = new Int32Array((s1 - s0) * 2);
    const idx = this.idx;
    for (let s = s0; s < s1; s++) {
      const i = z.order[s];
      if (flags[i] & (FLAG.removed | FLAG.migrating)) continue;
      let k = n++;
      while (k > 0 && id[idx[k - 1]] > id[i]) {
        idx[k] = idx[k - 1];
        k--;
      }
      idx[k] = i;
    }
    if (n === 0) {
      frame.chunks[c] = EMPTY3;
      frame.hashes[c] = 0;
      return EMPTY3;
    }
    const scratch = CHUNK_SCRATCH;
    scratch.n = 0;
    scratch.room(n * RECORD_BYTES);
    scratch.n = n * RECORD_BYTES;
    const buf = scratch.buf;
    const dv = scratch.view();
    for (let k = 0, at = 0; k < n; k++, at += RECORD_BYTES) {
      const i = idx[k];
      dv.setUint32(at, id[i], true);
      buf[at + 4] = kind[i];
      buf[at + 5] = type[i] & 255;
      buf[at + 6] = bits(i);
      dv.setUint16(at + 7, clampU16((x[i] - g.x0) * POSITION_SCALE), true);
      dv.setUint16(at + 9, clampU16((y[i] - g.y0) * POSITION_SCALE), true);
      dv.setUint16(at + 11, clampU16(Math.ceil(hp[i])), true);
    }
    const len = n * RECORD_BYTES;
    const h = hashBytes(buf, len) ^ n;
    const old = prev?.chunks[c];
    const out = old && prev.hashes[c] === h && sameBytes(old, buf, len) ? old : scratch.done(this.slab);
    frame.chunks[c] = out;
    frame.hashes[c] = h;
    return out;
  }
  /** The frame of an earlier tick still in the ring. */
  frame(tick) {
    return this.frames.get(tick);
  }
  /** Cell `c` of the current tick as a full chunk (mode byte + records), shared by all clients. */
  full(c) {
    let f = this.fullChunks[c];
    if (!f) {
      const rec = this.chunk(c);
      f = this.slab.alloc(1 + rec.length);
      f[0] = CHUNK_FULL;
      f.set(rec, 1);
      this.fullChunks[c] = f;
    }
    return f;
  }
  /**
   * Cell `c` of the current tick against baseline tick `base`: null when unchanged, else the shortest of
   * a delta and the full chunk. Computed once per (cell, baseline) and shared.
   */
  /** The shared per-cell results against baseline tick `base` (undefined = not computed yet). */
  deltaRow(base) {
    let row = this.deltas.get(base);
    if (!row) this.deltas.set(base, row = []);
    return row;
  }
  changed(c, base) {
    const row = this.deltaRow(base.tick);
    const hit = row[c];
    if (hit !== void 0) return hit;
    const cur = this.chunk(c);
    const old = base.chunks[c];
    let out;
    if (!old) out = this.full(c);
    else if (cur === old || base.hashes[c] === this.current.hashes[c] && sameBytes(cur, old)) out = null;
    else {
      const d = encodeDelta(old, cur, this.slab);
      out = d.length < cur.length + 1 ? d : this.full(c);
    }
    row[c] = out;
    return out;
  }
};
var Bytes = class {
  buf;
  n = 0;
  constructor(size = 256) {
    this.buf = new Uint8Array(size);
  }
  room(k) {
    if (this.n + k <= this.buf.length) return;
    const b = new Uint8Array(Math.max(this.buf.length * 2, this.n + k));
    b.set(this.buf.subarray(0, this.n));
    this.buf = b;
  }
  u8(v) {
    this.room(1);
    this.buf[this.n++] = v;
  }
  varint(v) {
    this.room(5);
    while (v >= 128) {
      this.buf[this.n++] = v & 127 | 128;
      v >>>= 7;
    }
    this.buf[this.n++] = v;
  }
  bytes(b, from = 0, to = b.length) {
    const k = to - from;
    this.room(k);
    if (k <= 16) for (let j = 0; j < k; j++) this.buf[this.n + j] = b[from + j];
    else this.buf.set(from === 0 && to === b.length ? b : b.subarray(from, to), this.n);
    this.n += k;
  }
  dv = null;
  /** A DataView on the current buffer (kept until the buffer grows). */
  view() {
    if (!this.dv || this.dv.buffer !== this.buf.buffer) this.dv = new DataView(this.buf.buffer);
    return this.dv;
  }
  /** A copy of the bytes written so far: carved from `slab` when given, else its own buffer. */
  done(slab) {
    if (!slab) return this.buf.slice(0, this.n);
    const out = slab.alloc(this.n);
    out.set(this.n === this.buf.length ? this.buf : this.buf.subarray(0, this.n));
    return out;
  }
};
var SCRATCH = new Bytes(4096);
var CHUNK_SCRATCH = new Bytes(1024);
var MESSAGES = new Slab();
var CLIENT_CELLS = new Slab(4 * 1024);
var DELTA_SCRATCH = new Bytes(1024);
var APPLY_SCRATCH = new Bytes(1024);
var ADDED = new Int32Array(64);
var recId = (b, at) => (b[at] | b[at + 1] << 8 | b[at + 2] << 16 | b[at + 3] << 24) >>> 0;
var recU16 = (b, at) => b[at] | b[at + 1] << 8;
var keep = 0;
var drop = 0;
function flush(out) {
  for (; keep > 0; keep -= Math.min(keep, 64)) out.u8(OP_KEEP | Math.min(keep, 64) - 1);
  for (; drop > 0; drop -= Math.min(drop, 64)) out.u8(OP_DROP | Math.min(drop, 64) - 1);
}
function encodeDelta(old, cur, slab) {
  const out = DELTA_SCRATCH;
  out.n = 0;
  out.u8(CHUNK_DELTA);
  keep = 0;
  drop = 0;
  if (ADDED.length < cur.length / RECORD_BYTES) ADDED = new Int32Array(cur.length);
  const added = ADDED;
  let nAdded = 0;
  let i = 0;
  let j = 0;
  while (i < old.length || j < cur.length) {
    const a = i < old.length ? recId(old, i) : Infinity;
    const b = j < cur.length ? recId(cur, j) : Infinity;
    if (a === b) {
      let same = true;
      for (let k = 4; k < RECORD_BYTES; k++) if (old[i + k] !== cur[j + k]) same = false;
      if (same) {
        if (drop) flush(out);
        keep++;
      } else {
        flush(out);
        const dx = recU16(cur, j + 7) - recU16(old, i + 7);
        const dy = recU16(cur, j + 9) - recU16(old, i + 9);
        let onlyMoved = dx >= -64 && dx <= 63 && dy >= -64 && dy <= 63;
        for (let k = 4; k < 7 && onlyMoved; k++) if (old[i + k] !== cur[j + k]) onlyMoved = false;
        if (onlyMoved && (old[i + 11] !== cur[j + 11] || old[i + 12] !== cur[j + 12])) onlyMoved = false;
        if (onlyMoved) {
          const v = (dx & 127) << 7 | dy & 127;
          out.u8(OP_MOVE | v >> 8);
          out.u8(v & 255);
        } else {
          out.u8(OP_UPDATE);
          out.bytes(cur, j + 4, j + RECORD_BYTES);
        }
      }
      i += RECORD_BYTES;
      j += RECORD_BYTES;
    } else if (a < b) {
      if (keep) flush(out);
      drop++;
      i += RECORD_BYTES;
    } else {
      added[nAdded++] = j;
      j += RECORD_BYTES;
    }
  }
  if (drop) flush(out);
  if (nAdded) {
    out.u8(OP_NEW);
    out.varint(nAdded);
    for (let k = 0; k < nAdded; k++) out.bytes(cur, added[k], added[k] + RECORD_BYTES);
  }
  return out.done(slab);
}
var ClientBaselines = class {
  // A fixed ring indexed by tick % BASELINE_RING (no per-tick allocation: a server keeps one per client).
  ticks = new Int32Array(BASELINE_RING).fill(-1);
  zones = new Uint16Array(BASELINE_RING);
  rects = new Uint16Array(BASELINE_RING * 4);
  selves = new Array(BASELINE_RING);
  acked = -1;
  has(tick) {
    return tick >= 0 && this.ticks[tick % BASELINE_RING] === tick;
  }
  /** The client acknowledged a snapshot (it now holds that state); unknown or older ticks are ignored. */
  ack(tick) {
    if (tick > this.acked && this.has(tick)) this.acked = tick;
  }
  /** The tick the next snapshot will be a delta against, or -1. */
  get baseline() {
    return this.acked;
  }
  /** Forgets every baseline (the next snapshot is full), e.g. after the client reported a gap. */
  reset() {
    this.acked = -1;
    this.ticks.fill(-1);
    this.selves.fill(void 0);
  }
  /** Encodes the current tick's snapshot of `zone` for this client over the cells of `rect`. */
  encode(zone, rect, extras = {}) {
    const frame = zone.current;
    if (this.acked >= 0 && !this.has(this.acked)) this.acked = -1;
    const slot = this.acked >= 0 ? this.acked % BASELINE_RING : -1;
    const baseFrame = slot >= 0 && this.zones[slot] === zone.zone ? zone.frame(this.acked) : void 0;
    const base = baseFrame ? {
      rect: {
        cx0: this.rects[slot * 4],
        cy0: this.rects[slot * 4 + 1],
        w: this.rects[slot * 4 + 2],
        h: this.rects[slot * 4 + 3]
      },
      self: this.selves[slot]
    } : void 0;
    const cellsX = frame.cellsX;
    const cellCount = rect.w * rect.h;
    const maskBytes = cellCount + 7 >> 3;
    const out = SCRATCH;
    out.n = 0;
    out.room(HEADER_BYTES + maskBytes);
    const dv = out.view();
    out.buf[0] = PROTOCOL_VERSION;
    out.buf[1] = SNAPSHOT_TYPE;
    dv.setUint32(2, frame.tick, true);
    dv.setUint32(6, base ? this.acked : 4294967295, true);
    dv.setUint16(10, zone.zone, true);
    dv.setUint16(12, (extras.ackSeq ?? 0) & 65535, true);
    dv.setUint16(14, rect.cx0, true);
    dv.setUint16(16, rect.cy0, true);
    out.buf[18] = rect.w;
    out.buf[19] = rect.h;
    const baseSelf = base?.self;
    const sendSelf = extras.self !== void 0 && !(baseSelf && sameBytes(baseSelf, extras.self));
    out.buf[20] = (sendSelf ? 1 : 0) | (extras.events?.length ? 2 : 0);
    out.n = HEADER_BYTES + maskBytes;
    out.buf.fill(0, HEADER_BYTES, HEADER_BYTES + maskBytes);
    const r0 = base?.rect;
    const row = baseFrame ? zone.deltaRow(baseFrame.tick) : null;
    let k = 0;
    for (let cy = rect.cy0; cy < rect.cy0 + rect.h; cy++)
      for (let cx = rect.cx0; cx < rect.cx0 + rect.w; cx++, k++) {
        const c = cy * cellsX + cx;
        const inBase = r0 && cx >= r0.cx0 && cx < r0.cx0 + r0.w && cy >= r0.cy0 && cy < r0.cy0 + r0.h;
        let chunk;
        if (inBase) {
          chunk = row[c];
          if (chunk === void 0) chunk = zone.changed(c, baseFrame);
        } else chunk = zone.full(c);
        if (!chunk) continue;
        out.buf[HEADER_BYTES + (k >> 3)] |= 1 << (k & 7);
        out.varint(chunk.length);
        out.bytes(chunk);
      }
    if (sendSelf) {
      out.varint(extras.self.length);
      out.bytes(extras.self);
    }
    if (extras.events?.length) {
      out.varint(extras.events.length);
      out.bytes(extras.events);
    }
    const at = frame.tick % BASELINE_RING;
    this.ticks[at] = frame.tick;
    this.zones[at] = zone.zone;
    this.rects[at * 4] = rect.cx0;
    this.rects[at * 4 + 1] = rect.cy0;
    this.rects[at * 4 + 2] = rect.w;
    this.rects[at * 4 + 3] = rect.h;
    this.selves[at] = extras.self ?? baseSelf;
    if (this.acked >= 0 && !this.has(this.acked)) this.acked = -1;
    return out.done(MESSAGES);
  }
};

// lab/load/net-probe.ts
var ROW_STRIDE = 1 << 20;
var NetProbe = class {
  constructor(world, o) {
    this.world = world;
    this.o = o;
    this.zones = world.zones.map((z) => new ZoneSnapshots(z.geometry.id));
  }
  world;
  o;
  zones;
  baselines = /* @__PURE__ */ new Map();
  /** Encodes this tick's snapshots for the sample; call after each step with its events. */
  afterTick(events) {
    const sample = this.o.sample ?? 100;
    const bots = [];
    for (const z of this.world.zones) {
      const kind = z.u8("kind");
      const owner = z.u32("owner");
      const ids = z.u32("id");
      for (let i = 0; i < z.count; i++)
        if (kind[i] === ENTITY_KIND.player && owner[i] >= BOT_OWNER_BASE)
          bots.push({ id: ids[i], zone: z.geometry.id, i });
    }
    bots.sort((a, b) => a.id - b.id);
    const chosen = bots.slice(0, sample);
    if (!chosen.length) return { bytesPerClient: 0, bots: 0 };
    const tick = this.world.tick;
    const used = new Set(chosen.map((b) => b.zone));
    const perZone = /* @__PURE__ */ new Map();
    for (const zi of used) {
      const z = this.world.zones[zi];
      buildGrid(z);
      this.zones[zi].encodeTick(z, tick);
      perZone.set(zi, { self: new SelfEncoder(z, this.o.content), events: [] });
    }
    const wanted = /* @__PURE__ */ new Set();
    for (const e of events) if (e.kind !== "cast-rejected" && e.kind !== "console") wanted.add(e.entity);
    const where = /* @__PURE__ */ new Map();
    if (wanted.size)
      for (const zi of used) {
        const z = this.world.zones[zi];
        const ids = z.u32("id");
        for (let i = 0; i < z.count; i++) if (wanted.has(ids[i])) where.set(ids[i], zi * ROW_STRIDE + i);
      }
    for (const e of events) {
      const at = where.get(e.entity);
      if (at === void 0 || e.kind === "cast-rejected" || e.kind === "console") continue;
      const zi = Math.floor(at / ROW_STRIDE);
      const i = at % ROW_STRIDE;
      const z = this.world.zones[zi];
      perZone.get(zi).events.push({ cell: z.cellAt(z.f32("x")[i], z.f32("y")[i]), bytes: encodeEvent(e) });
    }
    let bytes2 = 0;
    for (const b of chosen) {
      const z = this.world.zones[b.zone];
      let base = this.baselines.get(b.id);
      if (!base) this.baselines.set(b.id, base = new ClientBaselines());
      const rect = interestRect(
        z,
        z.f32("x")[b.i],
        z.f32("y")[b.i],
        Math.ceil((this.o.interestM ?? 32) / z.geometry.cellM)
      );
      const pz = perZone.get(b.zone);
      const cellsX = z.geometry.cellsX;
      let evBytes2 = 0;
      const vis = [];
      for (const e of pz.events) {
        const cx = e.cell % cellsX;
        const cy = Math.floor(e.cell / cellsX);
        if (cx >= rect.cx0 && cx < rect.cx0 + rect.w && cy >= rect.cy0 && cy < rect.cy0 + rect.h) {
          vis.push(e.bytes);
          evBytes2 += e.bytes.length;
        }
      }
      const evs = new Uint8Array(evBytes2);
      let off = 0;
      for (const v of vis) {
        evs.set(v, off);
        off += v.length;
      }
      const snap = base.encode(this.zones[b.zone], rect, { self: pz.self.encode(b.i), events: evs });
      bytes2 += snap.length;
      if (tick % 2 === 0) base.ack(tick);
    }
    return { bytesPerClient: bytes2 / chosen.length, bots: bots.length };
  }
};

// lab/runner/run.ts
async function runScenario(o) {
  const ticks = o.ticks ?? o.scenario.ticks;
  const seed = o.seed ?? o.scenario.seed ?? 1;
  const world = await World.create(scenarioToWorldOptions(o.scenario, { workers: o.workers ?? 0, seed }));
  const t0 = performance.now();
  const sink = o.sink;
  const every = Math.max(1, o.hashEveryTicks ?? Math.max(10, Math.ceil(ticks / 25)));
  let lastHash = null;
  let lastHashTick = -1;
  const sample = o.scenario.bots ? o.netSample ?? 100 : 0;
  const probe = sample > 0 ? new NetProbe(world, { content: resolveContent(o.scenario.content ?? {}), sample }) : null;
  let netBytes = 0;
  let netTicks = 0;
  let netBots = 0;
  try {
    if (sink) {
      await sink.hash(0, lastHash = world.hash());
      lastHashTick = 0;
    }
    const res = await driveWorld(world, {
      ticks,
      signal: o.signal,
      onTick: async (report, ms) => {
        await o.onTick?.(report, world);
        let bytesOut = 0;
        if (probe) {
          const n = probe.afterTick(report.events);
          netBytes += n.bytesPerClient;
          netTicks++;
          netBots = n.bots;
          bytesOut = Math.round(n.bytesPerClient * n.bots);
        }
        if (sink) {
          await sink.tick(report, { durationMs: ms, agents: world.agents, bytesOut });
          if (report.tick % every === 0 || report.tick === ticks) {
            await sink.hash(report.tick, lastHash = world.hash());
            lastHashTick = report.tick;
          }
        }
        o.onProgress?.({ tick: report.tick, ticks, agents: world.agents, tickMs: ms });
      }
    });
    const worldHash = world.hash();
    const status = res.aborted ? "stopped" : "finished";
    if (sink) {
      if (lastHashTick !== world.tick) await sink.hash(world.tick, worldHash);
      await sink.finish(status, worldHash);
    }
    return {
      scenario: o.scenario.name,
      seed,
      status,
      worldHash,
      ticks: world.tick,
      agents: world.agents,
      workers: world.workers,
      tickMs: summarise(res.durationsMs.subarray(Math.min(o.warmupTicks ?? 0, res.durationsMs.length))),
      warmupTicks: o.warmupTicks ?? 0,
      lateTicks: res.durationsMs.subarray(Math.min(o.warmupTicks ?? 0, res.durationsMs.length)).filter((ms) => ms > 1e3 / world.config.tickRate).length,
      wallMs: performance.now() - t0,
      ...probe && netTicks ? {
        net: {
          bytesPerClientPerS: Math.round(netBytes / netTicks * world.config.tickRate),
          sampledClients: Math.min(sample, netBots),
          bots: netBots
        }
      } : {}
    };
  } catch (err) {
    await sink?.finish("failed", lastHash, err instanceof Error ? err.message : String(err));
    throw err;
  } finally {
    await world.close();
  }
}
function summarise(durationsMs) {
  const r = (v) => Math.round(v * 1e3) / 1e3;
  return {
    p50: r(percentile(durationsMs, 50)),
    p95: r(percentile(durationsMs, 95)),
    p99: r(percentile(durationsMs, 99))
  };
}

// lab/store/recorder.ts
import { mkdirSync, renameSync as renameSync2, rmSync, unlinkSync, writeFileSync as writeFileSync2 } from "node:fs";
import { hostname } from "node:os";
import { join as join2 } from "node:path";
import { DOUBLE, DuckDBDataChunk, DuckDBInstance, INTEGER } from "@duckdb/node-api";

// lab/store/column-buffer.ts
var ColumnBuffer = class {
  constructor(make, capacity = 4096) {
    this.make = make;
    this.data = make(capacity);
  }
  make;
  data;
  /** Rows written. */
  length = 0;
  /** Appends one value. */
  push(v) {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data);
      this.data = next;
    }
    this.data[this.length++] = v;
  }
  /** The written values (a view, valid until the next push). */
  view() {
    return this.data.subarray(0, this.length);
  }
};
var int32Column = (capacity) => new ColumnBuffer((n) => new Int32Array(n), capacity);
var float64Column = (capacity) => new ColumnBuffer((n) => new Float64Array(n), capacity);

// lab/store/layout.ts
import { readdirSync, renameSync, writeFileSync } from "node:fs";
import { join } from "node:path";
var RUN_ID_PATTERN = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;
function checkRunId(runId) {
  if (!RUN_ID_PATTERN.test(runId) || runId.includes(".."))
    throw new Error(
      `invalid run id '${runId}': use letters, digits, '.', '_' and '-' (at most 128, starting with a letter or digit)`
    );
}
function runsDir(root) {
  return join(root, "runs");
}
function runDir(root, runId) {
  return join(runsDir(root), runId);
}
function segmentName(from, to) {
  return `${String(from).padStart(6, "0")}-${String(to).padStart(6, "0")}.parquet`;
}
function writeFileAtomic(path, text) {
  const tmp = `${path}.${process.pid}.tmp`;
  writeFileSync(tmp, text);
  renameSync(tmp, path);
}
function sqlString(s) {
  return `'${s.replace(/'/g, "''")}'`;
}

// lab/store/schema.ts
var RUN_STATUS = {
  running: "running",
  finished: "finished",
  stopped: "stopped",
  failed: "failed"
};
var POINT_TABLES = {
  metrics: [
    ["run_id", "VARCHAR"],
    ["tick", "INTEGER"],
    ["zone", "INTEGER"],
    ["species", "VARCHAR"],
    ["key", "VARCHAR"],
    ["value", "DOUBLE"]
  ],
  genes: [
    ["run_id", "VARCHAR"],
    ["tick", "INTEGER"],
    ["zone", "INTEGER"],
    ["species", "VARCHAR"],
    ["locus", "VARCHAR"],
    ["allele", "VARCHAR"],
    ["freq", "DOUBLE"]
  ],
  events: [
    ["run_id", "VARCHAR"],
    ["tick", "INTEGER"],
    ["zone", "INTEGER"],
    ["kind", "VARCHAR"],
    ["entity", "BIGINT"],
    ["data", "JSON"]
  ],
  // `clients` and `late` serve load scenarios (bytes per client, late ticks); NULL when not measured.
  ticks: [
    ["run_id", "VARCHAR"],
    ["tick", "INTEGER"],
    ["duration_ms", "DOUBLE"],
    ["agents", "INTEGER"],
    ["bytes_out", "BIGINT"],
    ["clients", "INTEGER"],
    ["late", "BOOLEAN"]
  ],
  hashes: [
    ["run_id", "VARCHAR"],
    ["tick", "INTEGER"],
    ["world_hash", "VARCHAR"]
  ]
};
var POINT_TABLE_NAMES = Object.keys(POINT_TABLES);
var RESULT_TABLES = ["runs", ...POINT_TABLE_NAMES];
var DUCKDB_BASE_OPTIONS = {
  autoinstall_known_extensions: "false",
  autoload_known_extensions: "false"
};

// lab/store/recorder.ts
var Batch = class {
  mTick = int32Column();
  mZone = int32Column();
  mSeries = int32Column();
  mValue = float64Column();
  gTick = int32Column(256);
  gZone = int32Column(256);
  gSeries = int32Column(256);
  gFreq = float64Column(256);
  events = [];
  ticks = [];
  hashes = [];
  get rows() {
    return this.mTick.length + this.gTick.length + this.events.length + this.ticks.length + this.hashes.length;
  }
};
var CHUNK = 2048;
var FINAL_STATUSES = [RUN_STATUS.finished, RUN_STATUS.stopped, RUN_STATUS.failed];
var NUMERIC_TYPES = [INTEGER, INTEGER, INTEGER, DOUBLE];
function nestParams(params) {
  const out = {};
  for (const [k, v] of Object.entries(params)) {
    const path = k.split(".");
    let at = out;
    for (const p of path.slice(0, -1)) {
      const next = at[p];
      if (typeof next !== "object" || next === null || Array.isArray(next)) at[p] = {};
      at = at[p];
    }
    const last = path[path.length - 1];
    const prev = at[last];
    at[last] = isPlainObject(prev) && isPlainObject(v) ? nestParams({ ...prev, ...v }) : v;
  }
  return out;
}
var isPlainObject = (v) => typeof v === "object" && v !== null && !Array.isArray(v);
var Recorder = class _Recorder {
  constructor(con, instance, o) {
    this.con = con;
    this.instance = instance;
    const r = o.run;
    this.dir = runDir(o.root, r.runId);
    this.flushMs = o.flushMs ?? 1e3;
    this.maxRows = o.maxBufferedRows ?? 1e6;
    this.fanIn = Math.max(2, o.mergeFanIn ?? 16);
    this.mergeMaxRows = o.mergeMaxRows ?? 1e6;
    this.genePrefix = o.geneKeyPrefix ?? "allele.";
    this.runIdSql = sqlString(r.runId);
    this.doc = {
      format: 1,
      run_id: r.runId,
      scenario: r.scenario,
      sweep_id: r.sweepId ?? null,
      params: nestParams(r.params ?? {}),
      seed: String(r.seed),
      started_at: (/* @__PURE__ */ new Date()).toISOString(),
      finished_at: null,
      status: RUN_STATUS.running,
      world_hash: null,
      error: null,
      last_tick: null,
      writer: { pid: process.pid, host: hostname() }
    };
  }
  con;
  instance;
  /** The run's directory. */
  dir;
  batch = new Batch();
  mSeriesIds = /* @__PURE__ */ new Map();
  mSeriesNames = [];
  gSeriesIds = /* @__PURE__ */ new Map();
  gSeriesNames = [];
  files = {
    metrics: [],
    genes: [],
    events: [],
    ticks: [],
    hashes: []
  };
  seq = 0;
  chain = Promise.resolve();
  inFlight = 0;
  failure = null;
  lastFlushMs = performance.now();
  lastTick = null;
  closed = false;
  doc;
  flushMs;
  maxRows;
  fanIn;
  mergeMaxRows;
  genePrefix;
  runIdSql;
  serial = freeSerials.pop() ?? ++recorderCount;
  extra = [];
  /**
   * Creates the run's directory and its `run.json` (status `running`, visible to readers at once). Fails if
   * the run id is not a safe directory name or a run with that id already exists.
   */
  static async open(o) {
    checkRunId(o.run.runId);
    const dir = runDir(o.root, o.run.runId);
    mkdirSync(join2(dir, ".."), { recursive: true });
    try {
      mkdirSync(dir);
    } catch (err) {
      if (err.code === "EEXIST")
        throw new Error(`run '${o.run.runId}' already exists in ${o.root} (${dir})`);
      throw err;
    }
    let con = null;
    try {
      const instance = sharedInstance(o.threads ?? 1);
      con = await (await instance).connect();
      const rec = new _Recorder(con, instance, o);
      for (const t of Object.keys(POINT_TABLES)) mkdirSync(join2(dir, t));
      writeFileSync2(join2(dir, "scenario.json"), JSON.stringify(o.run.scenarioJson ?? null));
      rec.writeDoc();
      return rec;
    } catch (err) {
      con?.closeSync();
      rmSync(dir, { recursive: true, force: true });
      throw err;
    }
  }
  /** The run's id. */
  get runId() {
    return this.doc.run_id;
  }
  /** Rows buffered and not yet handed to a flush. */
  get bufferedRows() {
    return this.batch.rows;
  }
  /** Buffers one metric sample. */
  record(m) {
    if (this.closed) throw this.closedError();
    let byKey = this.mSeriesIds.get(m.species);
    if (byKey === void 0) this.mSeriesIds.set(m.species, byKey = /* @__PURE__ */ new Map());
    let s = byKey.get(m.key);
    if (s === void 0) {
      s = this.mSeriesNames.length;
      byKey.set(m.key, s);
      this.mSeriesNames.push([m.species, m.key]);
    }
    const b = this.batch;
    b.mTick.push(m.tick);
    b.mZone.push(m.zone);
    b.mSeries.push(s);
    b.mValue.push(m.value);
    if (b.mTick.length >= this.maxRows) this.startFlush();
  }
  /** Buffers many metric samples. */
  recordMany(rows) {
    for (const m of rows) this.record(m);
  }
  /** Buffers one allele frequency. */
  recordGene(g) {
    if (this.closed) throw this.closedError();
    let byLocus = this.gSeriesIds.get(g.species);
    if (byLocus === void 0) this.gSeriesIds.set(g.species, byLocus = /* @__PURE__ */ new Map());
    let byAllele = byLocus.get(g.locus);
    if (byAllele === void 0) byLocus.set(g.locus, byAllele = /* @__PURE__ */ new Map());
    let s = byAllele.get(g.allele);
    if (s === void 0) {
      s = this.gSeriesNames.length;
      byAllele.set(g.allele, s);
      this.gSeriesNames.push([g.species, g.locus, g.allele]);
    }
    const b = this.batch;
    b.gTick.push(g.tick);
    b.gZone.push(g.zone);
    b.gSeries.push(s);
    b.gFreq.push(g.freq);
    if (b.gTick.length >= this.maxRows) this.startFlush();
  }
  /** Buffers one event. */
  recordEvent(e) {
    if (this.closed) throw this.closedError();
    this.batch.events.push([
      e.tick,
      e.zone,
      e.kind,
      BigInt(e.entity),
      e.data === void 0 ? null : JSON.stringify(e.data)
    ]);
    if (this.batch.events.length >= this.maxRows) this.startFlush();
  }
  /** Buffers a tick's figures (and notes the tick as the run's progress). */
  recordTick(t) {
    if (this.closed) throw this.closedError();
    this.batch.ticks.push([
      t.tick,
      t.durationMs,
      t.agents,
      t.bytesOut ?? null,
      t.clients ?? null,
      t.late ?? null
    ]);
    if (this.lastTick === null || t.tick > this.lastTick) this.lastTick = t.tick;
  }
  /** Buffers the world hash at a tick (what `replay` checks). */
  recordHash(tick, worldHash) {
    if (this.closed) throw this.closedError();
    this.batch.hashes.push([tick, worldHash]);
  }
  /**
   * Buffers an engine tick report: its metrics (keys `allele.<locus>.<allele>` go to genes) and its
   * events. Tick figures and hashes are separate (`recordTick`, `recordHash`).
   */
  recordReport(report) {
    const prefix = this.genePrefix;
    for (const m of report.metrics) {
      if (prefix !== "" && m.key.startsWith(prefix)) {
        const rest = m.key.slice(prefix.length);
        const dot = rest.lastIndexOf(".");
        if (dot > 0) {
          this.recordGene({
            tick: m.tick,
            zone: m.zone,
            species: m.species,
            locus: rest.slice(0, dot),
            allele: rest.slice(dot + 1),
            freq: m.value
          });
          continue;
        }
      }
      this.record(m);
    }
    for (const e of report.events) this.recordEvent(e);
  }
  /**
   * Starts a flush when one is due (`flushMs` elapsed or `maxBufferedRows` reached). Resolves at once,
   * unless a flush is due while two are still being written: then it waits (back-pressure).
   */
  async flushIfDue() {
    this.throwIfFailed();
    const due = this.batch.rows >= this.maxRows || this.batch.rows > 0 && performance.now() - this.lastFlushMs >= this.flushMs;
    if (!due) return;
    this.startFlush();
    if (this.inFlight > 1) await this.chain;
    this.throwIfFailed();
  }
  /** Writes everything buffered so far and waits until it is on disk and visible to readers. */
  async flush() {
    this.throwIfFailed();
    this.startFlush();
    await this.chain;
    this.throwIfFailed();
  }
  /**
   * Flushes what is left, merges small segments and marks the run finished, stopped or failed. A run
   * whose recording failed is marked failed (with the recording error) whatever `status` says, and the
   * error is rethrown after the run is closed.
   */
  async close(status, worldHash = null, error) {
    if (this.closed) throw new Error(`run '${this.runId}' is already closed (${this.doc.status})`);
    if (!FINAL_STATUSES.includes(status))
      throw new Error(`close() needs finished, stopped or failed (got '${String(status)}')`);
    this.closed = true;
    this.startFlush();
    await this.chain;
    if (!this.failure) {
      this.chain = this.chain.then(() => this.mergeAtClose());
      await this.chain;
    }
    const failure = this.failure;
    this.doc.status = failure ? RUN_STATUS.failed : status;
    this.doc.error = failure ? `recording failed: ${failure.message}` : error ?? null;
    this.doc.world_hash = worldHash;
    this.doc.finished_at = (/* @__PURE__ */ new Date()).toISOString();
    this.doc.last_tick = this.lastTick;
    try {
      this.writeDoc();
    } finally {
      for (const c of this.extra) c.closeSync();
      this.con.closeSync();
      freeSerials.push(this.serial);
    }
    if (failure) throw failure;
  }
  throwIfFailed() {
    if (this.failure) throw this.failure;
    if (this.closed) throw this.closedError();
  }
  closedError() {
    return new Error(`run '${this.runId}' is closed (${this.doc.status}): nothing more can be recorded`);
  }
  // Hands the current batch to the write chain (synchronously swaps in an empty one).
  startFlush() {
    this.lastFlushMs = performance.now();
    const b = this.batch;
    if (b.rows === 0) return;
    this.batch = new Batch();
    const seq = ++this.seq;
    const lastTick = this.lastTick;
    this.inFlight++;
    this.chain = this.chain.then(async () => {
      try {
        if (!this.failure) await this.writeBatch(b, seq, lastTick);
      } catch (err) {
        this.failure = err instanceof Error ? err : new Error(String(err));
      } finally {
        this.inFlight--;
      }
    });
  }
  async writeBatch(b, seq, lastTick) {
    const con = this.con;
    const out = [];
    if (b.mTick.length > 0) {
      await stageNumeric(con, this.stage("metrics"), [b.mTick, b.mZone, b.mSeries, b.mValue]);
      const species = sqlList(this.mSeriesNames.map((s) => s[0]));
      const keys = sqlList(this.mSeriesNames.map((s) => s[1]));
      out.push({
        table: "metrics",
        rows: b.mTick.length,
        select: `SELECT ${this.runIdSql} AS run_id, c0 AS tick, c1 AS zone, ${species}[c2 + 1] AS species, ${keys}[c2 + 1] AS key, c3 AS value FROM ${this.stage("metrics")}`
      });
    }
    if (b.gTick.length > 0) {
      await stageNumeric(con, this.stage("genes"), [b.gTick, b.gZone, b.gSeries, b.gFreq]);
      const species = sqlList(this.gSeriesNames.map((s) => s[0]));
      const loci = sqlList(this.gSeriesNames.map((s) => s[1]));
      const alleles = sqlList(this.gSeriesNames.map((s) => s[2]));
      out.push({
        table: "genes",
        rows: b.gTick.length,
        select: `SELECT ${this.runIdSql} AS run_id, c0 AS tick, c1 AS zone, ${species}[c2 + 1] AS species, ${loci}[c2 + 1] AS locus, ${alleles}[c2 + 1] AS allele, c3 AS freq FROM ${this.stage("genes")}`
      });
    }
    if (b.events.length > 0) {
      await stageRows(
        con,
        this.stage("events"),
        "tick INTEGER, zone INTEGER, kind VARCHAR, entity BIGINT, data VARCHAR",
        b.events,
        (a, [tick, zone, kind, entity, data]) => {
          a.appendInteger(tick);
          a.appendInteger(zone);
          a.appendVarchar(kind);
          a.appendBigInt(entity);
          if (data === null) a.appendNull();
          else a.appendVarchar(data);
        }
      );
      out.push({
        table: "events",
        rows: b.events.length,
        select: `SELECT ${this.runIdSql} AS run_id, tick, zone, kind, entity, data::JSON AS data FROM ${this.stage("events")}`
      });
    }
    if (b.ticks.length > 0) {
      await stageRows(
        con,
        this.stage("ticks"),
        "tick INTEGER, duration_ms DOUBLE, agents INTEGER, bytes_out BIGINT, clients INTEGER, late BOOLEAN",
        b.ticks,
        (a, [tick, ms, agents, bytes2, clients, late]) => {
          a.appendInteger(tick);
          a.appendDouble(ms);
          a.appendInteger(agents);
          if (bytes2 === null) a.appendNull();
          else a.appendBigInt(BigInt(Math.round(bytes2)));
          if (clients === null) a.appendNull();
          else a.appendInteger(clients);
          if (late === null) a.appendNull();
          else a.appendBoolean(late);
        }
      );
      out.push({
        table: "ticks",
        rows: b.ticks.length,
        select: `SELECT ${this.runIdSql} AS run_id, * FROM ${this.stage("ticks")}`
      });
    }
    if (b.hashes.length > 0) {
      await stageRows(
        con,
        this.stage("hashes"),
        "tick INTEGER, world_hash VARCHAR",
        b.hashes,
        (a, [tick, h]) => {
          a.appendInteger(tick);
          a.appendVarchar(h);
        }
      );
      out.push({
        table: "hashes",
        rows: b.hashes.length,
        select: `SELECT ${this.runIdSql} AS run_id, * FROM ${this.stage("hashes")}`
      });
    }
    const paths = out.map((o) => join2(this.dir, o.table, segmentName(seq, seq)));
    await Promise.all(out.map(async (o, i) => copyToParquet(await this.connection(i), o.select, paths[i])));
    for (const [i, o] of out.entries()) {
      this.files[o.table].push({ from: seq, to: seq, level: 0, rows: o.rows, path: paths[i] });
      await this.mergeTail(o.table);
    }
    this.doc.last_tick = lastTick;
    this.writeDoc();
  }
  // Connection `i` of this recorder (0 is the one it stages on; more are opened on demand).
  async connection(i) {
    if (i === 0) return this.con;
    while (this.extra.length < i) this.extra.push(await (await this.instance).connect());
    return this.extra[i - 1];
  }
  // Merges the last `fanIn` segments when they are all of one level (an LSM-style tail): a long run keeps
  // O(fanIn · log n) files, and each row is rewritten O(log n) times.
  async mergeTail(table) {
    const files = this.files[table];
    for (; ; ) {
      const n = files.length;
      if (n < this.fanIn) break;
      const tail = files.slice(n - this.fanIn);
      const level = tail[0].level;
      if (!tail.every((f) => f.level === level)) break;
      if (tail.reduce((s, f) => s + f.rows, 0) > this.mergeMaxRows) break;
      files.splice(n - this.fanIn, this.fanIn, await this.merge(table, tail, level + 1));
    }
  }
  // At the end, fold the trailing small segments of each table into one (of at most `mergeMaxRows`).
  async mergeAtClose() {
    for (const table of Object.keys(this.files)) {
      const files = this.files[table];
      let k = files.length;
      let rows = 0;
      while (k > 0 && rows + files[k - 1].rows <= this.mergeMaxRows) rows += files[--k].rows;
      if (files.length - k < 2) continue;
      const tail = files.slice(k);
      const level = Math.max(...tail.map((f) => f.level)) + 1;
      files.splice(k, tail.length, await this.merge(table, tail, level));
    }
  }
  async merge(table, parts, level) {
    const from = parts[0].from;
    const to = parts[parts.length - 1].to;
    const path = join2(this.dir, table, segmentName(from, to));
    await copyToParquet(this.con, `SELECT * FROM read_parquet(${sqlList(parts.map((p) => p.path))})`, path);
    for (const p of parts) unlinkSync(p.path);
    return { from, to, level, rows: parts.reduce((n, p) => n + p.rows, 0), path };
  }
  // Staging tables are per recorder: recorders of a thread share one DuckDB.
  stage(table) {
    return `stage_${this.serial}_${table}`;
  }
  writeDoc() {
    writeFileAtomic(join2(this.dir, "run.json"), JSON.stringify(this.doc));
  }
};
var recorderCount = 0;
var freeSerials = [];
var shared = null;
function sharedInstance(threads) {
  shared ??= DuckDBInstance.create(":memory:", { ...DUCKDB_BASE_OPTIONS, threads: String(threads) });
  return shared.catch((err) => {
    shared = null;
    throw err;
  });
}
async function copyToParquet(con, select, path) {
  const tmp = `${path}.tmp`;
  await con.run(`COPY (${select}) TO ${sqlString(tmp)} (FORMAT parquet, COMPRESSION zstd)`);
  renameSync2(tmp, path);
}
async function stageNumeric(con, name, cols) {
  await con.run(`CREATE OR REPLACE TABLE ${name} (c0 INTEGER, c1 INTEGER, c2 INTEGER, c3 DOUBLE)`);
  const views = cols.map((c) => c.view());
  const n = views[0].length;
  const a = await con.createAppender(name);
  try {
    for (let off = 0; off < n; off += CHUNK) {
      const len = Math.min(CHUNK, n - off);
      const chunk = DuckDBDataChunk.create(NUMERIC_TYPES, len);
      for (let c = 0; c < 4; c++) {
        const v = chunk.getColumnVector(c);
        const src = views[c];
        for (let i = 0; i < len; i++) v.setItem(i, src[off + i]);
        v.flush();
      }
      a.appendDataChunk(chunk);
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}
async function stageRows(con, name, ddl, rows, write) {
  await con.run(`CREATE OR REPLACE TABLE ${name} (${ddl})`);
  const a = await con.createAppender(name);
  try {
    for (const r of rows) {
      write(a, r);
      a.endRow();
    }
    a.flushSync();
  } finally {
    a.closeSync();
  }
}
var sqlList = (items) => `([${items.map(sqlString).join(", ")}]::VARCHAR[])`;

// lab/store/run-sink.ts
function recorderSink(rec) {
  return {
    tick(report, f) {
      rec.recordReport(report);
      rec.recordTick({
        tick: report.tick,
        durationMs: f.durationMs,
        agents: f.agents,
        bytesOut: f.bytesOut,
        clients: f.clients,
        late: f.late
      });
      return rec.flushIfDue();
    },
    hash(tick, worldHash) {
      rec.recordHash(tick, worldHash);
    },
    finish(status, worldHash, error) {
      return rec.close(status, worldHash, error);
    }
  };
}

// lab/store/reader.ts
import { DuckDBTypeId, StatementType } from "@duckdb/node-api";

// lab/store/duckdb.ts
import { DuckDBInstance as DuckDBInstance2 } from "@duckdb/node-api";

// lab/store/reader.ts
var BIG_INTEGER_TYPES = /* @__PURE__ */ new Set([
  DuckDBTypeId.BIGINT,
  DuckDBTypeId.UBIGINT,
  DuckDBTypeId.HUGEINT,
  DuckDBTypeId.UHUGEINT
]);

// lab/runner/sinks.ts
async function openSink(target, meta) {
  if (target.kind === "none") return NULL_SINK;
  const rec = await Recorder.open({
    root: target.dir,
    run: {
      runId: meta.runId,
      scenario: meta.scenario,
      params: meta.params,
      seed: meta.seed,
      scenarioJson: meta.scenarioJson,
      sweepId: meta.sweepId ?? null
    }
  });
  return recorderSink(rec);
}
var NULL_SINK = {
  tick() {
  },
  hash() {
  },
  async finish() {
  }
};

// lab/runner/sweep-plan.ts
function nestParams2(flat) {
  const out = {};
  for (const [path, raw] of Object.entries(flat)) {
    const keys = path.split(".");
    let node = out;
    for (const k of keys.slice(0, -1)) node = node[k] ??= {};
    const n = Number(raw);
    node[keys.at(-1)] = raw.trim() !== "" && Number.isFinite(n) ? n : raw === "true" ? true : raw === "false" ? false : raw;
  }
  return out;
}

// lab/runner/sweep-worker.ts
function foldMetrics(metrics) {
  const acc = /* @__PURE__ */ new Map();
  for (const m of metrics) {
    const k = `${m.species}\0${m.key}`;
    const a = acc.get(k) ?? { species: m.species, key: m.key, sum: 0, n: 0 };
    a.sum += m.value;
    a.n++;
    acc.set(k, a);
  }
  const additive = (key) => key === "count" || key === "births" || key.startsWith("deaths.");
  return [...acc.values()].map((a) => ({
    species: a.species,
    key: a.key,
    value: additive(a.key) ? a.sum : a.sum / a.n
  }));
}
async function runSweepJob(task) {
  const scenario = parseScenario(task.text, { file: task.file, overrides: task.overrides });
  const ac = new AbortController();
  task.port.on("message", (m) => {
    if (m === "stop") ac.abort();
  });
  const sink = await openSink(task.target, {
    runId: task.runId,
    scenario: scenario.name,
    scenarioJson: scenario,
    params: { ...nestParams2(task.params), seed: task.seed },
    seed: task.seed,
    sweepId: task.sweepId
  });
  let lastPost = 0;
  let tickMetrics;
  try {
    const summary = await runScenario({
      scenario,
      seed: task.seed,
      signal: ac.signal,
      sink,
      hashEveryTicks: task.hashEveryTicks,
      onTick: (report) => {
        tickMetrics = report.metrics.length > 0 ? foldMetrics(report.metrics) : void 0;
      },
      onProgress: (p) => {
        if (tickMetrics || p.tick - lastPost >= Math.max(1, Math.floor(p.ticks / 100)) || p.tick === p.ticks) {
          lastPost = p.tick;
          task.port.postMessage({
            type: "progress",
            tick: p.tick,
            ticks: p.ticks,
            agents: p.agents,
            tickMs: p.tickMs,
            metrics: tickMetrics
          });
        }
      }
    });
    return { ...summary, runId: task.runId };
  } finally {
    task.port.close();
  }
}
export {
  runSweepJob as default,
  foldMetrics
};
