import { compile, parse } from 'mathjs';
import type { EvalFunction, MathNode } from 'mathjs';
import * as math from 'mathjs';
import { gaussian } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import { locusValue } from './genome.ts';
import type { GenomeLayout } from './genome.ts';
import { SpecError } from './spec-error.ts';
import type { SpecPathItem } from './spec-error.ts';

/**
 * Trait names the ecology and combat systems read (others are recorded for the lab only):
 * `speed` (m/s), `fertility` (multiplies the breeding chance), `lifespanS`, `metabolism` (energy per tick),
 * `aggroRadius` (m, the enemy FSM's aggro radius) and `hostility` (0 docile … 1 hostile: the creature
 * attacks players when it is above 0.5).
 */
export const KNOWN_TRAITS = [
  'speed',
  'fertility',
  'lifespanS',
  'metabolism',
  'aggroRadius',
  'hostility',
] as const;

/** Compiled trait formulas of one species, evaluated once per creature at birth. */
export interface TraitProgram {
  /** Trait names in evaluation order (declared order). */
  names: string[];
  /** Fills `out[outOff + k]` with trait k for a genome. Polygenic noise comes from `rng`. */
  evaluate(genomes: Float32Array, off: number, out: Float32Array, outOff: number, rng: Rng | null): void;
}

const CONSTANTS = new Set(['pi', 'e', 'true', 'false', 'Infinity', 'tau', 'phi']);

/** What a species' trait formulas may read. */
export interface TraitSource {
  base?: Record<string, number>;
  traits?: Record<string, string>;
}

/**
 * Compiles a species' trait formulas with mathjs, once. A formula that does not parse, or names an unknown
 * gene, base stat, trait or function, throws a SpecError at `base` + ['traits', name].
 */
export function compileTraits(
  src: TraitSource,
  layout: GenomeLayout,
  at: readonly SpecPathItem[] = [],
): TraitProgram {
  const genes = new Set([...layout.names, ...layout.polygenic.map((p) => p.name)]);
  const base = src.base ?? {};
  const names: string[] = [];
  const programs: EvalFunction[] = [];
  for (const [name, formula] of Object.entries(src.traits ?? {})) {
    const path = [...at, 'traits', name];
    let node: MathNode;
    try {
      node = parse(formula);
    } catch (err) {
      throw new SpecError(path, `formula does not parse: ${(err as Error).message}`);
    }
    const known = new Set([...genes, ...names]);
    node.traverse((n, _path, parent) => {
      if (n.type === 'SymbolNode') {
        const sym = (n as unknown as { name: string }).name;
        const isFn = parent?.type === 'FunctionNode' && (parent as unknown as { fn: MathNode }).fn === n;
        if (isFn) {
          if (typeof (math as unknown as Record<string, unknown>)[sym] !== 'function')
            throw new SpecError(path, `unknown function '${sym}'`);
          return;
        }
        const isBaseObject = parent?.type === 'AccessorNode' && sym === 'base';
        if (isBaseObject) return;
        if (!known.has(sym) && !CONSTANTS.has(sym))
          throw new SpecError(
            path,
            `unknown name '${sym}' (genes: ${[...genes].join(', ') || 'none'}${names.length ? `; earlier traits: ${names.join(', ')}` : ''}; base stats as base.<name>)`,
          );
      }
      if (n.type === 'AccessorNode') {
        const acc = n as unknown as { object: MathNode; index: { dimensions: Array<{ value?: unknown }> } };
        const obj = acc.object as unknown as { type: string; name?: string };
        const key = acc.index.dimensions[0]?.value;
        if (obj.type !== 'SymbolNode' || obj.name !== 'base')
          throw new SpecError(path, `only base.<stat> can be read with a dot`);
        if (typeof key !== 'string' || !(key in base))
          throw new SpecError(
            path,
            `unknown base stat 'base.${String(key)}' (base: ${Object.keys(base).join(', ') || 'none'})`,
          );
      }
    });
    names.push(name);
    programs.push(compile(formula));
  }
  const polygenic = layout.polygenic;
  return {
    names,
    evaluate(genomes, off, out, outOff, rng) {
      const scope: Record<string, unknown> = { base };
      for (let l = 0; l < layout.loci; l++)
        if (layout.discrete[l]) scope[layout.names[l]] = locusValue(layout, genomes, off, l);
      for (const p of polygenic) {
        let v = 0;
        for (const l of p.loci) v += genomes[off + 2 * l] + genomes[off + 2 * l + 1];
        if (rng && p.noiseSd > 0) v += p.noiseSd * gaussian(rng);
        scope[p.name] = v;
      }
      for (let k = 0; k < programs.length; k++) {
        const v = Number(programs[k].evaluate(scope));
        scope[names[k]] = v;
        out[outOff + k] = v;
      }
    },
  };
}
