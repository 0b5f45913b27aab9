// How the zone pool and its lanes talk (see ZonePool in pool.ts): a shared control array, a mailbox per
// lane for answers, and one MessagePort per lane for batches — all read synchronously, never through
// events. Imported by the main thread and by every worker.
import type { MessagePort } from 'node:worker_threads';
import { deserialize, serialize } from 'node:v8';
import type { ZoneBuffers } from '../zone/zone.ts';
import type { SimInput } from './system.ts';
import type { ZoneStepResult } from './zone-runtime.ts';

/**
 * Slots of a pool's control array (Int32, shared by the main thread and every lane): the sequence number
 * of the batch to step (or CTRL_STOP), the next index into the batch's order to claim, how many lanes have
 * not finished the batch (the last one to finish wakes the main thread), then per lane the sequence number
 * it last finished.
 */
export const CTRL = { seq: 0, claim: 1, remaining: 2, laneDone: 3 } as const;
/** Sequence number that tells lanes to return. */
export const CTRL_STOP = -1;

/** Bytes of a lane's answer mailbox; a larger answer goes through the lane's port instead. */
export const MAILBOX_BYTES = 1 << 18;
// Mailbox header: Int32 [0] = bytes of the serialized answer, or -1 when it went through the port.
const MAILBOX_HEADER = 8;

/** The resident task of one lane: it steps batches until the pool stops it. */
export interface ZoneLaneTask {
  lane: number;
  /** How long a lane keeps polling for the next batch before it sleeps (see waitForBatch). */
  spinUs: number;
  ctrl: Int32Array;
  /** The last sequence number dispatched before this lane started (it waits for the next one). */
  seq: number;
  /** Batches arrive here (and answers too large for the mailbox go back here). */
  port: MessagePort;
  /** MAILBOX_BYTES of shared memory the lane writes its answer into. */
  mailbox: SharedArrayBuffer;
}

/**
 * A tick's batch for one lane: every lane gets the same zones and order and claims zones from the shared
 * counter until none is left (so a worker that finishes early takes the next zone). `buffers` lists only the
 * zones whose buffers are new to this lane.
 */
export interface ZoneLaneBatch {
  seq: number;
  tick: number;
  /** Zone ids in the order they are handed out. */
  order: number[];
  /** Per zone id: this tick's inputs. */
  inputs: readonly SimInput[][];
  buffers: Array<[zoneId: number, buffers: ZoneBuffers]>;
}

/** A lane's answer for one batch: one answer per zone it claimed. */
export interface ZoneLaneAnswer {
  seq: number;
  answers: ZoneTaskAnswer[];
}

/** A zone's answer: the step result, or the error a system threw (never a half-applied zone). */
export type ZoneTaskAnswer =
  | { ok: true; result: ZoneStepResult }
  | { ok: false; zoneId: number; tick: number; name: string; message: string; stack?: string };

/**
 * Puts a lane's answer in its mailbox (structured-clone bytes), or on its port when it does not fit, and
 * returns its size. A port message would also wake the main thread's event loop for nothing: the mailbox does
 * not.
 */
export function postAnswer(mailbox: SharedArrayBuffer, port: MessagePort, answer: ZoneLaneAnswer): number {
  const head = new Int32Array(mailbox, 0, 1);
  const bytes = serialize(answer);
  const n = bytes.length;
  if (n <= mailbox.byteLength - MAILBOX_HEADER) {
    new Uint8Array(mailbox, MAILBOX_HEADER, bytes.length).set(bytes);
    head[0] = bytes.length;
  } else {
    // The bytes themselves cross (transferred, not serialized a second time).
    port.postMessage(bytes, [bytes.buffer]);
    head[0] = -1;
  }
  return n;
}

/**
 * An answer at least this large wakes the main thread even when other lanes are still stepping, so that it
 * decodes the answer meanwhile; a smaller one is not worth a wake-up (~50 µs on a VM) and waits for the last.
 */
export const EARLY_READ_BYTES = 16 * 1024;

/** Reads a lane's answer from its mailbox, or its bytes from its port (`receive`) when it did not fit. */
export function takeAnswer(mailbox: SharedArrayBuffer, receive: () => unknown): ZoneLaneAnswer | undefined {
  const n = new Int32Array(mailbox, 0, 1)[0];
  if (n >= 0) return deserialize(new Uint8Array(mailbox, MAILBOX_HEADER, n)) as ZoneLaneAnswer;
  const bytes = receive() as Uint8Array | undefined;
  return bytes && (deserialize(bytes) as ZoneLaneAnswer);
}

/**
 * Waits until the control array's sequence number differs from `seen` and returns it. Polls for up to
 * `spinUs` first: back-to-back headless ticks then start without a futex wake-up (~50 µs on a VM, and a
 * lane that slept resumes on a cold core); a lane with nothing to do within that time sleeps in
 * `Atomics.wait`. The clock bounds the polling only; nothing of it reaches the simulation.
 */
export function waitForBatch(ctrl: Int32Array, seen: number, spinUs: number): number {
  let seq = Atomics.load(ctrl, CTRL.seq);
  if (seq === seen && spinUs > 0) {
    const until = performance.now() + spinUs / 1000;
    while ((seq = Atomics.load(ctrl, CTRL.seq)) === seen && performance.now() < until);
  }
  while ((seq = Atomics.load(ctrl, CTRL.seq)) === seen) Atomics.wait(ctrl, CTRL.seq, seen);
  return seq;
}
