// Prediction of the player's own movement with server reconciliation. The client moves its character at
// once (the class's speed along the held direction); each snapshot says where the server has it and which
// move intent it had applied (ackSeq). Once the server has applied the latest intent, the prediction is
// pulled toward the server position extrapolated by the time since that snapshot: small errors are smoothed
// away, large ones (a teleport, a knockback, a respawn) snap.

/** Tuning of the predictor. */
export interface PredictorOptions {
  speedMps: number;
  /** Errors beyond this snap instead of smoothing (metres). */
  snapM?: number;
  /** Fraction of the error corrected per snapshot. */
  blend?: number;
  bounds?: { x0: number; y0: number; x1: number; y1: number };
}

/** The player's predicted position. */
export class Predictor {
  x = 0;
  y = 0;
  dirX = 0;
  dirY = 0;
  private lastSeq = 0;
  private initialised = false;
  /** Metres the last reconciliation moved the prediction (diagnostics). */
  lastError = 0;

  constructor(private readonly o: PredictorOptions) {}

  /** The player pressed or released a direction (already sent with sequence number `seq`). */
  input(dirX: number, dirY: number, seq: number): void {
    const len = Math.hypot(dirX, dirY);
    [this.dirX, this.dirY] = len > 1 ? [dirX / len, dirY / len] : [dirX, dirY];
    this.lastSeq = seq;
  }

  /** Advances the prediction by `dtS` seconds of the current direction. */
  advance(dtS: number): void {
    if (!this.initialised) return;
    this.x += this.dirX * this.o.speedMps * dtS;
    this.y += this.dirY * this.o.speedMps * dtS;
    const b = this.o.bounds;
    if (b) {
      this.x = Math.min(b.x1, Math.max(b.x0, this.x));
      this.y = Math.min(b.y1, Math.max(b.y0, this.y));
    }
  }

  /**
   * A snapshot placed the player at (sx, sy) after applying move `ackSeq`; `ageS` is how long ago the server
   * was there (about half a round trip plus the time since it arrived). Dead or stunned players do not move:
   * pass `frozen`.
   */
  reconcile(sx: number, sy: number, ackSeq: number, ageS: number, frozen = false): void {
    if (!this.initialised || frozen) {
      this.x = sx;
      this.y = sy;
      this.initialised = true;
      this.lastError = 0;
      return;
    }
    // The server has not applied our latest direction yet: its position lags our inputs; keep predicting.
    if (ackSeq !== (this.lastSeq & 0xffff)) return;
    const tx = sx + this.dirX * this.o.speedMps * ageS;
    const ty = sy + this.dirY * this.o.speedMps * ageS;
    const ex = tx - this.x;
    const ey = ty - this.y;
    const err = Math.hypot(ex, ey);
    this.lastError = err;
    if (err > (this.o.snapM ?? 2)) {
      this.x = tx;
      this.y = ty;
    } else {
      const k = this.o.blend ?? 0.3;
      this.x += ex * k;
      this.y += ey * k;
    }
  }
}
