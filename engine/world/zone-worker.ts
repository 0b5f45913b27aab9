import { workerData } from 'node:worker_threads';
import { ZoneViews } from '../zone/zone.ts';
import type { ZoneBuffers } from '../zone/zone.ts';
import { loadSystemRegistry, ZoneRuntime } from './zone-runtime.ts';
import type { WorldConfig, ZoneStepResult } from './zone-runtime.ts';
import type { SimInput } from './system.ts';

/** A pool task: step zone `zoneId` to `tick`. Buffers travel as shared memory (no copy). */
export interface ZoneTask {
  zoneId: number;
  tick: number;
  buffers: ZoneBuffers;
  inputs: SimInput[];
}

/** A task's answer: the step result, or the error a system threw (never a half-applied zone). */
export type ZoneTaskAnswer =
  | { ok: true; result: ZoneStepResult }
  | { ok: false; zoneId: number; tick: number; name: string; message: string; stack?: string };

const config = (workerData as { config: WorldConfig }).config;
const runtime = new ZoneRuntime(config, await loadSystemRegistry(config.plugins));
// Views per zone, rebuilt only when the zone's buffers were replaced (capacity growth).
const views = new Map<number, ZoneViews>();

/** Steps one zone on this worker (a `warmup` task only proves the worker has loaded). */
export default function stepZoneTask(
  task: ZoneTask | { warmup: true },
): ZoneTaskAnswer | { ok: true; warm: true } {
  if ('warmup' in task) return { ok: true, warm: true };
  let v = views.get(task.zoneId);
  if (!v || v.buffers.generation !== task.buffers.generation) {
    v = new ZoneViews(config.layout, config.geometry.zones[task.zoneId], task.buffers);
    views.set(task.zoneId, v);
  }
  try {
    return { ok: true, result: runtime.stepZone(v, task.tick, task.inputs) };
  } catch (err) {
    const e = err instanceof Error ? err : new Error(String(err));
    return {
      ok: false,
      zoneId: task.zoneId,
      tick: task.tick,
      name: e.name,
      message: e.message,
      stack: e.stack,
    };
  }
}
