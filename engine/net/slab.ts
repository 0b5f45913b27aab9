// Shared byte slabs for the many small arrays the network code makes every tick.

const EMPTY = new Uint8Array(0);

/**
 * Hands out byte ranges of shared 64 KB blocks: thousands of small per-tick arrays (cell chunks, deltas,
 * snapshots) then cost a few backing stores instead of one each, which keeps the GC's young generation
 * cheap. A block lives as long as any range carved from it.
 */
export class Slab {
  private block = new Uint8Array(0);
  private at = 0;
  constructor(private readonly blockBytes = 64 * 1024) {}
  alloc(n: number): Uint8Array {
    if (n === 0) return EMPTY;
    if (this.at + n > this.block.length) {
      if (n > this.blockBytes >> 2) return new Uint8Array(n);
      this.block = new Uint8Array(this.blockBytes);
      this.at = 0;
    }
    const out = this.block.subarray(this.at, this.at + n);
    this.at += n;
    return out;
  }
}
