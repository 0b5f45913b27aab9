import { createRequire } from 'node:module';
import type { MathNode, parse as mathjsParse } from 'mathjs';
import { gaussian } from '../../engine/rng/rng.ts';
import type { Rng } from '../../engine/rng/rng.ts';
import type { GenomeLayout } from './genome.ts';
import { alleleExpressionTable } from './phenotype.ts';
import { SpecError } from './spec-error.ts';
import type { SpecPathItem } from './spec-error.ts';
import { AGGRO_RADIUS_ALIAS, DEFAULT_HOSTILE_THRESHOLD, TEMPERAMENT_TRAIT } from './temperament.ts';

/**
 * Trait names the ecology and combat systems read (others are recorded for the lab only):
 * `speed` (m/s), `fertility` (multiplies the breeding chance), `lifespanS`, `metabolism` (energy per tick),
 * `hunts` (an omnivore or carnivore hunts only when it is above 0.5: the diet gene), and the temperament
 * convention of temperament.ts: `aggroRadiusM` (alias `aggroRadius`), `hostility` in [0, 1], `hostile`.
 */
export const KNOWN_TRAITS = [
  'speed',
  'fertility',
  'lifespanS',
  'metabolism',
  'aggroRadius',
  'aggroRadiusM',
  'hostility',
  'hostile',
  'hunts',
] as const;

/**
 * Compiled trait formulas of one species, evaluated once per creature at birth; evaluating allocates
 * nothing. Environmental noise is drawn once per noisy polygenic trait (in `noisyGenes` order) from `rng`;
 * with `rng = null` the row holds genotypic values (no noise).
 */
export interface TraitProgram {
  /** Trait names in row order: declaration order, then derived traits (`hostile`). */
  names: string[];
  /** Values per row (`names.length`). */
  width: number;
  index: ReadonlyMap<string, number>;
  /** Polygenic traits whose environmental noise the formulas use, in the order their deviates are drawn. */
  noisyGenes: readonly string[];
  /** The generated JavaScript, for inspection. */
  source: string;
  /** Fills `out[outOff + k]` with trait k of the genome at `genomes[off…]`. */
  evaluate(genomes: Float32Array, off: number, out: Float32Array, outOff: number, rng: Rng | null): void;
  /** As `evaluate`, with the standard normal deviate of noisy gene j given as `z[j]` (quadrature, previews). */
  evaluateAt(genomes: Float32Array, off: number, out: Float32Array, outOff: number, z: Float64Array): void;
}

/** What a species' trait formulas may read, besides its genes. */
export interface TraitSource {
  base?: Record<string, number>;
  traits?: Record<string, string>;
  /** `hostile` is derived as `hostility > hostileThreshold` (default 0.5) unless declared. */
  hostileThreshold?: number;
}

/** Functions a formula may call, beyond arithmetic, comparison and logic operators. */
export const TRAIT_FUNCTIONS: Readonly<
  Record<string, { min: number; max: number; emit: (a: string[]) => string }>
