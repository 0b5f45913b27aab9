import type { Rng } from '../../engine/rng/rng.ts';
import { FLAG } from '../../engine/zone/layout.ts';
import type { ZoneViews } from '../../engine/zone/zone.ts';
import { captureChance } from './capture.ts';
import type { CaptureParams } from './capture.ts';

/** A creature in a player's roster: what it was in the world, kept after it left. */
export interface RosterCreature {
  id: number;
  species: string;
  name: string;
  /** Genome lanes (2 × loci) and trait values by name, as they were at capture. */
  genome: number[];
  traits: Record<string, number>;
  capturedAtTick: number;
  /** 0 for a wild-caught creature, parents' highest + 1 for a bred one. */
  generation?: number;
  /** Parent ids of a bred creature. */
  parents?: [number, number];
}

/** A player's captured creatures (persistence is the game server's: this is the data and its rules). */
export class Roster {
  private readonly creatures = new Map<number, RosterCreature>();

  constructor(
    readonly owner: string,
    readonly capacity = 50,
  ) {}

  list(): RosterCreature[] {
    return [...this.creatures.values()];
  }

  get(id: number): RosterCreature | undefined {
    return this.creatures.get(id);
  }

  /** Adds a creature; a full roster refuses with a reason. */
  add(c: RosterCreature): { ok: true } | { ok: false; reason: string } {
    if (this.creatures.size >= this.capacity) return { ok: false, reason: `roster full (${this.capacity})` };
    this.creatures.set(c.id, c);
    return { ok: true };
  }

  remove(id: number): boolean {
    return this.creatures.delete(id);
  }
}

/** Options for a capture attempt on a creature in a zone. */
export interface CaptureAttempt {
  zone: ZoneViews;
  index: number;
  species: string;
  /** Trait names of the species, in the order of its trait row. */
  traitNames: readonly string[];
  genomeWidth: number;
  traitWidth: number;
  maxHp: number;
  params: CaptureParams;
  rng: Rng;
  tick: number;
}

/**
 * One capture attempt: succeeds with the spec's chance; on success the creature's genome and traits are
 * copied out (the caller despawns it from the world and adds it to the roster).
 */
export function attemptCapture(a: CaptureAttempt): {
  success: boolean;
  chance: number;
  creature?: RosterCreature;
} {
  const z = a.zone;
  const i = a.index;
  if (z.u8('flags')[i] & (FLAG.removed | FLAG.migrating | FLAG.dead)) return { success: false, chance: 0 };
  const chance = captureChance(z.f32('hp')[i], a.maxHp, a.params);
  if (a.rng() >= chance) return { success: false, chance };
  const genome =
    a.genomeWidth > 0 ? Array.from(z.f32('genome').subarray(i * a.genomeWidth, (i + 1) * a.genomeWidth)) : [];
  const row =
    a.traitWidth > 0
      ? z.f32('traits').subarray(i * a.traitWidth, (i + 1) * a.traitWidth)
      : new Float32Array(0);
  const traits = Object.fromEntries(a.traitNames.map((n, k) => [n, row[k]]));
  const id = z.u32('id')[i];
  return {
    success: true,
    chance,
    creature: { id, species: a.species, name: `${a.species} #${id}`, genome, traits, capturedAtTick: a.tick },
  };
}
