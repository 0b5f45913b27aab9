import { describe, expect, it } from 'vitest';
import { captureChance } from './capture.ts';

describe('capture chance', () => {
  it('is base × (1 − hp/maxHp)^k × itemBonus, capped', () => {
    const p = { base: 0.5, k: 2 };
    expect(captureChance(100, 100, p)).toBe(0);
    expect(captureChance(25, 100, p)).toBeCloseTo(0.5 * 0.75 ** 2, 12);
    expect(captureChance(25, 100, { ...p, itemBonus: 2 })).toBeCloseTo(1.125 * 0.5, 12);
    expect(captureChance(0, 100, { ...p, itemBonus: 3 })).toBe(0.95);
    expect(captureChance(0, 100, { ...p, itemBonus: 3, max: 0.8 })).toBe(0.8);
    // Overheal and negative hp are clamped to the formula's domain.
    expect(captureChance(150, 100, p)).toBe(0);
    expect(captureChance(-5, 100, p)).toBe(0.5);
  });

  it('grows as the creature weakens', () => {
    let prev = -1;
    for (let hp = 100; hp >= 0; hp -= 5) {
      const c = captureChance(hp, 100, { base: 0.6, k: 1.5, itemBonus: 1.2 });
      expect(c).toBeGreaterThanOrEqual(prev);
      prev = c;
    }
  });
});
