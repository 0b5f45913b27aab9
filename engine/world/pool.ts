import { MessageChannel, receiveMessageOnPort } from 'node:worker_threads';
import type { MessagePort } from 'node:worker_threads';
import { pathToFileURL } from 'node:url';
import { Piscina } from 'piscina';
import type { ZoneBuffers } from '../zone/zone.ts';
import { jsTree, pluginsFor, projectUrl } from './js-tree.ts';
import type { SimInput } from './system.ts';
import type { WorldConfig } from './zone-runtime.ts';
import { CTRL, CTRL_STOP, MAILBOX_BYTES, takeAnswer } from './lane.ts';
import type { ZoneLaneBatch, ZoneLaneTask, ZoneTaskAnswer } from './lane.ts';

/**
 * Resolves once `threads` distinct workers of a piscina pool have started and loaded their module: each
 * answers a `{ warmup: true }` task with `{ thread: threadId }`.
 */
export async function warmThreads(pool: Piscina, threads: number): Promise<void> {
  const seen = new Set<number>();
  for (let round = 0; round < 50 && seen.size < threads; round++) {
    const answers = await Promise.all(
      Array.from({ length: threads }, () => pool.run({ warmup: true }) as Promise<{ thread: number }>),
    );
    for (const a of answers) seen.add(a.thread);
  }
}

/** One tick's work for the pool: zones in hand-out order, and per zone id its buffers and inputs. */
export interface PoolTick {
  tick: number;
  order: number[];
  buffers: readonly ZoneBuffers[];
  inputs: readonly SimInput[][];
}

/** What the pool hands back for a tick: every answer it got, and why a zone got none (a worker died). */
export interface PoolTickResult {
  answers: ZoneTaskAnswer[];
  /** Set when a lane was lost during the tick: the zones it claimed have no answer. */
  lost?: string;
}

// A lane is one resident task on one pool thread: it waits on the control array between ticks.
interface Lane {
  index: number;
  port: MessagePort;
  mailbox: SharedArrayBuffer;
  done: Promise<unknown>;
  dead: string | null;
  /** The buffers this lane last received, per zone id (it keeps views over them). */
  sent: Array<ZoneBuffers | undefined>;
}

/**
 * A piscina pool whose workers can step any zone of one world. Each worker runs one resident task (a lane)
 * for the life of the world, and a tick is handed to the lanes through shared memory: the main thread posts
 * each lane its batch on a MessagePort (read synchronously by the lane; zone buffers only when they are new to
 * it), bumps a sequence number and wakes the lanes with `Atomics.notify`. The lanes claim zones from a shared
 * counter (largest first), write their answers into a shared mailbox, mark themselves done and count down; the
 * last one wakes the main thread (so does a large answer, to be decoded while the other lanes still step). A
 * lane whose thread dies fails the tick it was in; piscina replaces the thread and a new lane starts there at
 * the next tick.
 */
export class ZonePool {
  private readonly pool: Piscina;
  private readonly ctrl: Int32Array;
  private readonly lanes: Lane[] = [];
  private seq = 0;
  // Settles when any lane's task ends (its thread died, or close()): wakes a tick waiting on the bell.
  private laneEnded: Promise<void>;
  private wakeOnLaneEnd: () => void = () => {};
  private closed = false;

  private constructor(
    config: WorldConfig,
    private readonly threadCount: number,
    private readonly spinUs: number,
    jsRoot: string | null,
  ) {
    this.pool = new Piscina({
      filename: projectUrl('engine/world/zone-worker.mjs'),
      minThreads: threadCount,
      maxThreads: threadCount,
      idleTimeout: 2 ** 31 - 1,
      // One lane per worker: a worker never holds two.
      concurrentTasksPerWorker: 1,
      workerData: { config, jsRoot },
    });
    this.ctrl = new Int32Array(new SharedArrayBuffer(4 * (CTRL.laneDone + threadCount)));
    this.laneEnded = this.armLaneEnded();
  }

  /** Starts a pool; its workers load the plain-JavaScript tree (see js-tree.ts) when it is available. */
  static async create(config: WorldConfig, threads: number, spinUs: number): Promise<ZonePool> {
    const root = await jsTree();
    const plugins = root === null ? null : pluginsFor(config.plugins, root);
    const pool =
      root === null || plugins === null
        ? new ZonePool(config, threads, spinUs, null)
        : new ZonePool({ ...config, plugins }, threads, spinUs, pathToFileURL(`${root}/`).href);
    await pool.warm();
    for (let i = 0; i < threads; i++) pool.lanes.push(pool.startLane(i));
    return pool;
  }

  get threads(): number {
    return this.pool.threads.length;
  }

  /** Workers in the pool (one lane each). */
  get size(): number {
    return this.threadCount;
  }

