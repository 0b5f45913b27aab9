import { existsSync, readFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { COMBAT_PLUGIN } from '../combat/plugin.ts';
import { jsTree, jsUrlFor, pluginsFor } from './js-tree.ts';

describe('the JavaScript tree for worker threads', () => {
  it('holds every source as JavaScript with relative .ts imports rewritten, stamped with its source hash', async () => {
    const root = await jsTree();
    expect(root).not.toBeNull();
    const world = readFileSync(`${root}/engine/world/world.js`, 'utf8');
    expect(world.startsWith('// arcane-js ')).toBe(true);
    // Static imports and import() both.
    expect(world).toMatch(/from "\.\/zone-runtime\.js"/);
    expect(world).toMatch(/import\("\.\/pool\.js"\)/);
    expect(world).not.toMatch(/(from |import\()["']\.{1,2}\/[^"']+\.ts["']/);
    // A second call reuses the tree.
    expect(await jsTree()).toBe(root);
  });

  it('maps the project’s plugin URLs onto the tree and refuses TypeScript from elsewhere', async () => {
    const root = (await jsTree())!;
    const mapped = jsUrlFor(COMBAT_PLUGIN, root)!;
    expect(mapped.endsWith('/engine/combat/plugin.js')).toBe(true);
    expect(existsSync(fileURLToPath(mapped))).toBe(true);
    expect(pluginsFor([COMBAT_PLUGIN, 'file:///elsewhere/plugin.mjs'], root)).toEqual([
      mapped,
      'file:///elsewhere/plugin.mjs',
    ]);
    expect(pluginsFor(['file:///elsewhere/plugin.ts'], root)).toBeNull();
  });

  it('keeps validation and pool libraries out of what a sweep worker loads at start', async () => {
    // Static imports load with the module (import() only when reached): TypeBox cost ~85 ms and piscina
    // ~20 ms of every sweep worker's start before they were split off.
    const root = (await jsTree())!;
    const seen = new Set<string>();
    const packages = new Set<string>();
    const visit = (file: string): void => {
      if (seen.has(file)) return;
      seen.add(file);
      const text = readFileSync(file, 'utf8');
      for (const m of text.matchAll(
        /^(?:import|export)\s[^;]*?from\s*["']([^"']+)["']|^import\s*["']([^"']+)["']/gm,
      )) {
        const spec = m[1] ?? m[2];
        if (spec.startsWith('.')) visit(resolve(dirname(file), spec));
        else packages.add(spec);
      }
    };
    visit(`${root}/lab/runner/sweep-worker.js`);
    expect(seen.size).toBeGreaterThan(10);
    expect(packages).toContain('seedrandom');
    for (const heavy of ['@sinclair/typebox', 'piscina', 'ajv', 'yaml', 'mathjs', '@duckdb/node-api'])
      expect(packages).not.toContain(heavy);
  });
});
