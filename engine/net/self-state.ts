import { Slab } from './slab.ts';
import type { CombatContent } from '../combat/content.ts';
import { FLAG } from '../zone/layout.ts';
import type { ZoneViews } from '../zone/zone.ts';

// The player's private block in each snapshot: what only the player needs (mana, cooldowns, cast bar,
// respawn timer). It travels only when it differs from the acknowledged baseline's block.

/** The player's own state as the HUD shows it (ticks are server ticks). */
export interface SelfState {
  hp: number;
  maxHp: number;
  mp: number;
  maxMp: number;
  gcdUntil: number;
  castSlot: number;
  castEnd: number;
  respawnAt: number;
  target: number;
  dead: boolean;
  god: boolean;
  /** Tick until which each skill slot (1…n) is on cooldown. */
  cooldownUntil: number[];
}

const CD_SLOTS = 8;

/**
 * Encodes players' private blocks for one zone and tick (views fetched once). `encode` returns `previous`
 * itself when nothing changed, so an unchanged block costs no allocation and compares by identity.
 */
export class SelfEncoder {
  private readonly v;
  private readonly defs;
  private scratch = new Uint8Array(64);
  private dv = new DataView(this.scratch.buffer);

  constructor(z: ZoneViews, content: CombatContent) {
    this.v = {
      type: z.u16('type'),
      hp: z.f32('hp'),
      mp: z.f32('mp'),
      gcd: z.u32('gcd'),
      castEnd: z.u32('castEnd'),
      respawnAt: z.u32('respawnAt'),
      target: z.u32('target'),
      cast: z.u8('cast'),
      flags: z.u8('flags'),
      god: z.u8('god'),
      cd: z.u32('cd'),
    };
    const all = Object.values(content.classes);
    this.defs = Object.keys(content.classes).map((n) => content.classes[n] ?? all[0]);
  }

  /** The block of the player at index `i`; `previous` back when it is byte-for-byte the same. */
  encode(i: number, previous?: Uint8Array): Uint8Array {
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
}

// Private blocks are kept in each client's baseline ring while unchanged: small blocks bound what one
// long-lived block pins.
const SELVES = new Slab(4 * 1024);

/** Encodes the private block of the player at index `i` (combat fields must be in the layout). */
export function encodeSelf(z: ZoneViews, i: number, content: CombatContent): Uint8Array {
  return new SelfEncoder(z, content).encode(i);
}

/** Decodes a private block; null when malformed. */
export function decodeSelf(b: Uint8Array): SelfState | null {
  if (b.length < 27) return null;
  const dv = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const slots = b[26];
  if (b.length !== 27 + 4 * slots) return null;
  return {
    hp: dv.getUint16(0, true),
    maxHp: dv.getUint16(2, true),
    mp: dv.getUint16(4, true),
    maxMp: dv.getUint16(6, true),
    gcdUntil: dv.getUint32(8, true),
    castEnd: dv.getUint32(12, true),
    respawnAt: dv.getUint32(16, true),
    target: dv.getUint32(20, true),
    castSlot: b[24],
    dead: (b[25] & 1) !== 0,
    god: (b[25] & 2) !== 0,
    cooldownUntil: Array.from({ length: slots }, (_, s) => dv.getUint32(27 + 4 * s, true)),
  };
}
