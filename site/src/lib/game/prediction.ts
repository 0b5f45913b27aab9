import type { Pos } from './interpolation.ts';

// Prediction of the player's own movement with server reconciliation.
//
// The player moves at once on the screen: every movement intent (a held direction, or a click-to-move goal)
// is applied locally from the moment it is sent and kept, with its sequence number and send time, until the
// server acknowledges it. Each snapshot says where the server has the player and the last movement intent it
// had applied (`ackSeq`). Reconciliation snaps to that position and replays, from the moment the server's
// position stands for, the intents the server had not seen yet: the acknowledged one for the rest of its
// time, then every pending one. Since the server applies an intent about one round trip after the client
// did, "the moment the server's position stands for" is the arrival time minus a round trip (and half a
// tick: intents wait for the next tick), kept between the acknowledged intent's send time and the next one's.
//
// What the player sees is smoothed: a correction of a few centimetres (tick quantisation, jitter) is spread
// over about 100 ms instead of jumping; a large one (teleport, knockback, respawn) is shown at once.

/** A movement intent as sent: a direction (held keys; zero = stop) or a goal (click-to-move). */
export interface MoveIntent {
  seq: number;
  /** Local time it was sent (ms). */
  atMs: number;
  dirX: number;
  dirY: number;
  goal: Pos | null;
}

/** Tuning of the predictor. */
export interface PredictorOptions {
  speedMps: number;
  /** The zone: positions are kept inside it, as the server does. */
  bounds?: { x0: number; y0: number; x1: number; y1: number };
  /** Corrections larger than this are shown at once instead of smoothed (metres, default 3). */
  snapM?: number;
  /** Time constant of the visual smoothing of corrections (ms, default 100). */
  smoothMs?: number;
  /** Integration step: the server's tick (seconds, default 0.05). */
  stepS?: number;
  /** The server stops a click-to-move this close to its goal (metres, default 0.25). */
  arriveM?: number;
}

/** What a snapshot says about the player, and when it arrived. */
export interface ServerState {
  x: number;
  y: number;
  /** The last movement intent the server had applied (16 bits on the wire). */
  ackSeq: number;
  /** Local time the snapshot arrived (ms). */
  receivedMs: number;
  /** Current round-trip estimate (ms; 0 while unknown). */
  rttMs: number;
  /** Local time now (ms). */
  nowMs: number;
  /** The player cannot move (dead): take the server's position and drop every intent. */
  frozen?: boolean;
}

const STOP: Omit<MoveIntent, 'seq' | 'atMs'> = { dirX: 0, dirY: 0, goal: null };

/** The player's predicted position. */
export class Predictor {
  /** The predicted position (what the server will agree with once it has seen every intent). */
  x = 0;
  y = 0;
  /** The visual correction still being smoothed away (display = position + offset). */
  offX = 0;
  offY = 0;
  /** Metres the last reconciliation moved the prediction (diagnostics). */
  lastErrorM = 0;
  /** Intents not yet acknowledged, preceded by the last acknowledged one (the server's current intent). */
  readonly intents: MoveIntent[] = [];
  private lastMs = NaN;
  private initialised = false;
  private readonly o: Required<Omit<PredictorOptions, 'bounds'>> & Pick<PredictorOptions, 'bounds'>;

  constructor(o: PredictorOptions) {
    this.o = { snapM: 3, smoothMs: 100, stepS: 0.05, arriveM: 0.25, ...o };
  }

  /** Whether a snapshot has placed the player yet. */
  get ready(): boolean {
    return this.initialised;
  }

  /** Where to draw the player. */
  get display(): Pos {
    return { x: this.x + this.offX, y: this.y + this.offY };
  }

  /** The intent being applied now (the newest one), or a stop. */
  get current(): MoveIntent {
    return this.intents[this.intents.length - 1] ?? { seq: 0, atMs: 0, ...STOP };
  }

  /** The player sent a direction (unit vector or zero) with sequence number `seq` at local time `atMs`. */
  move(seq: number, atMs: number, dirX: number, dirY: number): void {
    const len = Math.hypot(dirX, dirY);
    const [dx, dy] = len > 1 ? [dirX / len, dirY / len] : [dirX, dirY];
    this.push({ seq, atMs, dirX: dx, dirY: dy, goal: null });
  }

  /** The player sent a click-to-move goal with sequence number `seq` at local time `atMs`. */
  moveTo(seq: number, atMs: number, goal: Pos): void {
    this.push({ seq, atMs, dirX: 0, dirY: 0, goal: { x: goal.x, y: goal.y } });
  }

