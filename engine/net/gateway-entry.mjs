// Gateway process entry: the transpiled module from the JavaScript tree when the zone process passed one
// (ARCANE_JS_ROOT, see js-tree.ts), else the TypeScript source through tsx.
const root = process.env.ARCANE_JS_ROOT;
if (root) await import(new URL('engine/net/gateway-process.js', root).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  await import(new URL('./gateway-process.ts', import.meta.url).href);
}
