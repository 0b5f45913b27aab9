import { promises as fs } from 'node:fs';
import { evaluate } from 'mathjs';
import { describe, expect, it } from 'vitest';
import { parse as parseYaml } from 'yaml';
import { streamFor } from '../../engine/rng/rng.ts';
import { compileGenome, initGenome } from './genome.ts';
import type { GenomeDef } from './schema.ts';
import { SpecError } from './spec-error.ts';
import { temperamentColumns, isHostile, aggroRadiusM } from './temperament.ts';
import { compileTraits } from './traits.ts';
import type { TraitSource } from './traits.ts';

const genome: GenomeDef = {
  loci: [
    {
      name: 'diet',
      kind: 'discrete',
      alleles: ['herb', 'omni', 'carn'],
      values: { herb: 0, omni: 1, carn: 2 },
      mode: 'incomplete',
    },
    { name: 'coat', kind: 'discrete', alleles: ['A', 'B'], mode: 'codominant' },
    { name: 'agility1', kind: 'quantitative', trait: 'agility', initial: { mean: 0.25, sd: 0.2 } },
    { name: 'agility2', kind: 'quantitative', trait: 'agility', initial: { mean: 0.25, sd: 0.2 } },
    { name: 'size', kind: 'quantitative', initial: { mean: 0.3, sd: 0.3 } },
  ],
  noise: { agility: 0.01 },
};