> = {
  abs: { min: 1, max: 1, emit: (a) => `Math.abs(${a[0]})` },
  sqrt: { min: 1, max: 1, emit: (a) => `Math.sqrt(${a[0]})` },
  cbrt: { min: 1, max: 1, emit: (a) => `Math.cbrt(${a[0]})` },
  exp: { min: 1, max: 1, emit: (a) => `Math.exp(${a[0]})` },
  log: {
    min: 1,
    max: 2,
    emit: (a) => (a.length === 1 ? `Math.log(${a[0]})` : `(Math.log(${a[0]}) / Math.log(${a[1]}))`),
  },
  log10: { min: 1, max: 1, emit: (a) => `Math.log10(${a[0]})` },
  log2: { min: 1, max: 1, emit: (a) => `Math.log2(${a[0]})` },
  floor: { min: 1, max: 1, emit: (a) => `Math.floor(${a[0]})` },
  ceil: { min: 1, max: 1, emit: (a) => `Math.ceil(${a[0]})` },
  fix: { min: 1, max: 1, emit: (a) => `Math.trunc(${a[0]})` },
  round: { min: 1, max: 1, emit: (a) => `H.round(${a[0]})` },
  sign: { min: 1, max: 1, emit: (a) => `Math.sign(${a[0]})` },
  sin: { min: 1, max: 1, emit: (a) => `Math.sin(${a[0]})` },
  cos: { min: 1, max: 1, emit: (a) => `Math.cos(${a[0]})` },
  tan: { min: 1, max: 1, emit: (a) => `Math.tan(${a[0]})` },
  atan: { min: 1, max: 1, emit: (a) => `Math.atan(${a[0]})` },
  tanh: { min: 1, max: 1, emit: (a) => `Math.tanh(${a[0]})` },
  atan2: { min: 2, max: 2, emit: (a) => `Math.atan2(${a[0]}, ${a[1]})` },
  pow: { min: 2, max: 2, emit: (a) => `Math.pow(${a[0]}, ${a[1]})` },
  mod: { min: 2, max: 2, emit: (a) => `H.mod(${a[0]}, ${a[1]})` },
  min: { min: 1, max: Infinity, emit: (a) => `Math.min(${a.join(', ')})` },
  max: { min: 1, max: Infinity, emit: (a) => `Math.max(${a.join(', ')})` },
  hypot: { min: 1, max: Infinity, emit: (a) => `Math.hypot(${a.join(', ')})` },
  clamp: { min: 3, max: 3, emit: (a) => `H.clamp(${a[0]}, ${a[1]}, ${a[2]})` },
  lerp: { min: 3, max: 3, emit: (a) => `H.lerp(${a[0]}, ${a[1]}, ${a[2]})` },
};

// Runtime helpers the generated code calls; semantics follow mathjs where mathjs has the function.
const HELPERS = {
  // mathjs rounds halves away from zero; Math.round rounds them up.
  round: (x: number): number => (x < 0 ? -Math.round(-x) : Math.round(x)),
  mod: (x: number, y: number): number => (y === 0 ? x : x - y * Math.floor(x / y)),
  clamp: (x: number, lo: number, hi: number): number => (x < lo ? lo : x > hi ? hi : x),
  lerp: (a: number, b: number, t: number): number => a + (b - a) * t,
};

const CONSTANTS: Readonly<Record<string, number>> = {
  pi: Math.PI,
  PI: Math.PI,
  e: Math.E,
  E: Math.E,
  tau: 2 * Math.PI,
  phi: (1 + Math.sqrt(5)) / 2,
  Infinity,
};
const RESERVED = new Set(['base', 'true', 'false', 'NaN', ...Object.keys(CONSTANTS)]);
const NAME_RE = /^[A-Za-z_][A-Za-z0-9_]*$/;

const BINARY: Readonly<Record<string, (a: string, b: string) => string>> = {
  add: (a, b) => `(${a} + ${b})`,
  subtract: (a, b) => `(${a} - ${b})`,
  multiply: (a, b) => `(${a} * ${b})`,
  divide: (a, b) => `(${a} / ${b})`,
  pow: (a, b) => `Math.pow(${a}, ${b})`,
  mod: (a, b) => `H.mod(${a}, ${b})`,
  smaller: (a, b) => `(${a} < ${b} ? 1 : 0)`,
  larger: (a, b) => `(${a} > ${b} ? 1 : 0)`,
  smallerEq: (a, b) => `(${a} <= ${b} ? 1 : 0)`,
  largerEq: (a, b) => `(${a} >= ${b} ? 1 : 0)`,
  equal: (a, b) => `(${a} === ${b} ? 1 : 0)`,
  unequal: (a, b) => `(${a} !== ${b} ? 1 : 0)`,
  and: (a, b) => `(${a} !== 0 && ${b} !== 0 ? 1 : 0)`,
  or: (a, b) => `(${a} !== 0 || ${b} !== 0 ? 1 : 0)`,
  xor: (a, b) => `((${a} !== 0) !== (${b} !== 0) ? 1 : 0)`,
};
const UNARY: Readonly<Record<string, (a: string) => string>> = {
  unaryMinus: (a) => `(-${a})`,
  unaryPlus: (a) => `(+${a})`,
  not: (a) => `(${a} === 0 ? 1 : 0)`,
};

