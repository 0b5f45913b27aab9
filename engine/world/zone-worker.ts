import { receiveMessageOnPort, threadId, workerData } from 'node:worker_threads';
import { ZoneViews } from '../zone/zone.ts';
import { loadSystemRegistry, ZoneRuntime } from './zone-runtime.ts';
import type { WorldConfig } from './zone-runtime.ts';
import type { SimInput } from './system.ts';
import { CTRL, CTRL_STOP, EARLY_READ_BYTES, postAnswer, waitForBatch } from './lane.ts';
import type { ZoneLaneBatch, ZoneLaneTask, ZoneTaskAnswer } from './lane.ts';

const config = (workerData as { config: WorldConfig }).config;
const runtime = new ZoneRuntime(config, await loadSystemRegistry(config.plugins));
// Views per zone, rebuilt when the pool sends a zone's buffers (first use, capacity growth, a restore).
const views = new Map<number, ZoneViews>();

/** Runs a lane until the pool stops it (a `warmup` task only proves the worker has loaded). */
export default function zoneWorkerTask(
  task: ZoneLaneTask | { warmup: true },
): { ok: true; warm: true; thread: number } | { ok: true; stopped: true } {
  if ('warmup' in task) return { ok: true, warm: true, thread: threadId };
  const { ctrl, port } = task;
  let seen = task.seq;
  for (;;) {
    const seq = waitForBatch(ctrl, seen, task.spinUs);
    if (seq === CTRL_STOP) return { ok: true, stopped: true };
    seen = seq;
    const got = receiveMessageOnPort(port);
    if (!got) throw new Error(`lane ${task.lane}: no batch for sequence ${seq}`);
    const b = got.message as ZoneLaneBatch;
    for (const [zoneId, buffers] of b.buffers)
      views.set(zoneId, new ZoneViews(config.layout, config.geometry.zones[zoneId], buffers));
    const answers: ZoneTaskAnswer[] = [];
    for (;;) {
      const k = Atomics.add(ctrl, CTRL.claim, 1);
      if (k >= b.order.length) break;
      const zi = b.order[k];
      // A failed zone does not stop the claiming: a spawn overflow is retried on the main thread and the
      // tick goes on, and any other failure restores every zone anyway.
      answers.push(stepOne(zi, b.tick, b.inputs[zi]));
    }
    const bytes = postAnswer(task.mailbox, port, { seq: b.seq, answers });
    Atomics.store(ctrl, CTRL.laneDone + task.lane, b.seq);
    // The last lane to finish wakes the main thread; so does a large answer, to be decoded while the others
    // still step.
    if (Atomics.sub(ctrl, CTRL.remaining, 1) === 1 || bytes >= EARLY_READ_BYTES)
      Atomics.notify(ctrl, CTRL.remaining);
  }
}

function stepOne(zoneId: number, tick: number, inputs: SimInput[]): ZoneTaskAnswer {
  try {
    const v = views.get(zoneId);
    if (!v) throw new Error(`no buffers for zone ${zoneId}`);
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
