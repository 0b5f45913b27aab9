import { describe, expect, it } from 'vitest';
import { streamFor } from '../../engine/rng/rng.ts';
import { SpecError } from '../genetics/spec-error.ts';
import { breedCross, compatibility, compileCatalog, crossOf } from './compatibility.ts';
import { species } from './fixtures.ts';

const wolf = species(
  'wolf',
  {
    loci: [
      { name: 'coat', kind: 'discrete', alleles: ['black', 'grey'] },
      { name: 'temper', kind: 'quantitative' },
    ],
  },
  {},
);
const dog = species(
  'dog',
  {
    loci: [
      { name: 'coat', kind: 'discrete', alleles: ['grey', 'black', 'white'] },
      { name: 'temper', kind: 'quantitative' },
    ],
  },
  {},
);
const wolfdog = species(
  'wolfdog',
  {
    loci: [
      { name: 'temper', kind: 'quantitative' },
      { name: 'coat', kind: 'discrete', alleles: ['white', 'grey', 'black'] },
      { name: 'tame', kind: 'discrete', alleles: ['T'] },
    ],
  },
  {},
);

describe('compatibility', () => {
  it('allows the same species, or a declared hybrid rule in either order', () => {
    const rules = [{ parents: ['wolf', 'dog'] as [string, string], offspring: 'wolfdog', fertility: 0.3 }];
    expect(compatibility('wolf', 'wolf', rules)).toEqual({ ok: true, offspring: 'wolf', fertility: 1 });
    expect(compatibility('dog', 'wolf', rules)).toEqual({ ok: true, offspring: 'wolfdog', fertility: 0.3 });
    expect(compatibility('wolf', 'deer', rules)).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/no hybrid rule/),
    });
  });

  it('maps hybrid gametes by locus and allele name; loci a parent lacks come from the offspring’s starting alleles', () => {
    const catalog = compileCatalog(
      [wolf, dog, wolfdog],
      [{ parents: ['wolf', 'dog'], offspring: 'wolfdog' }],
    );
    const cross = crossOf(catalog, 'wolf', 'dog')!;
    expect(cross.offspring.name).toBe('wolfdog');
    expect(crossOf(catalog, 'dog', 'wolf')!.a.name).toBe('dog');
    expect(crossOf(catalog, 'wolf', 'deer')).toBeNull();
    // Homozygous grey wolf (index 1, temper 0.7) × homozygous white dog (index 2, temper −0.2).
    const child = new Float32Array(6);
    breedCross(
      cross,
      Float32Array.of(1, 1, 0.7, 0.7),
      0,
      Float32Array.of(2, 2, -0.2, -0.2),
      0,
      child,
      0,
      streamFor(1, 0, 0, 'hybrid'),
    );
    expect(Array.from(child)).toEqual([Math.fround(0.7), Math.fround(-0.2), 1, 0, 0, 0]);
  });

  it('rejects hybrid rules that cannot work, with their path', () => {
    const cases: Array<[Parameters<typeof compileCatalog>[1], Array<string | number>, RegExp]> = [
      [
        [{ parents: ['wolf', 'bear'], offspring: 'wolfdog' }],
        ['hybrids', 0, 'parents', 1],
        /unknown species 'bear'/,
      ],
      [
        [{ parents: ['wolf', 'dog'], offspring: 'wolfbear' }],
        ['hybrids', 0, 'offspring'],
        /unknown species 'wolfbear'/,
      ],
      [
        [{ parents: ['wolf', 'wolf'], offspring: 'wolfdog' }],
        ['hybrids', 0, 'parents'],
        /two different species/,
      ],
      [
        [
          { parents: ['wolf', 'dog'], offspring: 'wolfdog' },
          { parents: ['dog', 'wolf'], offspring: 'dog' },
        ],
        ['hybrids', 1, 'parents'],
        /declared twice/,
      ],
      [
        [{ parents: ['dog', 'wolfdog'], offspring: 'wolf' }],
        ['hybrids', 0],
        /allele 'white' of locus 'coat' has no counterpart/,
      ],
    ];
    for (const [rules, path, message] of cases) {
      let err: unknown;
      try {
        compileCatalog([wolf, dog, wolfdog], rules);
      } catch (e) {
        err = e;
      }
      expect(err).toBeInstanceOf(SpecError);
      expect((err as SpecError).path).toEqual(path);
      expect((err as SpecError).detail).toMatch(message);
    }
  });
});
