import { parseScenario, ScenarioError, splitOverridePath } from '../scenario/load.ts';
import type { Scenario } from '../scenario/schema.ts';

/** One axis of a sweep: a scenario path and the values it takes. */
export interface SweepAxis {
  path: string;
  values: string[];
}

/** One run of a sweep: its overrides (`path=value`), the parameters as an object, and its seed. */
export interface SweepJob {
  index: number;
  overrides: string[];
  params: Record<string, string>;
  seed: number;
}

/** Parses `--grid 'species.wolf.caps.hard=4,6,8'`. */
export function parseGrid(raw: string): SweepAxis {
  const eq = raw.indexOf('=');
  if (eq <= 0) throw new Error(`--grid expects path=v1,v2,…; got '${raw}'`);
  const values = raw
    .slice(eq + 1)
    .split(',')
    .map((v) => v.trim())
    .filter((v) => v !== '');
  if (values.length === 0) throw new Error(`--grid ${raw}: no values`);
  return { path: raw.slice(0, eq).trim(), values };
}

/** Parses `--seeds 1..20` or `--seeds 1,5,9`. */
export function parseSeeds(raw: string): number[] {
  const range = /^(\d+)\.\.(\d+)$/.exec(raw.trim());
  if (range) {
    const [a, b] = [Number(range[1]), Number(range[2])];
    if (b < a) throw new Error(`--seeds ${raw}: the range is empty`);
    return Array.from({ length: b - a + 1 }, (_, i) => a + i);
  }
  const list = raw.split(',').map((s) => Number(s.trim()));
  if (list.some((n) => !Number.isInteger(n) || n < 0))
    throw new Error(`--seeds expects a..b or a list of integers; got '${raw}'`);
  return list;
}

/** The cartesian product of the axes, times the seeds: parameters vary slowest, seeds fastest. */
export function expandSweep(
  axes: readonly SweepAxis[],
  seeds: readonly number[],
  base: readonly string[] = [],
): SweepJob[] {
  let combos: Array<Record<string, string>> = [{}];
  for (const axis of axes) combos = combos.flatMap((c) => axis.values.map((v) => ({ ...c, [axis.path]: v })));
  const jobs: SweepJob[] = [];
  for (const params of combos)
    for (const seed of seeds)
      jobs.push({
        index: jobs.length,
        overrides: [...base, ...Object.entries(params).map(([p, v]) => `${p}=${v}`)],
        params,
        seed,
      });
  return jobs;
}

/**
 * Validates every job's scenario before anything runs, so a bad value anywhere in the grid stops the
 * sweep before it writes a thing. Returns the parsed scenario of each job.
 */
export function validateSweep(text: string, file: string, jobs: readonly SweepJob[]): Scenario[] {
  const issues: ScenarioError['issues'] = [];
  const out: Scenario[] = [];
  for (const job of jobs) {
    try {
      out.push(parseScenario(text, { file, overrides: job.overrides }));
    } catch (err) {
      if (!(err instanceof ScenarioError)) throw err;
      for (const i of err.issues)
        if (!issues.some((j) => j.path === i.path && j.file === i.file)) issues.push(i);
    }
  }
  if (issues.length) throw new ScenarioError(issues);
  return out;
}

/**
 * Nests `{'species.wolf.caps.hard': '6'}` into `{species: {wolf: {caps: {hard: 6}}}}`, values read as YAML
 * scalars. Paths split as overrides do: `species[0].count` and `species.0.count` both give `{species: {0: …}}`.
 */
export function nestParams(flat: Record<string, string>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const [path, raw] of Object.entries(flat)) {
    const keys = splitOverridePath(path);
    let node = out;
    for (const k of keys.slice(0, -1)) node = (node[k] ??= {}) as Record<string, unknown>;
    const n = Number(raw);
    node[keys.at(-1)!] =
      raw.trim() !== '' && Number.isFinite(n) ? n : raw === 'true' ? true : raw === 'false' ? false : raw;
  }
  return out;
}