function literal(n: number): string {
  if (Number.isNaN(n)) return 'NaN';
  if (Object.is(n, -0)) return '(-0)';
  return n < 0 ? `(${String(n)})` : String(n);
}

/** A name a formula can read from the genome. */
interface Gene {
  name: string;
  /** Discrete locus (phenotype value by dominance), or a sum of allele effects over `loci`. */
  discrete: boolean;
  loci: number[];
  noiseSd: number;
}

/** Genes in formula scope: discrete loci, polygenic traits, then quantitative loci not already named (no noise). */
function genesOf(layout: GenomeLayout): Gene[] {
  const genes: Gene[] = [];
  const taken = new Set<string>();
  for (let l = 0; l < layout.loci; l++)
    if (layout.discrete[l]) {
      genes.push({ name: layout.names[l], discrete: true, loci: [l], noiseSd: 0 });
      taken.add(layout.names[l]);
    }
  for (const p of layout.polygenic) {
    genes.push({ name: p.name, discrete: false, loci: p.loci, noiseSd: p.noiseSd });
    taken.add(p.name);
  }
  for (let l = 0; l < layout.loci; l++)
    if (!layout.discrete[l] && !taken.has(layout.names[l]))
      genes.push({ name: layout.names[l], discrete: false, loci: [l], noiseSd: 0 });
  return genes;
}

/** What one formula refers to. */
interface Refs {
  traits: Set<number>;
  genes: Set<number>;
  /** Allele expression references, keyed `locus:allele`. */
  alleles: Set<string>;
}

interface Scope {
  layout: GenomeLayout;
  genes: readonly Gene[];
  geneIndex: ReadonlyMap<string, number>;
  base: Readonly<Record<string, number>>;
  traitIndex: ReadonlyMap<string, number>;
}

