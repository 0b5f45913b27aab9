import { describe, expect, it } from 'vitest';
import type { SpecError } from './spec-error.ts';
import { compileSpecies } from './species.ts';

describe('compileSpecies', () => {
  it('compiles genome and traits and finds the temperament columns', () => {
    const s = compileSpecies({
      name: 'boar',
      genome: { loci: [{ name: 'temper', kind: 'quantitative', trait: 'temperament' }] },
      traits: { speed: '1.2', aggroRadius: '8 * (0.5 + temperament)', hostility: 'temperament' },
    });
    expect(s.program.names).toEqual(['speed', 'aggroRadius', 'hostility', 'hostile']);
    expect(s.temperament).toEqual({ aggroRadiusM: 1, hostility: 2, hostile: 3 });
    expect(s.layout.width).toBe(2);
  });

  it('reports genome and formula mistakes under the species path', () => {
    const at = ['species', 2];
    const bad = (def: Parameters<typeof compileSpecies>[0]): SpecError => {
      try {
        compileSpecies(def, at);
      } catch (e) {
        return e as SpecError;
      }
      throw new Error('no error');
    };
    const g = bad({
      name: 'x',
      genome: { loci: [{ name: 'c', kind: 'discrete', alleles: ['A'], initial: { B: 1 } }] },
    });
    expect(g.path).toEqual(['species', 2, 'genome', 'loci', 0, 'initial', 'B']);
    const t = bad({ name: 'x', traits: { speed: 'agility * 2' } });
    expect(t.path).toEqual(['species', 2, 'traits', 'speed']);
    expect(t.message).toBe(
      "species[2].traits.speed: unknown gene or trait 'agility' (genes: none; traits: speed; base stats as base.<name>)",
    );
  });
});
