import type { ParamDefault } from './parse.ts';

/**
 * Notebook parameters. The front matter declares them with a default value or a query:
 *
 *   params:
 *     species: wolf                     # a value
 *     run_id:                           # or the first cell of a query over the results
 *       query: SELECT run_id FROM runs WHERE status = 'finished' ORDER BY started_at DESC LIMIT 1
 *
 * Parameters resolve in the order declared; a default query may use the ones before it.
 * `{{name}}` in a SQL cell becomes a SQL literal of the value ('text' quoted and escaped, numbers,
 * TRUE/FALSE, NULL, lists as [..]), so values can never break out of the literal; write `{{run_id}}`,
 * not `'{{run_id}}'`. In Markdown `{{name}}` becomes the plain value. Values given when rendering
 * (`--param run_id=…`) win over defaults; a text value for a numeric default is read as a number.
 */
export const PARAM_RE = /\{\{\s*([A-Za-z_]\w*)\s*\}\}/g;

/** A parameter without a value (its query found nothing): cells that use it show this instead of running. */
export class MissingParam {
  constructor(readonly reason: string) {}
}

/** Parameter values after defaults, queries and overrides. */
export type ParamValues = Record<string, unknown>;

/** Merges given values over declared defaults, resolving query defaults with `ask` (first cell or none). */
export async function resolveParams(
  declared: Record<string, ParamDefault>,
  given: Record<string, unknown>,
  ask: (sql: string) => Promise<unknown>,
): Promise<ParamValues> {
  const out: ParamValues = {};
  for (const [name, def] of Object.entries(declared)) {
    if (name in given) {
      out[name] = 'value' in def ? coerceLike(given[name], def.value) : given[name];
      continue;
    }
    if ('value' in def) {
      out[name] = def.value;
      continue;
    }
    try {
      // A query may use the parameters declared before it (`{{sweep_id}}` in the query of `cap_path`).
      const sql = substituteSql(def.query, out);
      const v = await ask(sql);
      out[name] =
        v === undefined
          ? new MissingParam(`its query found nothing (${sql.replace(/\s+/g, ' ').trim()})`)
          : v;
    } catch (err) {
      out[name] = new MissingParam(`its query failed: ${(err as Error).message}`);
    }
  }
  for (const [name, v] of Object.entries(given)) if (!(name in out)) out[name] = v;
  return out;
}

/** A given value (text from a command line) read as the type of the declared default. */
function coerceLike(v: unknown, like: unknown): unknown {
  if (typeof v !== 'string') return v;
  if (typeof like === 'number' && v.trim() !== '' && Number.isFinite(Number(v))) return Number(v);
  if (typeof like === 'boolean' && (v === 'true' || v === 'false')) return v === 'true';
  return v;
}

/** A value as a SQL literal. */
export function sqlLiteral(v: unknown): string {
  if (v === null || v === undefined) return 'NULL';
  if (typeof v === 'number') return Number.isFinite(v) ? String(v) : 'NULL';
  if (typeof v === 'bigint') return v.toString();
  if (typeof v === 'boolean') return v ? 'TRUE' : 'FALSE';
  if (Array.isArray(v)) return `[${v.map(sqlLiteral).join(', ')}]`;
  if (typeof v === 'object') return `${sqlLiteral(JSON.stringify(v))}::JSON`;
  return `'${String(v).replace(/'/g, "''")}'`;
}

/** Replaces `{{name}}` in SQL by literals; throws on an unknown or missing parameter. */
export function substituteSql(sql: string, values: ParamValues): string {
  return sql.replace(PARAM_RE, (_, name: string) => {
    if (!(name in values))
      throw new Error(
        `unknown parameter {{${name}}} (declared: ${Object.keys(values).join(', ') || 'none'}; declare it in the front matter or pass --param ${name}=…)`,
      );
    const v = values[name];
    if (v instanceof MissingParam) throw new Error(`parameter {{${name}}} has no value: ${v.reason}`);
    return sqlLiteral(v);
  });
}

/** Replaces `{{name}}` in Markdown by the plain value (unknown names are left as written). */
export function substituteText(text: string, values: ParamValues): string {
  return text.replace(PARAM_RE, (whole, name: string) => {
    if (!(name in values)) return whole;
    const v = values[name];
    if (v instanceof MissingParam) return `(no ${name})`;
    return typeof v === 'object' && v !== null ? JSON.stringify(v) : String(v);
  });
}

/** Parameter values fit for JSON (missing ones as null). */
export function paramsForJson(values: ParamValues): Record<string, unknown> {
  return Object.fromEntries(
    Object.entries(values).map(([k, v]) => [k, v instanceof MissingParam ? null : v]),
  );
}
