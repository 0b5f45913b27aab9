import { readFile } from 'node:fs/promises';
import { Ajv } from 'ajv';
import type { ErrorObject } from 'ajv';
import { isMap, isScalar, isSeq, LineCounter, parseDocument } from 'yaml';
import type { Document, Node as YamlNode } from 'yaml';
import { semanticChecks } from './checks.ts';
import type { ScenarioPath } from './checks.ts';
import { ScenarioSchema } from './schema.ts';
import type { Scenario } from './schema.ts';

/** A path into a scenario, as keys and indices: ['species', 2, 'loci', 0, 'dominance']. */
export type { ScenarioPath, SemanticCheck } from './checks.ts';
export { registerSemanticCheck } from './checks.ts';

/** One problem in a scenario file, located by file, line, column and path. */
export interface ScenarioIssue {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}

/** A scenario that cannot run; `issues` lists every problem found, the message all of them. */
export class ScenarioError extends Error {
  constructor(readonly issues: ScenarioIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ScenarioError';
  }
}

/** `file:line:column: path: message`, the form editors and terminals link. */
export function formatIssue(i: ScenarioIssue): string {
  return `${i.file}:${i.line}:${i.column}: ${i.path || '(root)'}: ${i.message}`;
}

/** `species[2].loci[0].dominance` for ['species', 2, 'loci', 0, 'dominance']. */
export function formatPath(path: readonly (string | number)[]): string {
  let out = '';
  for (const p of path) out += typeof p === 'number' ? `[${p}]` : out ? `.${p}` : p;
  return out;
}

/** The segments of an override path: `species[0].caps.hard` and `species.0.caps.hard` → species, 0, caps, hard. */
export function splitOverridePath(path: string): string[] {
  return path
    .trim()
    .split('.')
    .flatMap((seg) => seg.split(/\[(\d+)\]/).filter((s) => s !== ''));
}

/** A `--set path=value` override. */
export interface Override {
  raw: string;
  path: string[];
  value: unknown;
}

/** Parses `species.wolf.caps.hard=6` (value read as YAML: numbers, booleans, lists, strings). */
export function parseOverride(raw: string): Override {
  const eq = raw.indexOf('=');
  if (eq <= 0)
    throw new ScenarioError([
      { file: '--set', line: 0, column: 0, path: raw, message: `expected path=value, got '${raw}'` },
    ]);
  const path = splitOverridePath(raw.slice(0, eq));
  const doc = parseDocument(raw.slice(eq + 1));
  return { raw, path, value: doc.errors.length ? raw.slice(eq + 1) : doc.toJS() };
}

const ajv = new Ajv({ allErrors: true, useDefaults: true, strict: false, verbose: true });
const validate = ajv.compile<Scenario>(ScenarioSchema);

/** Options for parsing a scenario. */
export interface ParseOptions {
  file?: string;
  overrides?: readonly string[];
}

/**
 * Parses and validates scenario YAML. Every problem (syntax, schema, overrides, semantic checks) is
 * collected with its file, line, column and path; any problem throws a ScenarioError, so a bad file never
 * starts a run.
 */
export function parseScenario(text: string, o: ParseOptions = {}): Scenario {
  const file = o.file ?? '<scenario>';
  const lc = new LineCounter();
  const doc = parseDocument(text, { lineCounter: lc, prettyErrors: false, uniqueKeys: true });
  const at = (offset: number): { line: number; column: number } => {
    const p = lc.linePos(offset);
    return { line: p.line, column: p.col };
  };
  const syntax = [...doc.errors];
  if (syntax.length)
    throw new ScenarioError(
      syntax.map((e) => ({
        file,
        ...at(e.pos[0]),
        path: '',
        message: `YAML syntax: ${e.message.split('\n')[0]}`,
      })),
    );
  if (!isMap(doc.contents))
    throw new ScenarioError([
      {
        file,
        line: 1,
        column: 1,
        path: '',
        message: 'expected a mapping of scenario sections (name, kind, ticks, world, …)',
      },
    ]);

  const overridden = new Map<string, string>();
  const issues: ScenarioIssue[] = [];
  for (const raw of o.overrides ?? []) {
    try {
      const ov = parseOverride(raw);
      const resolved = resolveOverridePath(doc, ov.path);
      doc.setIn(resolved, doc.createNode(ov.value));
      overridden.set(formatPath(resolved), ov.raw);
    } catch (err) {
      const msg = err instanceof ScenarioError ? err.issues[0].message : (err as Error).message;
      issues.push({ file: '--set', line: 0, column: 0, path: raw, message: msg });
    }
  }
  if (issues.length) throw new ScenarioError(issues);

  const data = doc.toJS() as unknown;
  const locate = (path: ScenarioPath, key?: string): { file: string; line: number; column: number } => {
    const p = formatPath(path);
    const via = [...overridden.keys()].find((k) => p === k || p.startsWith(k + '.') || p.startsWith(k + '['));
    if (via) return { file: `--set ${overridden.get(via)}`, line: 0, column: 0 };
    return { file, ...at(nodeOffset(doc, path, key)) };
  };

  if (!validate(data)) {
    for (const e of simplifyErrors(validate.errors ?? [])) {
      const path = pointerToPath(e.instancePath);
      const extra =
        e.keyword === 'additionalProperties'
          ? String((e.params as { additionalProperty: string }).additionalProperty)
          : undefined;
      const fullPath = extra
        ? [...path, extra]
        : e.keyword === 'required'
          ? [...path, String((e.params as { missingProperty: string }).missingProperty)]
          : path;
      issues.push({ ...locate(path, extra), path: formatPath(fullPath), message: describeError(e) });
    }
    throw new ScenarioError(dedupe(issues));
  }
  for (const check of semanticChecks)
    for (const p of check(data))
      issues.push({ ...locate(p.path), path: formatPath(p.path), message: p.message });
  if (issues.length) throw new ScenarioError(dedupe(issues));
  return data;
}

