// Pool entry for sweep jobs. With a JavaScript tree (see engine/world/js-tree.ts) it loads the transpiled job
// runner from there; otherwise it registers tsx in this worker thread and loads the TypeScript.
import { workerData } from 'node:worker_threads';

let mod;
if (workerData?.jsRoot) mod = await import(new URL('lab/runner/sweep-worker.js', workerData.jsRoot).href);
else {
  const { register } = await import('tsx/esm/api');
  register();
  mod = await import('./sweep-worker.ts');
}
export default mod.default;
