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

/** Encodes the private block of the player at index `i` (combat fields must be in the layout). */
export function encodeSelf(z: ZoneViews, i: number, content: CombatContent): Uint8Array {
  const classNames = Object.keys(content.classes);
  const def = content.classes[classNames[z.u16('type')[i]]] ?? Object.values(content.classes)[0];
  const slots = def.skills.length;
  const out = new Uint8Array(27 + 4 * slots);
  const dv = new DataView(out.buffer);
  dv.setUint16(0, Math.max(0, Math.ceil(z.f32('hp')[i])), true);
  dv.setUint16(2, def.hp, true);
  dv.setUint16(4, Math.max(0, Math.floor(z.f32('mp')[i])), true);
  dv.setUint16(6, def.mp, true);
  dv.setUint32(8, z.u32('gcd')[i], true);
  dv.setUint32(12, z.u32('castEnd')[i], true);
  dv.setUint32(16, z.u32('respawnAt')[i], true);
  dv.setUint32(20, z.u32('target')[i], true);
  out[24] = z.u8('cast')[i];
  out[25] = (z.u8('flags')[i] & FLAG.dead ? 1 : 0) | (z.u8('god')[i] ? 2 : 0);
  out[26] = slots;
  const cd = z.u32('cd');
  for (let s = 0; s < slots; s++) dv.setUint32(27 + 4 * s, cd[i * CD_SLOTS + s], true);
  return out;
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
