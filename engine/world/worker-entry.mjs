// Shared by the pools' worker entry files: loads a worker module from the JavaScript tree when the pool
// passed one (see js-tree.ts), else registers tsx in this thread (loader hooks of the parent do not reach
// worker threads) and loads the TypeScript source.
import { workerData } from 'node:worker_threads';

/** `treePath`: the module's path in the tree (`engine/world/zone-worker.js`); `sourceUrl`: its .ts URL. */
export async function loadWorkerModule(treePath, sourceUrl) {
  if (workerData?.jsRoot) return import(new URL(treePath, workerData.jsRoot).href);
  const { register } = await import('tsx/esm/api');
  register();
  return import(sourceUrl);
}