  // Waits until every worker has loaded its modules, so the first tick does not pay for start-up.
  private warm(): Promise<void> {
    return warmThreads(this.pool, this.threadCount);
  }

  private armLaneEnded(): Promise<void> {
    return new Promise<void>((resolve) => (this.wakeOnLaneEnd = resolve));
  }

  private startLane(index: number): Lane {
    const { port1, port2 } = new MessageChannel();
    Atomics.store(this.ctrl, CTRL.laneDone + index, 0);
    const mailbox = new SharedArrayBuffer(MAILBOX_BYTES);
    const task: ZoneLaneTask = {
      lane: index,
      spinUs: this.spinUs,
      ctrl: this.ctrl,
      seq: this.seq,
      port: port2,
      mailbox,
    };
    const lane: Lane = { index, port: port1, mailbox, done: Promise.resolve(), dead: null, sent: [] };
    lane.done = this.pool.run(task, { transferList: [port2] as never }).then(
      () => {
        lane.dead = 'the worker left its lane';
      },
      (err: unknown) => {
        lane.dead = err instanceof Error ? err.message : String(err);
      },
    );
    void lane.done.then(() => {
      const wake = this.wakeOnLaneEnd;
      this.laneEnded = this.armLaneEnded();
      wake();
    });
    return lane;
  }

  /**
   * Steps a tick's zones on every lane and waits for all of them (a lane that dies is not waited for: its
   * zones come back without answers and `lost` says why). Never leaves a lane still writing zone state.
   */
  async runTick(t: PoolTick): Promise<PoolTickResult> {
    if (this.closed) throw new Error('the zone pool is closed');
    // Lanes lost in an earlier tick start again on the threads piscina put in their place.
    for (let i = 0; i < this.lanes.length; i++)
      if (this.lanes[i].dead !== null) {
        this.lanes[i].port.close();
        this.lanes[i] = this.startLane(i);
      }
    const seq = ++this.seq;
    Atomics.store(this.ctrl, CTRL.claim, 0);
    for (const lane of this.lanes) {
      const batch: ZoneLaneBatch = { seq, tick: t.tick, order: t.order, inputs: t.inputs, buffers: [] };
      for (let zi = 0; zi < t.buffers.length; zi++) {
        const b = t.buffers[zi];
        // Buffers cost a few µs each to send; a lane keeps the ones it has (they change when a zone grows).
        if (lane.sent[zi] !== b) {
          batch.buffers.push([zi, b]);
          lane.sent[zi] = b;
        }
      }
      lane.port.postMessage(batch);
    }
    // The batches are in the lanes' queues (postMessage enqueues synchronously): ring.
    Atomics.store(this.ctrl, CTRL.remaining, this.lanes.length);
    Atomics.store(this.ctrl, CTRL.seq, seq);
    Atomics.notify(this.ctrl, CTRL.seq);
    // Each lane's answer is read as soon as that lane is done, while the others still work (decoding a busy
    // tick's answers — events, metrics — then overlaps the slowest lane instead of following it).
    const answers: ZoneTaskAnswer[] = [];
    const taken = new Array<boolean>(this.lanes.length).fill(false);
    let lost: string | undefined;
    for (let open = this.lanes.length; ;) {
      for (const lane of this.lanes) {
        if (taken[lane.index] || this.laneDone(lane) !== seq) continue;
        taken[lane.index] = true;
        open--;
        const a = takeAnswer(lane.mailbox, () => receiveMessageOnPort(lane.port)?.message);
        if (a?.seq !== seq) throw new Error(`zone pool: lane ${lane.index} answered out of sequence`);
        for (const x of a.answers) answers.push(x);
      }
      if (open === 0) break;
      if (this.lanes.every((l) => taken[l.index] || l.dead !== null)) {
        lost = this.lanes.find((l) => !taken[l.index])?.dead ?? undefined;
        break;
      }
      // Sleep only while every lane not yet read is still stepping (left === open); otherwise one has just
      // finished (or is between marking itself done and counting down): look again.
      const left = Atomics.load(this.ctrl, CTRL.remaining);
      if (left !== open) continue;
      // A dead lane never counts down, so the others may not wake this thread: poll while one is dead.
      const w = Atomics.waitAsync(
        this.ctrl,
        CTRL.remaining,
        left,
        this.lanes.some((l) => l.dead !== null) ? 5 : 1000,
      );
      if (w.async) await Promise.race([w.value, this.laneEnded]);
    }
    return lost === undefined ? { answers } : { answers, lost };
  }

  private laneDone(l: Lane): number {
    return Atomics.load(this.ctrl, CTRL.laneDone + l.index);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    Atomics.store(this.ctrl, CTRL.seq, CTRL_STOP);
    Atomics.notify(this.ctrl, CTRL.seq);
    await Promise.all(this.lanes.map((l) => l.done));
    for (const l of this.lanes) l.port.close();
    await this.pool.destroy();
  }
}
