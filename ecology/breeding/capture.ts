/** Parameters of the capture formula `base × (1 − hp/maxHp)^k × itemBonus`, capped at `max`. */
export interface CaptureParams {
  base: number;
  k: number;
  /** Multiplier of the item used (default 1). */
  itemBonus?: number;
  /** Highest chance whatever the hp and item (default 0.95). */
  max?: number;
}

/** Chance that one capture attempt succeeds: `base × (1 − hp/maxHp)^k × itemBonus`, clamped to [0, max]. */
export function captureChance(hp: number, maxHp: number, p: CaptureParams): number {
  const missing = maxHp > 0 ? Math.min(1, Math.max(0, 1 - hp / maxHp)) : 1;
  return Math.min(p.max ?? 0.95, Math.max(0, p.base * missing ** p.k * (p.itemBonus ?? 1)));
}