/** Translates a parsed formula into a JavaScript expression over the locals of the generated function. */
function translate(node: MathNode, scope: Scope, refs: Refs, path: readonly SpecPathItem[]): string {
  const fail = (msg: string): never => {
    throw new SpecError(path, msg);
  };
  const baseNames = (): string => Object.keys(scope.base).join(', ') || 'none';
  const go = (n: MathNode): string => {
    switch (n.type) {
      case 'ConstantNode': {
        const v = (n as unknown as { value: unknown }).value;
        if (typeof v === 'number') return literal(v);
        if (typeof v === 'boolean') return v ? '1' : '0';
        return fail(`only numbers are allowed as constants, got ${JSON.stringify(v)}`);
      }
      case 'ParenthesisNode':
        return go((n as unknown as { content: MathNode }).content);
      case 'SymbolNode': {
        const name = (n as unknown as { name: string }).name;
        const t = scope.traitIndex.get(name);
        if (t !== undefined) {
          refs.traits.add(t);
          return `t${t}`;
        }
        const g = scope.geneIndex.get(name);
        if (g !== undefined) {
          refs.genes.add(g);
          return `g${g}`;
        }
        if (Object.hasOwn(CONSTANTS, name)) return literal(CONSTANTS[name]);
        if (name === 'base')
          return fail(`'base' needs a stat name, e.g. base.speed (base stats: ${baseNames()})`);
        return fail(
          `unknown gene or trait '${name}' (genes: ${scope.genes.map((x) => x.name).join(', ') || 'none'}; traits: ${[...scope.traitIndex.keys()].join(', ') || 'none'}; base stats as base.<name>)`,
        );
      }
      case 'AccessorNode': {
        const acc = n as unknown as {
          object: MathNode;
          index: { dotNotation: boolean; dimensions: MathNode[] };
        };
        const dim = acc.index.dimensions;
        const key =
          dim.length === 1 && dim[0].type === 'ConstantNode'
            ? (dim[0] as unknown as { value: unknown }).value
            : undefined;
        if (acc.object.type !== 'SymbolNode' || !acc.index.dotNotation || typeof key !== 'string')
          return fail('only base.<stat> and <locus>.<allele> can be read with a dot');
        const obj = (acc.object as unknown as { name: string }).name;
        if (obj === 'base') {
          if (!Object.hasOwn(scope.base, key))
            return fail(`unknown base stat 'base.${key}' (base stats: ${baseNames()})`);
          return literal(scope.base[key]);
        }
        const l = scope.layout.locusIndex.get(obj);
        if (l === undefined || !scope.layout.discrete[l])
          return fail(`'${obj}.${key}': only base stats and discrete loci have fields`);
        const a = scope.layout.alleles[l].indexOf(key);
        if (a < 0)
          return fail(
            `locus '${obj}' has no allele '${key}' (alleles: ${scope.layout.alleles[l].join(', ')})`,
          );
        refs.alleles.add(`${l}:${a}`);
        return `x${l}_${a}`;
      }
      case 'OperatorNode': {
        const op = n as unknown as { fn: string; op: string; args: MathNode[] };
        if (op.args.length === 1 && Object.hasOwn(UNARY, op.fn)) return UNARY[op.fn](go(op.args[0]));
        if (op.args.length >= 2 && Object.hasOwn(BINARY, op.fn)) {
          const args = op.args.map(go);
          let s = args[0];
          for (let i = 1; i < args.length; i++) s = BINARY[op.fn](s, args[i]);
          return s;
        }
        return fail(`operator '${op.op}' is not supported in trait formulas`);
      }
      case 'ConditionalNode': {
        const c = n as unknown as { condition: MathNode; trueExpr: MathNode; falseExpr: MathNode };
        return `(${go(c.condition)} !== 0 ? ${go(c.trueExpr)} : ${go(c.falseExpr)})`;
      }
      case 'FunctionNode': {
        const f = n as unknown as { fn: MathNode; args: MathNode[] };
        const name = f.fn.type === 'SymbolNode' ? (f.fn as unknown as { name: string }).name : '?';
        const spec = Object.hasOwn(TRAIT_FUNCTIONS, name) ? TRAIT_FUNCTIONS[name] : undefined;
        if (!spec)
          return fail(`unknown function '${name}' (functions: ${Object.keys(TRAIT_FUNCTIONS).join(', ')})`);
        if (f.args.length < spec.min || f.args.length > spec.max)
          return fail(
            `${name} takes ${spec.min === spec.max ? spec.min : `${spec.min} or more`} argument(s), got ${f.args.length}`,
          );
        return spec.emit(f.args.map(go));
      }
      default:
        return fail(`${n.type.replace(/Node$/, '')} expressions are not allowed in trait formulas`);
    }
  };
  return go(node);
}

/**
 * Compiles a species' trait formulas (mathjs syntax) once. Formulas read genes (a discrete locus → its
 * phenotype value; a polygenic trait → the sum of its allele effects plus environmental noise; any other
 * quantitative locus → the sum of its two effects), `locus.allele` (how strongly one allele shows, see
 * `alleleExpression`: `diet.carnivore`), `base.<stat>`, other traits (any order, no cycles), numbers, `pi`,
 * `e`, `+ - * / ^ mod`, comparisons and `and or xor not` (1 or 0), `c ? a : b` and `TRAIT_FUNCTIONS`.
 * mathjs parses; the tree is then translated into one JavaScript function per species over numeric
 * locals (no scope objects; bench-genetics.ts measures the gain over mathjs' own evaluate). Unlike mathjs,
 * `==` compares exactly and a negative base to a fractional power gives NaN. A formula that does not
 * parse, or names an unknown gene, trait, base stat or function, throws a SpecError at
 * `at` + ['traits', name].
 */
