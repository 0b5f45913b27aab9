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
 * attacks players when it is above 0.5) and `hunts` (an omnivore or carnivore hunts only when it is above
 * 0.5: the diet gene).
 */
export const KNOWN_TRAITS = [
  'speed',
  'fertility',
  'lifespanS',
  'metabolism',
  'aggroRadius',
  'hostility',
  'hunts',
] as const;

/** Compiled trait formulas of one species, evaluated once per creature at birth. */
export interface TraitProgram {
  /** Trait names in evaluation order (declared order). */
  names: string[];
  /** Fills `out[outOff + k]` with trait k for a genome. Polygenic noise comes from `rng`. */
  evaluate(genomes: Float32Array, off: number, out: Float32Array, outOff: number, rng: Rng | null): void;
}

const CONSTANTS = new Set(['pi', 'e', 'true', 'false', 'Infinity', 'tau', 'phi']);
const CONSTANT_VALUES: Record<string, number> = {
  pi: Math.PI,
  e: Math.E,
  true: 1,
  false: 0,
  Infinity: Infinity,
  tau: 2 * Math.PI,
  phi: (1 + Math.sqrt(5)) / 2,
};
const JS_FUNCTIONS = new Set([
  'abs',
  'sqrt',
  'exp',
  'log',
  'min',
  'max',
  'floor',
  'ceil',
  'round',
  'sin',
  'cos',
  'tan',
  'tanh',
  'sign',
  'cbrt',
  'log10',
  'log2',
]);
const JS_OPERATORS: Record<string, string> = {
  add: '+',
  subtract: '-',
  multiply: '*',
  divide: '/',
  unaryMinus: '-',
  unaryPlus: '+',
  smaller: '<',
  larger: '>',
  smallerEq: '<=',
  largerEq: '>=',
  equal: '===',
  unequal: '!==',
};

/**
 * Turns a checked mathjs expression tree into a JS function of a numeric slot array, or null when it uses
 * something this translation does not cover (then mathjs evaluates it). Only whitelisted node kinds are
 * translated and every name becomes a slot index, so no designer text reaches the generated code.
 */
function toJs(node: MathNode, slot: (name: string) => number, base: Record<string, number>): string | null {
  const n = node as unknown as Record<string, unknown> & { type: string };
  switch (n.type) {
    case 'ConstantNode':
      return typeof n.value === 'number'
        ? `(${String(n.value)})`
        : typeof n.value === 'boolean'
          ? n.value
            ? '1'
            : '0'
          : null;
    case 'ParenthesisNode':
      return toJs(n.content as MathNode, slot, base);
    case 'SymbolNode': {
      const name = n.name as string;
      if (name in CONSTANT_VALUES) return `(${CONSTANT_VALUES[name]})`;
      return `s[${slot(name)}]`;
    }
    case 'AccessorNode': {
      const key = (n.index as { dimensions: Array<{ value?: unknown }> }).dimensions[0]?.value;
      return typeof key === 'string' && key in base ? `(${base[key]})` : null;
    }
    case 'OperatorNode': {
      const args = (n.args as MathNode[]).map((a) => toJs(a, slot, base));
      if (args.some((a) => a === null)) return null;
      const fn = n.fn as string;
      if (fn === 'pow') return `Math.pow(${args[0]}, ${args[1]})`;
      if (fn === 'mod') return `(((${args[0]}) % (${args[1]})) + (${args[1]})) % (${args[1]})`;
      const op = JS_OPERATORS[fn];
      if (!op) return null;
      if (args.length === 1) return `(${op}${args[0]})`;
      const expr = `(${args[0]} ${op} ${args[1]})`;
      return op === '<' || op === '>' || op === '<=' || op === '>=' || op === '===' || op === '!=='
        ? `(${expr} ? 1 : 0)`
        : expr;
    }
    case 'ConditionalNode': {
      const c = toJs(n.condition as MathNode, slot, base);
      const t = toJs(n.trueExpr as MathNode, slot, base);
      const f = toJs(n.falseExpr as MathNode, slot, base);
      return c && t && f ? `((${c}) ? (${t}) : (${f}))` : null;
    }
    case 'FunctionNode': {
      const name = (n.fn as { name?: string }).name ?? '';
      if (!JS_FUNCTIONS.has(name)) return null;
      const args = (n.args as MathNode[]).map((a) => toJs(a, slot, base));
      if (args.some((a) => a === null)) return null;
      if (name === 'log' && args.length === 2) return `(Math.log(${args[0]}) / Math.log(${args[1]}))`;
      // mathjs rounds half away from zero; Math.round rounds half up.
      if (name === 'round') return `(Math.sign(${args[0]}) * Math.round(Math.abs(${args[0]})))`;
      return `Math.${name}(${args.join(', ')})`;
    }
    default:
      return null;
  }
}

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
  const nodes: MathNode[] = [];
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
    nodes.push(node);
    programs.push(compile(formula));
  }
  // Slots: discrete loci, polygenic traits, then traits in order.
  const slotNames = [
    ...layout.names.filter((_, l) => layout.discrete[l]),
    ...layout.polygenic.map((p) => p.name),
    ...names,
  ];
  const slotOf = (name: string): number => {
    const k = slotNames.indexOf(name);
    if (k < 0) throw new Error(`no slot for ${name}`);
    return k;
  };
  const sources = nodes.map((node) => toJs(node, slotOf, base));
  // Generated from whitelisted mathjs nodes only (see toJs): names are slot indices, numbers literals.
  const fast = sources.every((src) => src !== null)
    ? (new Function(
        's',
        `'use strict'; ${sources.map((src, k) => `s[${slotNames.length - names.length + k}] = ${src};`).join(' ')}`,
      ) as (s: Float64Array) => void)
    : null;
  const slots = new Float64Array(slotNames.length);
  const discreteLoci = layout.names.map((_, l) => l).filter((l) => layout.discrete[l]);
  const polygenic = layout.polygenic;
  return {
    names,
    evaluate(genomes, off, out, outOff, rng) {
      if (fast) {
        let k = 0;
        for (const l of discreteLoci) slots[k++] = locusValue(layout, genomes, off, l);
        for (const p of polygenic) {
          let v = 0;
          for (const l of p.loci) v += genomes[off + 2 * l] + genomes[off + 2 * l + 1];
          if (rng && p.noiseSd > 0) v += p.noiseSd * gaussian(rng);
          slots[k++] = v;
        }
        fast(slots);
        for (let t = 0; t < names.length; t++) out[outOff + t] = slots[k + t];
        return;
      }
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
