import { existsSync, readFileSync } from 'node:fs';
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
    expect(world).toMatch(/from "\.\/pool\.js"/);
    expect(world).not.toMatch(/from ["']\.{1,2}\/[^"']+\.ts["']/);
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
});