export function compileTraits(
  src: TraitSource,
  layout: GenomeLayout,
  at: readonly SpecPathItem[] = [],
): TraitProgram {
  const base = src.base ?? {};
  for (const [k, v] of Object.entries(base))
    if (typeof v !== 'number' || !Number.isFinite(v))
      throw new SpecError([...at, 'base', k], `a base stat must be a number, got ${JSON.stringify(v)}`);
  const genes = genesOf(layout);
  const geneIndex = new Map(genes.map((g, i) => [g.name, i]));
  const declared = Object.entries(src.traits ?? {});
  const names = declared.map(([n]) => n);
  for (const name of names) {
    const p = [...at, 'traits', name];
    if (!NAME_RE.test(name))
      throw new SpecError(p, 'a trait name must be an identifier (letters, digits, _)');
    if (RESERVED.has(name)) throw new SpecError(p, `'${name}' is reserved and cannot name a trait`);
    if (geneIndex.has(name))
      throw new SpecError(
        p,
        `trait '${name}' has the name of a gene; rename the trait (e.g. '${name}Value')`,
      );
  }
  const threshold = src.hostileThreshold ?? DEFAULT_HOSTILE_THRESHOLD;
  const deriveHostile =
    names.includes(TEMPERAMENT_TRAIT.hostility) && !names.includes(TEMPERAMENT_TRAIT.hostile);
  const allNames = deriveHostile ? [...names, TEMPERAMENT_TRAIT.hostile] : names;
  const traitIndex = new Map(allNames.map((n, i) => [n, i]));
  const scope: Scope = { layout, genes, geneIndex, base, traitIndex };

  const exprs: string[] = [];
  const refs: Refs[] = [];
  for (const [i, [name, formula]] of declared.entries()) {
    const p = [...at, 'traits', name];
    const text: unknown = typeof formula === 'number' ? String(formula) : formula;
    if (typeof text !== 'string' || text.trim() === '')
      throw new SpecError(p, 'a trait formula must be a non-empty string');
    let node: MathNode;
    try {
      node = parseFormula(text);
    } catch (err) {
      throw new SpecError(p, `formula does not parse: ${(err as Error).message}`);
    }
    const r: Refs = { traits: new Set(), genes: new Set(), alleles: new Set() };
    exprs.push(translate(node, scope, r, p));
    refs.push(r);
    if (r.traits.has(i)) throw new SpecError(p, `trait '${name}' refers to itself`);
  }
  if (deriveHostile) {
    const h = traitIndex.get(TEMPERAMENT_TRAIT.hostility)!;
    exprs.push(`(t${h} > ${literal(threshold)} ? 1 : 0)`);
    refs.push({ traits: new Set([h]), genes: new Set(), alleles: new Set() });
  }

  // Evaluation order: dependencies first; a cycle is a designer error.
  const order: number[] = [];
  const state = new Uint8Array(allNames.length);
  const visit = (i: number, stack: number[]): void => {
    if (state[i] === 2) return;
    if (state[i] === 1) {
      const cycle = [...stack.slice(stack.indexOf(i)), i].map((k) => allNames[k]).join(' → ');
      throw new SpecError([...at, 'traits', allNames[i]], `traits depend on each other in a cycle: ${cycle}`);
    }
    state[i] = 1;
    for (const d of refs[i].traits) visit(d, [...stack, i]);
    state[i] = 2;
    order.push(i);
  };
  for (let i = 0; i < allNames.length; i++) visit(i, []);

  // Genes and allele expressions in use; noise is drawn only for polygenic traits some formula reads.
  const genesUsed = [...new Set(refs.flatMap((r) => [...r.genes]))].sort((a, b) => a - b);
  const allelesUsed = [...new Set(refs.flatMap((r) => [...r.alleles]))].sort();
  const lociUsed = new Set<number>();
  for (const g of genesUsed) if (genes[g].discrete) lociUsed.add(genes[g].loci[0]);
  for (const key of allelesUsed) lociUsed.add(Number(key.split(':')[0]));
  const noisy = genesUsed.filter((g) => genes[g].noiseSd > 0);

  const lines: string[] = [];
  for (const l of [...lociUsed].sort((a, b) => a - b))
    lines.push(`const a${l} = G[o + ${2 * l}], b${l} = G[o + ${2 * l + 1}];`);
  for (const g of genesUsed) {
    const gene = genes[g];
    if (gene.discrete) {
      const l = gene.loci[0];
      lines.push(`const g${g} = PV[${layout.pairBase[l]} + a${l} * ${layout.alleleCount[l]} + b${l}];`);
    } else {
      const terms = gene.loci.flatMap((l) => [`G[o + ${2 * l}]`, `G[o + ${2 * l + 1}]`]);
      const j = noisy.indexOf(g);
      const noise =
        j >= 0 ? ` + ${literal(gene.noiseSd)} * (rng !== null ? gauss(rng) : Z !== null ? Z[${j}] : 0)` : '';
      lines.push(`const g${g} = ${terms.join(' + ') || '0'}${noise};`);
    }
  }
  let exSize = 0;
  for (const key of allelesUsed) exSize += layout.alleleCount[Number(key.split(':')[0])] ** 2;
  const EXF = new Float64Array(exSize);
  let exAt = 0;
  for (const key of allelesUsed) {
    const [l, a] = key.split(':').map(Number);
    const table = alleleExpressionTable(layout, l, a);
    EXF.set(table, exAt);
    lines.push(`const x${l}_${a} = EXF[${exAt} + a${l} * ${layout.alleleCount[l]} + b${l}];`);
    exAt += table.length;
  }
  for (const i of order) {
    lines.push(`let t${i} = ${exprs[i]};`);
    // Temperament convention (temperament.ts): hostility in [0, 1], aggro radius ≥ 0; NaN → 0.
    if (allNames[i] === TEMPERAMENT_TRAIT.hostility)
      lines.push(`t${i} = t${i} > 1 ? 1 : t${i} >= 0 ? t${i} : 0;`);
    if (allNames[i] === TEMPERAMENT_TRAIT.aggroRadiusM || allNames[i] === AGGRO_RADIUS_ALIAS)
      lines.push(`t${i} = t${i} >= 0 ? t${i} : 0;`);
  }
  for (let i = 0; i < allNames.length; i++) lines.push(`out[oo + ${i}] = t${i};`);
  const source = `"use strict";\nreturn function evaluateTraits(G, o, out, oo, rng, Z) {\n  ${lines.join('\n  ')}\n};`;
  // The source holds only numeric literals, slot indices and whitelisted operators (never formula text),
  // so building it with Function is safe.
  const fn = new Function('PV', 'EXF', 'gauss', 'H', source)(layout.pairValue, EXF, gaussian, HELPERS) as (
    G: Float32Array,
    o: number,
    out: Float32Array,
    oo: number,
    rng: Rng | null,
    Z: Float64Array | null,
  ) => void;

  return {
    names: allNames,
    width: allNames.length,
    index: traitIndex,
    noisyGenes: noisy.map((g) => genes[g].name),
    source,
    evaluate: (genomes, off, out, outOff, rng) => fn(genomes, off, out, outOff, rng, null),
    evaluateAt: (genomes, off, out, outOff, z) => fn(genomes, off, out, outOff, null, z),
  };
}

let mathParse: ((expr: string) => MathNode) | null = null;

/**
 * Parses a formula with mathjs, loaded on first use: loading it builds every mathjs function (~0.5 s per
 * thread), which scenarios without trait formulas — and every sweep worker running them — need not pay.
 */
function parseFormula(text: string): MathNode {
  mathParse ??= (createRequire(import.meta.url)('mathjs') as { parse: typeof mathjsParse }).parse;
  return mathParse(text);
}
