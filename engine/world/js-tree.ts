// The project's TypeScript as plain JavaScript, for worker threads. The main thread runs the sources through
// tsx; a worker thread cannot share that loader and would start its own (~0.4 s per thread, most of a sweep
// worker's start-up). So before starting workers the main thread transpiles engine/, ecology/ and lab/ with
// esbuild — tsx's own transpiler, with the same tsconfig settings — into a mirror tree under
// node_modules/.cache/arcane-js/, relative `.ts` imports rewritten to `.js`; only files that changed since
// the last call are redone. Workers import from that tree; plugin URLs of the sources map onto it.
// ARCANE_JS_TREE=0 turns it off (workers then register tsx, as before).
import { createHash } from 'node:crypto';
import {
  closeSync,
  mkdirSync,
  openSync,
  readdirSync,
  readFileSync,
  readSync,
  renameSync,
  writeFileSync,
} from 'node:fs';
import { dirname, join, relative, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const HERE = fileURLToPath(new URL('../../', import.meta.url));
// This module may itself be running from the tree (a worker that starts workers): then the tree is built.
const IN_TREE = /[\\/]node_modules[\\/]\.cache[\\/]arcane-js-[^\\/]+[\\/]$/.test(HERE);
const ROOT = IN_TREE ? join(HERE, '..', '..', '..') : HERE;
const DIRS = ['engine', 'ecology', 'lab'];

let tree: Promise<string | null> | null = null;
let tmpSerial = 0;

/** The root of the JavaScript tree (built or brought up to date on the first call), or null when unavailable. */
export function jsTree(): Promise<string | null> {
  if (process.env.ARCANE_JS_TREE === '0') return Promise.resolve(null);
  if (IN_TREE) return Promise.resolve(HERE);
  tree ??= build().catch((err: unknown) => {
    process.emitWarning(`worker threads will load TypeScript through tsx: ${String(err)}`);
    return null;
  });
  return tree;
}

/** A file URL of a path in the project's source tree (for worker entry files, wherever this module runs). */
export function projectUrl(rel: string): string {
  return pathToFileURL(join(ROOT, rel)).href;
}

/**
 * Plugin URLs as a worker loading from `root` imports them: the project's `.ts` sources map onto the tree;
 * anything else is kept. Null when some plugin is TypeScript outside the tree (the worker then needs tsx).
 */
export function pluginsFor(plugins: readonly string[], root: string): string[] | null {
  const out: string[] = [];
  for (const url of plugins) {
    const js = url.endsWith('.ts') ? jsUrlFor(url, root) : url;
    if (js === null) return null;
    out.push(js);
  }
  return out;
}

/**
 * The tree's URL for a source module URL (`file:///…/engine/combat/plugin.ts` → `…/arcane-js/engine/combat/
 * plugin.js`), or null when the module is not one of the project's transpiled sources.
 */
export function jsUrlFor(url: string, root: string): string | null {
  if (!url.startsWith('file:') || !url.endsWith('.ts')) return null;
  const rel = relative(ROOT, fileURLToPath(url));
  if (rel.startsWith('..') || !DIRS.includes(rel.split(sep)[0])) return null;
  return pathToFileURL(join(root, rel.replace(/\.ts$/, '.js'))).href;
}

// Relative specifiers ending in .ts, in static imports, re-exports, side-effect imports and import().
const SPECIFIER = /((?:\bfrom|\bimport)\s*\(?\s*)(['"])(\.{1,2}\/[^'"\n]+?)\.ts\2/g;

async function build(): Promise<string> {
  const { transform, version } = await import('esbuild');
  // A new esbuild (or new options: bump the suffix) starts a new tree.
  const out0 = join(ROOT, 'node_modules', '.cache', `arcane-js-${version}-1`);
  const files: string[] = [];
  const walk = (dir: string): void => {
    for (const e of readdirSync(dir, { withFileTypes: true })) {
      const p = join(dir, e.name);
      if (e.isDirectory()) {
        if (e.name !== 'node_modules') walk(p);
      } else if (e.name.endsWith('.ts') && !e.name.endsWith('.test.ts') && !e.name.endsWith('.d.ts'))
        files.push(p);
    }
  };
  for (const d of DIRS) walk(join(ROOT, d));
  await Promise.all(
    files.map(async (file) => {
      const rel = relative(ROOT, file);
      const out = join(out0, rel.replace(/\.ts$/, '.js'));
      const text = readFileSync(file, 'utf8');
      // Each output starts with the hash of its source: up to date when that matches.
      const stamp = `// arcane-js ${createHash('sha1').update(text).digest('hex')}\n`;
      if (firstBytes(out, stamp.length) === stamp) return;
      const { code } = await transform(text, {
        loader: 'ts',
        format: 'esm',
        target: 'node20',
        sourcefile: file,
        sourcemap: 'inline',
        tsconfigRaw: { compilerOptions: { verbatimModuleSyntax: true, target: 'ES2022' } },
      });
      mkdirSync(dirname(out), { recursive: true });
      // Written aside and renamed: another process building at the same time never sees half a file.
      const tmp = `${out}.${process.pid}.${tmpSerial++}.tmp`;
      writeFileSync(tmp, stamp + code.replace(SPECIFIER, '$1$2$3.js$2'));
      renameSync(tmp, out);
    }),
  );
  return out0;
}

function firstBytes(path: string, n: number): string {
  try {
    const fd = openSync(path, 'r');
    try {
      const b = Buffer.alloc(n);
      return b.toString('utf8', 0, readSync(fd, b, 0, n, 0));
    } finally {
      closeSync(fd);
    }
  } catch {
    return '';
  }
}