describe('trait formulas', () => {
  it('compute exactly what mathjs evaluates, on 500 random genomes (seed 3)', () => {
    const layout = compileGenome(genome);
    const formulas: Record<string, string> = {
      speed: 'base.speed * (0.8 + 0.4 * agility)',
      pick: 'size > 0.5 ? 2 : -1',
      wrap: 'mod(size * 7, 3) + 5 % 3',
      power: 'max(size, agility, 0.1) ^ 2 - min(size, 1)',
      rounded: 'round(agility * 10 - 2.5) + fix(-size * 3) + floor(size) + ceil(agility)',
      logs: 'log(abs(size) + 1, 2) + log(2 + agility) + log10(3) + sqrt(abs(agility)) + exp(-size)',
      logic: '(not (size > 0) or diet == 1) and (agility != 0) xor (coat >= 0.5)',
      unary: '-size^2 + +agility - -1',
      trig: 'sin(size) + cos(agility) + tanh(size) + atan2(size, 1) + sign(agility) * pi',
      chain: 'speed / 2 + pick',
    };
    const program = compileTraits({ base: { speed: 4 }, traits: formulas }, layout);
    const g = new Float32Array(layout.width);
    const row = new Float32Array(program.width);
    const rng = streamFor(3, 0, 0, 'oracle');
    for (let n = 0; n < 500; n++) {
      initGenome(layout, g, 0, rng);
      program.evaluate(g, 0, row, 0, null);
      // Incomplete dominance over values 0, 1, 2: the mean of the two alleles.
      const d = (g[0] + g[1]) / 2;
      const scope: Record<string, unknown> = {
        base: { speed: 4 },
        diet: d,
        // Codominant A/B with default values A = 1, B = 0: AA → 1, AB → 0.5, BB → 0.
        coat: g[2] === g[3] ? (g[2] === 0 ? 1 : 0) : 0.5,
        agility: g[4] + g[5] + g[6] + g[7],
        size: g[8] + g[9],
      };
      for (const [k, name] of program.names.entries()) {
        const expected = Math.fround(Number(evaluate(formulas[name], scope)));
        scope[name] = Number(evaluate(formulas[name], scope));
        expect(row[k], `${name} on genome ${Array.from(g)}`).toBeCloseTo(expected, 5);
      }
    }
  });

  it('rejects bad formulas with the path of the trait', () => {
    const layout = compileGenome(genome, ['species', 2, 'genome']);
    const cases: Array<[TraitSource, string, RegExp]> = [
      [{ traits: { speed: 'base.speed * (0.8 +' } }, 'speed', /does not parse.*Unexpected end/],
      [
        { base: { speed: 1 }, traits: { speed: 'base.speed * agilty' } },
        'speed',
        /unknown gene or trait 'agilty'/,
      ],
      [{ base: { speed: 1 }, traits: { speed: 'base.sped' } }, 'speed', /unknown base stat 'base.sped'/],
      [{ traits: { speed: 'gamma(size)' } }, 'speed', /unknown function 'gamma'/],
      [{ traits: { carnivore: 'diet.fish' } }, 'carnivore', /no allele 'fish'/],
      [{ traits: { x: 'size.big' } }, 'x', /only base stats and discrete loci/],
      [{ traits: { a: 'b + 1', b: 'c * 2', c: 'a' } }, 'a', /cycle: a → b → c → a/],
      [{ traits: { a: 'a + 1' } }, 'a', /refers to itself/],
      [{ traits: { size: 'size * 2' } }, 'size', /name of a gene/],
      [{ traits: { x: '"fast"' } }, 'x', /only numbers/],
      [{ traits: { x: '[1, 2]' } }, 'x', /Array expressions are not allowed/],
      [{ traits: { x: 'y = 2' } }, 'x', /Assignment expressions are not allowed/],
      [{ traits: { x: 'max()' } }, 'x', /max takes 1 or more argument/],
      [{ traits: { x: '3!' } }, 'x', /operator '!' is not supported/],
      [{ traits: { x: 'base' } }, 'x', /'base' needs a stat name/],
    ];
    for (const [src, trait, message] of cases) {
      let err: unknown;
      try {
        compileTraits(src, layout, ['species', 2]);
      } catch (e) {
        err = e;
      }
      expect(err, JSON.stringify(src)).toBeInstanceOf(SpecError);
      expect((err as SpecError).path, JSON.stringify(src)).toEqual(['species', 2, 'traits', trait]);
      expect((err as SpecError).detail).toMatch(message);
      expect((err as SpecError).message).toContain(`species[2].traits.${trait}: `);
    }
  });

  it('may refer to traits declared later, evaluating dependencies first', () => {
    const layout = compileGenome(genome);
    const p = compileTraits({ traits: { double: 'single * 2', single: 'size + 1' } }, layout);
    const g = new Float32Array(layout.width);
    g[8] = 0.25;
    g[9] = 0.5;
    const row = new Float32Array(2);
    p.evaluate(g, 0, row, 0, null);
    expect(Array.from(row)).toEqual([3.5, 1.75]);
  });

  it('add environmental noise with the declared variance, once per creature, only with a stream (seed 8)', () => {
    const layout = compileGenome(genome);
    const p = compileTraits({ traits: { agile: 'agility' } }, layout);
    expect(p.noisyGenes).toEqual(['agility']);
    const g = new Float32Array(layout.width);
    const row = new Float32Array(1);
    p.evaluate(g, 0, row, 0, null);
    expect(row[0]).toBe(0);
    const rng = streamFor(8, 0, 0, 'noise');
    const n = 20_000;
    let s = 0;
    let s2 = 0;
    for (let i = 0; i < n; i++) {
      p.evaluate(g, 0, row, 0, rng);
      s += row[0];
      s2 += row[0] ** 2;
    }
    // Sample variance of n normals: (n − 1) s² / σ² ~ χ²(n − 1) ≈ N(n, 2n): |z| < 3.29 at α = 0.001.
    const variance = s2 / n - (s / n) ** 2;
    expect(Math.abs((variance / 0.01 - 1) / Math.sqrt(2 / n))).toBeLessThan(3.29);
    expect(Math.abs(s / n / Math.sqrt(0.01 / n))).toBeLessThan(3.29);
    const z = Float64Array.of(1.5);
    p.evaluateAt(g, 0, row, 0, z);
    expect(row[0]).toBeCloseTo(0.15, 6);
  });
});