/** Reads and parses a scenario file. */
export async function loadScenario(file: string, o: Omit<ParseOptions, 'file'> = {}): Promise<Scenario> {
  return parseScenario(await readScenarioText(file), { ...o, file });
}

/** Reads a scenario file's text; an unreadable file is a ScenarioError naming it. */
export async function readScenarioText(file: string): Promise<string> {
  try {
    return await readFile(file, 'utf8');
  } catch (err) {
    throw new ScenarioError([
      {
        file,
        line: 0,
        column: 0,
        path: '',
        message: `cannot read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`,
      },
    ]);
  }
}

// `species.wolf` addresses the list item whose name is 'wolf'; numeric segments index lists.
function resolveOverridePath(doc: Document, path: string[]): ScenarioPath {
  const out: ScenarioPath = [];
  let node: unknown = doc.contents;
  for (const seg of path) {
    if (isSeq(node)) {
      let idx = /^\d+$/.test(seg)
        ? Number(seg)
        : node.items.findIndex((it) => isMap(it) && (it.get('name') === seg || it.get('id') === seg));
      if (idx < 0) throw new Error(`no item named '${seg}' in ${formatPath(out) || 'the scenario'}`);
      if (idx > node.items.length) idx = node.items.length;
      out.push(idx);
      node = node.items[idx];
    } else {
      out.push(seg);
      node = isMap(node) ? node.get(seg, true) : undefined;
    }
  }
  return out;
}

function nodeOffset(doc: Document, path: ScenarioPath, key?: string): number {
  // Walk down as far as the path exists; report the deepest node found (or the key, for unknown keys).
  let node: unknown = doc.contents;
  for (const seg of path) {
    const next: unknown =
      isMap(node) || isSeq(node)
        ? (node as { get(k: unknown, keep: true): unknown }).get(seg, true)
        : undefined;
    if (next === undefined || next === null) break;
    node = next;
  }
  if (key !== undefined && isMap(node)) {
    const pair = node.items.find((it) => isScalar(it.key) && it.key.value === key);
    if (pair && isScalar(pair.key) && pair.key.range) return pair.key.range[0];
  }
  const range = (node as YamlNode | undefined)?.range;
  return range ? range[0] : 0;
}

function pointerToPath(pointer: string): ScenarioPath {
  if (!pointer) return [];
  return pointer
    .slice(1)
    .split('/')
    .map((s) => s.replace(/~1/g, '/').replace(/~0/g, '~'))
    .map((s) => (/^\d+$/.test(s) ? Number(s) : s));
}

// Union failures produce one error per branch plus an anyOf error: keep only the anyOf one.
function simplifyErrors(errors: ErrorObject[]): ErrorObject[] {
  const unionPaths = new Set(errors.filter((e) => e.keyword === 'anyOf').map((e) => e.instancePath));
  return errors.filter(
    (e) => e.keyword === 'anyOf' || !unionPaths.has(e.instancePath) || e.keyword === 'additionalProperties',
  );
}

function describeError(e: ErrorObject): string {
  const got = e.data === undefined ? '' : ` (got ${JSON.stringify(e.data)?.slice(0, 60)})`;
  switch (e.keyword) {
    case 'additionalProperties': {
      const allowed = Object.keys((e.parentSchema as { properties?: object })?.properties ?? {}).filter(
        (k) => k !== '$schema',
      );
      return `unknown key '${(e.params as { additionalProperty: string }).additionalProperty}'; expected one of: ${allowed.join(', ')}`;
    }
    case 'required':
      return `missing required key '${(e.params as { missingProperty: string }).missingProperty}'`;
    case 'anyOf': {
      const branches = ((e.schema as Array<{ const?: unknown; type?: string }>) ?? []).map((b) =>
        b.const !== undefined ? JSON.stringify(b.const) : (b.type ?? 'object'),
      );
      return `expected ${branches.length > 1 ? 'one of ' : ''}${branches.join(', ')}${got}`;
    }
    case 'type':
      return `expected ${(e.params as { type: string }).type}${got}`;
    case 'enum':
      return `expected one of ${((e.params as { allowedValues: unknown[] }).allowedValues ?? []).map((v) => JSON.stringify(v)).join(', ')}${got}`;
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return `${e.message}${got}`;
    default:
      return `${e.message ?? 'invalid'}${got}`;
  }
}

function dedupe(issues: ScenarioIssue[]): ScenarioIssue[] {
  const seen = new Set<string>();
  return issues.filter((i) => {
    const k = formatIssue(i);
    if (seen.has(k)) return false;
    seen.add(k);
    return true;
  });
}