  private push(intent: MoveIntent): void {
    // Move up to the send time with the previous intent first.
    this.advance(intent.atMs);
    this.intents.push(intent);
    // A server that never acknowledges (a stalled link) must not make the list grow without end.
    if (this.intents.length > 256) this.intents.splice(0, this.intents.length - 256);
  }

  /** Advances the prediction to local time `nowMs` with the current intent, and fades the correction. */
  advance(nowMs: number): void {
    if (!Number.isFinite(this.lastMs)) this.lastMs = nowMs;
    const dtMs = nowMs - this.lastMs;
    if (dtMs <= 0) return;
    this.lastMs = nowMs;
    if (this.initialised) {
      const p = this.integrate({ x: this.x, y: this.y }, this.current, dtMs / 1000);
      this.x = p.x;
      this.y = p.y;
    }
    const k = Math.exp(-dtMs / this.o.smoothMs);
    this.offX *= k;
    this.offY *= k;
    if (Math.abs(this.offX) < 1e-4) this.offX = 0;
    if (Math.abs(this.offY) < 1e-4) this.offY = 0;
  }

  /** A snapshot placed the player: snap to it and replay what the server has not applied yet. */
  reconcile(s: ServerState): void {
    if (!this.initialised || s.frozen) {
      this.initialised = true;
      this.x = s.x;
      this.y = s.y;
      this.offX = this.offY = 0;
      this.lastErrorM = 0;
      if (s.frozen) this.intents.length = 0;
      this.lastMs = s.nowMs;
      return;
    }
    this.advance(s.nowMs);
    const shown = this.display;
    // The acknowledged intent, matched on the 16 bits the wire carries (searching from the newest).
    let acked = -1;
    for (let i = this.intents.length - 1; i >= 0; i--)
      if ((this.intents[i].seq & 0xffff) === (s.ackSeq & 0xffff)) {
        acked = i;
        break;
      }
    // Not found: the server has applied none of the intents we hold (a fresh connection); it stands still.
    const base: MoveIntent = acked >= 0 ? this.intents[acked] : { seq: s.ackSeq, atMs: -Infinity, ...STOP };
    if (acked > 0) this.intents.splice(0, acked);
    const pending = acked >= 0 ? this.intents.slice(1) : this.intents.slice();
    const tickMs = this.o.stepS * 1000;
    let from = s.receivedMs - s.rttMs - tickMs / 2;
    from = Math.max(from, base.atMs);
    if (pending.length) from = Math.min(from, pending[0].atMs);
    from = Math.min(from, s.nowMs);
    // Replay: the acknowledged intent until the first pending one, then each pending one in turn.
    let p: Pos = { x: s.x, y: s.y };
    const timeline = [base, ...pending];
    for (let i = 0; i < timeline.length; i++) {
      const start = Math.max(from, timeline[i].atMs);
      const end = i + 1 < timeline.length ? timeline[i + 1].atMs : s.nowMs;
      if (end > start) p = this.integrate(p, timeline[i], (end - start) / 1000);
    }
    this.x = p.x;
    this.y = p.y;
    const ex = shown.x - p.x;
    const ey = shown.y - p.y;
    this.lastErrorM = Math.hypot(ex, ey);
    if (this.lastErrorM > this.o.snapM) this.offX = this.offY = 0;
    else {
      this.offX = ex;
      this.offY = ey;
    }
    this.lastMs = s.nowMs;
  }

  /** Moves `p` for `dtS` seconds under `intent`, in server-sized steps (goals re-aim every step). */
  private integrate(p: Pos, intent: MoveIntent, dtS: number): Pos {
    const v = this.o.speedMps;
    let { x, y } = p;
    if (intent.goal) {
      let left = dtS;
      while (left > 1e-9) {
        const dx = intent.goal.x - x;
        const dy = intent.goal.y - y;
        const d = Math.hypot(dx, dy);
        if (d < this.o.arriveM) break;
        const step = Math.min(left, this.o.stepS);
        const move = Math.min(d, v * step);
        x += (dx / d) * move;
        y += (dy / d) * move;
        left -= step;
      }
    } else {
      x += intent.dirX * v * dtS;
      y += intent.dirY * v * dtS;
    }
    const b = this.o.bounds;
    if (b) {
      x = Math.min(b.x1, Math.max(b.x0, x));
      y = Math.min(b.y1, Math.max(b.y0, y));
    }
    return { x, y };
  }
}
