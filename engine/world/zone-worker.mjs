// Worker entry. With a JavaScript tree (see js-tree.ts) it loads the transpiled worker from there; otherwise it
// registers tsx in this thread (loader hooks of the parent do not reach worker threads) and loads the
// TypeScript, whether the parent runs under tsx (the CLI) or not (Vitest).
import { workerData } from 'node:worker_threads';

let mod;
if (workerData?.jsRoot) mod = await import(new URL('engine/world/zone-worker.js', workerData.jsRoot).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('./zone-worker.ts');
}
export default mod.default;
