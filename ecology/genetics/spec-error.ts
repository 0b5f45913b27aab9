/** One step of a path into a scenario document: an object key or an array index. */
export type SpecPathItem = string | number;

/** Formats a spec path the way the lab prints it: `species[2].traits.speed`. */
export function formatSpecPath(path: readonly SpecPathItem[]): string {
  let out = '';
  for (const item of path) {
    if (typeof item === 'number') out += `[${item}]`;
    else if (/^[A-Za-z_$][\w$]*$/.test(item)) out += out === '' ? item : `.${item}`;
    else out += `[${JSON.stringify(item)}]`;
  }
  return out;
}

/**
 * A designer error in a species definition (bad formula, unknown gene, inconsistent alleles…). `path`
 * points into the scenario document (e.g. `['species', 2, 'traits', 'speed']`) so that the lab can map it
 * to a file and line; `detail` is the message without the path.
 */
export class SpecError extends Error {
  /** Where in the scenario document the problem is. */
  readonly path: readonly SpecPathItem[];
  /** What is wrong, without the path. */
  readonly detail: string;

  constructor(path: readonly SpecPathItem[], detail: string) {
    super(`${formatSpecPath(path)}: ${detail}`);
    this.name = 'SpecError';
    this.path = [...path];
    this.detail = detail;
  }
}
