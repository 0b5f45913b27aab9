import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import { jsTree, pluginsFor, projectUrl } from './js-tree.ts';
import type { WorldConfig } from './zone-runtime.ts';
import type { ZoneBatchAnswer, ZoneBatchTask } from './zone-worker.ts';

/** A piscina pool whose workers can step any zone of one world. */
export class ZonePool {
  private readonly pool: Piscina;

  private constructor(config: WorldConfig, threads: number, jsRoot: string | null) {
    this.pool = new Piscina({
      filename: projectUrl('engine/world/zone-worker.mjs'),
      minThreads: threads,
      maxThreads: threads,
      idleTimeout: 2 ** 31 - 1,
      // One batch per worker per tick (see ZoneBatchTask): a worker never holds two.
      concurrentTasksPerWorker: 1,
      workerData: { config, jsRoot },
    });
  }

  /** Starts a pool; its workers load the plain-JavaScript tree (see js-tree.ts) when it is available. */
  static async create(config: WorldConfig, threads: number): Promise<ZonePool> {
    const root = await jsTree();
    const plugins = root === null ? null : pluginsFor(config.plugins, root);
    if (root === null || plugins === null) return new ZonePool(config, threads, null);
    return new ZonePool({ ...config, plugins }, threads, pathToFileURL(`${root}/`).href);
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  /** Waits until every worker has loaded its modules, so the first tick does not pay for start-up. */
  async warm(): Promise<void> {
    const want = this.pool.options.maxThreads;
    const seen = new Set<number>();
    for (let round = 0; round < 50 && seen.size < want; round++) {
      const answers = await Promise.all(
        Array.from({ length: want }, () => this.pool.run({ warmup: true }) as Promise<{ thread: number }>),
      );
      for (const a of answers) seen.add(a.thread);
    }
  }

  /** Workers in the pool (each gets one batch per tick). */
  get size(): number {
    return this.pool.options.maxThreads;
  }

  /** Runs a tick's batch on one worker (call once per worker; they share the batch's claim counter). */
  runBatch(task: ZoneBatchTask): Promise<ZoneBatchAnswer> {
    return this.pool.run(task) as Promise<ZoneBatchAnswer>;
  }

  async close(): Promise<void> {
    await this.pool.destroy();
  }
}
