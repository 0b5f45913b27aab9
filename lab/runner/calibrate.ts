import { Worker } from 'node:worker_threads';

// The same CPU-bound loop (typed-array arithmetic, no allocation) in k threads at once.
const SPIN = `
const { parentPort, workerData } = require('node:worker_threads');
let x = 0; const a = new Float64Array(1 << 16);
for (let r = 0; r < workerData.reps; r++) for (let i = 0; i < a.length; i++) { a[i] = a[(i * 7) & 65535] * 0.5 + i; x += a[i]; }
parentPort.postMessage(x);`;

function spin(threads: number, reps: number): Promise<unknown[]> {
  return Promise.all(
    Array.from(
      { length: threads },
      () =>
        new Promise((resolve, reject) => {
          const w = new Worker(SPIN, { eval: true, workerData: { reps } });
          w.once('message', resolve);
          w.once('error', reject);
        }),
    ),
  );
}

/**
 * How much faster `threads` threads finish the same total CPU-bound work than one thread on this
 * machine right now: the ceiling any parallel speed-up measured beside it can reach (virtual cores and
 * other load keep it below the thread count).
 */
export async function parallelCeiling(threads: number, reps = 1500): Promise<number> {
  let t0 = performance.now();
  for (let k = 0; k < threads; k++) await spin(1, reps);
  const serial = performance.now() - t0;
  t0 = performance.now();
  await spin(threads, reps);
  return serial / (performance.now() - t0);
}
