import { Piscina } from 'piscina';
import type { WorldConfig } from './zone-runtime.ts';
import type { ZoneTask, ZoneTaskAnswer } from './zone-worker.ts';

/** A piscina pool whose workers can step any zone of one world. */
export class ZonePool {
  private readonly pool: Piscina;

  constructor(config: WorldConfig, threads: number) {
    this.pool = new Piscina({
      filename: new URL('./zone-worker.mjs', import.meta.url).href,
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
      // Queue a tick's zones on the workers up front, so a worker moves to its next zone without waiting
      // for a round trip through the main thread.
      concurrentTasksPerWorker: Math.max(1, Math.ceil(config.geometry.zones.length / threads)),
      workerData: { config },
    });
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  /** Waits until every worker has loaded its modules, so the first tick does not pay for start-up. */
  async warm(): Promise<void> {
    const n = this.pool.options.maxThreads * Math.max(1, this.pool.options.concurrentTasksPerWorker);
    await Promise.all(Array.from({ length: n }, () => this.pool.run({ warmup: true })));
  }

  /** Runs one zone task on whichever worker is free. */
  run(task: ZoneTask): Promise<ZoneTaskAnswer> {
    return this.pool.run(task) as Promise<ZoneTaskAnswer>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
