// Zone pool worker entry: the transpiled worker from the JavaScript tree, or the TypeScript through tsx.
import { loadWorkerModule } from './worker-entry.mjs';

const mod = await loadWorkerModule(
  'engine/world/zone-worker.js',
  new URL('./zone-worker.ts', import.meta.url).href,
);
export default mod.default;
