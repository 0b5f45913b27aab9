import { threadId, workerData } from 'node:worker_threads';
import { ZoneViews } from '../zone/zone.ts';
import type { ZoneBuffers } from '../zone/zone.ts';
import { loadSystemRegistry, ZoneRuntime } from './zone-runtime.ts';
import type { WorldConfig, ZoneStepResult } from './zone-runtime.ts';
import type { SimInput } from './system.ts';

/**
 * A tick's batch for one worker: every worker of the pool gets the same batch and they claim zones from it
 * (largest first) through a shared counter until none is left, so a tick costs one message per worker, not
 * one per zone, and a worker that finishes early takes the next zone. Buffers travel as shared memory.
 */
export interface ZoneBatchTask {
  batch: true;
  tick: number;
  /** `claim[0]` is the next index into `order` (reset to 0 by the main thread before the tick). */
  claim: Int32Array;
  /** Zone ids in the order they are handed out. */
  order: number[];
  /** Per zone id: its buffers and this tick's inputs. */
  zones: { buffers: ZoneBuffers; inputs: SimInput[] }[];
}

/** A batch's answer: one answer per zone this worker claimed. */
export interface ZoneBatchAnswer {
  answers: ZoneTaskAnswer[];
}

/** A task's answer: the step result, or the error a system threw (never a half-applied zone). */
export type ZoneTaskAnswer =
  | { ok: true; result: ZoneStepResult }
  | { ok: false; zoneId: number; tick: number; name: string; message: string; stack?: string };

const config = (workerData as { config: WorldConfig }).config;
const runtime = new ZoneRuntime(config, await loadSystemRegistry(config.plugins));
// Views per zone, rebuilt only when the zone's buffers were replaced (capacity growth).
const views = new Map<number, ZoneViews>();

/** Steps the zones this worker claims from a tick's batch (a `warmup` task only proves it has loaded). */
export default function stepZoneTask(
  task: ZoneBatchTask | { warmup: true },
): ZoneBatchAnswer | { ok: true; warm: true; thread: number } {
  if ('warmup' in task) return { ok: true, warm: true, thread: threadId };
  const answers: ZoneTaskAnswer[] = [];
  for (;;) {
    const k = Atomics.add(task.claim, 0, 1);
    if (k >= task.order.length) break;
    const zi = task.order[k];
    // A failed zone does not stop the claiming: a spawn overflow is retried on the main thread and the
    // tick goes on, and any other failure restores every zone anyway.
    answers.push(stepOne(zi, task.tick, task.zones[zi].buffers, task.zones[zi].inputs));
  }
  return { answers };
}

function stepOne(zoneId: number, tick: number, buffers: ZoneBuffers, inputs: SimInput[]): ZoneTaskAnswer {
  let v = views.get(zoneId);
  if (!v || v.buffers.generation !== buffers.generation) {
    v = new ZoneViews(config.layout, config.geometry.zones[zoneId], buffers);
    views.set(zoneId, v);
  }
  try {
    const result = runtime.stepZone(v, tick, inputs);
    // Events cross to the main thread as one string (see World's Report): decoded there only if read.
    if (result.events.length > 0) {
      result.eventsJson = JSON.stringify(result.events);
      result.events = [];
    }
    return { ok: true, result };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return { ok: false, zoneId, tick, name: e.name, message: e.message, stack: e.stack };
  }
}
