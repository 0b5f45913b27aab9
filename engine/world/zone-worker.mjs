// Worker entry: registers tsx in this thread so piscina can load the TypeScript worker, whether the parent
// runs under tsx (the CLI) or not (Vitest). Loader hooks of the parent do not reach worker threads.
import { register } from 'tsx/esm/api';

register();
const mod = await import('./zone-worker.ts');
export default mod.default;
