// Pool entry for sweep jobs: registers tsx in this worker thread, then loads the TypeScript job runner.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./sweep-worker.ts');
export default mod.default;