describe('discrete phenotypes in formulas', () => {
  const layout = compileGenome(genome);
  const program = compileTraits(
    {
      traits: {
        dietValue: 'diet',
        carn: 'diet.carn',
        herb: 'diet.herb',
        coatValue: 'coat',
        a: 'coat.A',
        b: 'coat.B',
      },
    },
    layout,
  );
  const row = new Float32Array(program.width);
  const show = (d0: number, d1: number, c0: number, c1: number): number[] => {
    const g = new Float32Array(layout.width);
    g.set([d0, d1, c0, c1]);
    program.evaluate(g, 0, row, 0, null);
    return Array.from(row);
  };
  it('incomplete dominance blends values and half-expresses each allele', () => {
    expect(show(0, 2, 0, 0).slice(0, 3)).toEqual([1, 0.5, 0.5]);
    expect(show(2, 2, 0, 0).slice(0, 3)).toEqual([2, 1, 0]);
  });
  it('codominance expresses both alleles', () => {
    expect(show(0, 0, 0, 1).slice(3)).toEqual([0.5, 1, 1]);
    expect(show(0, 0, 1, 1).slice(3)).toEqual([0, 0, 1]);
  });
  it('complete dominance shows the dominant allele only', () => {
    const l = compileGenome({ loci: [{ name: 'coat', kind: 'discrete', alleles: ['A', 'a'] }] });
    const p = compileTraits({ traits: { dom: 'coat.A', rec: 'coat.a', v: 'coat' } }, l);
    const r = new Float32Array(3);
    p.evaluate(Float32Array.of(1, 0), 0, r, 0, null);
    expect(Array.from(r)).toEqual([1, 0, 1]);
  });
});

describe('temperament convention', () => {
  it('clamps hostility to [0, 1] and aggro radius to ≥ 0, and derives hostile above the threshold', () => {
    const layout = compileGenome({
      loci: [{ name: 'temperament', kind: 'quantitative', initial: { sd: 0 } }],
    });
    const p = compileTraits(
      {
        traits: { aggroRadiusM: '8 * (0.5 + temperament)', hostility: '0.5 + temperament' },
        hostileThreshold: 0.6,
      },
      layout,
    );
    expect(p.names).toEqual(['aggroRadiusM', 'hostility', 'hostile']);
    const cols = temperamentColumns(p.names);
    const row = new Float32Array(3);
    const at = (t: number): [number, number, boolean] => {
      p.evaluate(Float32Array.of(t / 2, t / 2), 0, row, 0, null);
      return [aggroRadiusM(row, 0, cols), row[cols.hostility], isHostile(row, 0, cols)];
    };
    expect(at(-0.9)).toEqual([0, 0, false]);
    expect(at(0)).toEqual([4, 0.5, false]);
    expect(at(0.25)).toEqual([6, 0.75, true]);
    expect(at(2)).toEqual([20, 1, true]);
  });

  it('reads aggroRadius as aggroRadiusM, and a species without temperament is never hostile', () => {
    expect(temperamentColumns(['speed', 'aggroRadius']).aggroRadiusM).toBe(1);
    const cols = temperamentColumns(['speed']);
    expect(isHostile(Float32Array.of(1), 0, cols)).toBe(false);
    expect(aggroRadiusM(Float32Array.of(1), 0, cols, 8)).toBe(8);
  });
});

describe('shipped scenarios', () => {
  it('every species genome and trait formula in scenarios/*.yaml compiles', async () => {
    const dir = new URL('../../scenarios/', import.meta.url);
    for (const file of await fs.readdir(dir)) {
      if (!file.endsWith('.yaml')) continue;
      const doc = parseYaml(await fs.readFile(new URL(file, dir), 'utf8')) as {
        species?: Array<{ genome?: GenomeDef } & TraitSource>;
      };
      (doc.species ?? []).forEach((s, i) => {
        const layout = compileGenome(s.genome, ['species', i, 'genome']);
        const p = compileTraits({ base: s.base, traits: s.traits }, layout, ['species', i]);
        const g = new Float32Array(layout.width);
        initGenome(layout, g, 0, streamFor(1, 0, 0, file));
        const row = new Float32Array(p.width);
        p.evaluate(g, 0, row, 0, streamFor(1, 0, 0, file));
        for (const v of row) expect(Number.isFinite(v), `${file} species ${i}`).toBe(true);
      });
    }
  });
});
