import { spawnSync } from 'node:child_process';
import { existsSync, readdirSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join } from 'node:path';

/** The SvelteKit app's folder (site/). */
export const SITE_DIR = new URL('..', import.meta.url).pathname;
/** Where adapter-node writes the production build. */
export const BUILD_DIR = join(SITE_DIR, 'build');

function newestMtime(path: string): number {
  const st = statSync(path);
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMtime(join(path, name)));
  return newest;
}

/** Whether the build is missing or older than the app's sources. */
export function buildIsStale(): boolean {
  const marker = join(BUILD_DIR, 'handler.js');
  if (!existsSync(marker)) return true;
  const built = statSync(marker).mtimeMs;
  const sources = ['src', 'static', 'svelte.config.js', 'vite.config.ts']
    .map((p) => join(SITE_DIR, p))
    .filter(existsSync);
  return sources.some((p) => newestMtime(p) > built);
}

/** Builds the SvelteKit app (`vite build` in site/), printing Vite's output; throws if it fails. */
export function buildSite(): void {
  // vite's package exports hide bin/, so find it next to its package.json.
  const vite = join(createRequire(import.meta.url).resolve('vite/package.json'), '..', 'bin', 'vite.js');
  const r = spawnSync(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: SITE_DIR,
    stdio: 'inherit',
  });
  if (r.status !== 0) throw new Error(`site build failed (vite exited with ${r.status})`);
}
