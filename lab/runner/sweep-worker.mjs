// Sweep pool worker entry: the transpiled job runner from the JavaScript tree, or the TypeScript through tsx.
import { loadWorkerModule } from '../../engine/world/worker-entry.mjs';

const mod = await loadWorkerModule(
  'lab/runner/sweep-worker.js',
  new URL('./sweep-worker.ts', import.meta.url).href,
);
export default mod.default;
