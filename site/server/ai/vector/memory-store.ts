import { existsSync } from 'node:fs';
import { mkdir, readFile, rename, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type {
  CollectionName,
  Metadata,
  PartitionRef,
  VectorDeletion,
  VectorHit,
  VectorQuery,
  VectorRecord,
  VectorStore,
} from './vector-store.ts';
import { checkMetadata, COLLECTIONS, partitionKey } from './vector-store.ts';

/** Options for the in-process vector store. */
export interface MemoryStoreOptions {
  dims: number;
  /** Directory for `<collection>.json` + `<collection>.f32` files (e.g. `data/vector`); no persistence if absent. */
  persistDir?: string;
  /** Id of the embedder that made the vectors; files written by another embedder are ignored on open. */
  embedderId?: string;
  /** Milliseconds after the last write before files are saved (0 saves only on `flush`/`close`). Default 2000. */
  autosaveMs?: number;
}

/**
 * One partition's rows. Layout: row i's vector is `vectors[i*dims .. (i+1)*dims)`, unit length;
 * `ids[i]` and `metas[i]` belong to it. Capacity doubles when full; deletion swaps the last row in.
 */
interface Partition {
  ref: PartitionRef;
  size: number;
  vectors: Float32Array;
  ids: string[];
  metas: Metadata[];
  rowOf: Map<string, number>;
}

interface SavedCollection {
  format: 'arcane-vectors-1';
  dims: number;
  embedderId: string | null;
  partitions: { realm: string; zone: string; ids: string[]; metas: Metadata[] }[];
}

/**
 * The embedded default vector store: an exact cosine index over Float32Arrays (vectors are normalised
 * on write, so a search is one dot-product pass per candidate partition), optionally persisted under `data/`.
 */
export class MemoryVectorStore implements VectorStore {
  readonly backend = 'memory';
  readonly dims: number;
  /** Why files found on open were not loaded (embedder or dims changed), if they were not. */
  discardedReason: string | undefined;
  private readonly collections = new Map<CollectionName, Map<string, Partition>>();
  /** Per collection: which partition holds each id (ids are unique within a collection). */
  private readonly owners = new Map<CollectionName, Map<string, Partition>>();
  private readonly persistDir: string | undefined;
  private readonly embedderId: string | null;
  private readonly autosaveMs: number;
  private readonly dirty = new Set<CollectionName>();
  private timer: NodeJS.Timeout | undefined;
  private saving: Promise<void> = Promise.resolve();

  constructor(o: MemoryStoreOptions) {
    if (!Number.isInteger(o.dims) || o.dims <= 0) throw new Error(`dims must be a positive integer`);
    this.dims = o.dims;
    this.persistDir = o.persistDir;
    this.embedderId = o.embedderId ?? null;
    this.autosaveMs = o.autosaveMs ?? 2000;
  }

  /** Creates a store and loads its files from `persistDir` when they exist and match dims and embedder. */
  static async open(o: MemoryStoreOptions): Promise<MemoryVectorStore> {
    const store = new MemoryVectorStore(o);
    if (o.persistDir) await store.load();
    return store;
  }

  async insert(collection: CollectionName, partition: PartitionRef, records: readonly VectorRecord[]) {
    const p = this.partition(collection, partition);
    for (const r of records) {
      if (this.findRow(collection, r.id)) throw new Error(`${collection}: id "${r.id}" already exists`);
    }
    for (const r of records) this.write(collection, p, r);
    this.touch(collection);
  }

  async upsert(collection: CollectionName, partition: PartitionRef, records: readonly VectorRecord[]) {
    const p = this.partition(collection, partition);
    for (const r of records) {
      // An id lives in one partition: moving a record removes it from its old partition.
      const found = this.findRow(collection, r.id);
      if (found && found.p !== p) this.remove(collection, found.p, found.row);
      this.write(collection, p, r);
    }
    this.touch(collection);
  }

  async search(collection: CollectionName, q: VectorQuery): Promise<VectorHit[]> {
    const dims = this.dims;
    const query = unitCopy(q.vector, dims);
    const k = Math.max(0, Math.floor(q.topK));
    if (k === 0) return [];
    const parts = this.collections.get(collection);
    if (!parts) return [];
    const selected = q.partitions
      ? q.partitions.map((r) => parts.get(partitionKey(r))).filter((p): p is Partition => !!p)
      : [...parts.values()];
    const filter = q.filter ? Object.entries(q.filter) : [];
    // Best k so far, sorted by descending score; `worst` is the score a candidate must beat once full.
    const scores: number[] = [];
    const hits: { p: Partition; row: number }[] = [];
    let worst = -Infinity;
    for (const p of selected) {
      const v = p.vectors;
      for (let row = 0; row < p.size; row++) {
        if (filter.length && !matches(p.metas[row], filter)) continue;
        // Four accumulators: independent add chains let the JIT overlap the multiply-adds.
        const base = row * dims;
        let d0 = 0;
        let d1 = 0;
        let d2 = 0;
        let d3 = 0;
        let j = 0;
        for (; j + 3 < dims; j += 4) {
          d0 += v[base + j] * query[j];
          d1 += v[base + j + 1] * query[j + 1];
          d2 += v[base + j + 2] * query[j + 2];
          d3 += v[base + j + 3] * query[j + 3];
        }
        for (; j < dims; j++) d0 += v[base + j] * query[j];
        const dot = d0 + d1 + d2 + d3;
        if (scores.length === k && dot <= worst) continue;
        let at = scores.length;
        while (at > 0 && scores[at - 1] < dot) at--;
        scores.splice(at, 0, dot);
        hits.splice(at, 0, { p, row });
        if (scores.length > k) {
          scores.pop();
          hits.pop();
        }
        if (scores.length === k) worst = scores[k - 1];
      }
    }
    return hits.map(({ p, row }, i) => ({
      id: p.ids[row],
      score: scores[i],
      partition: { ...p.ref },
      metadata: { ...p.metas[row] },
    }));
  }

  async delete(collection: CollectionName, what: VectorDeletion): Promise<void> {
    const parts = this.collections.get(collection);
    if (!parts) return;
    const selected = what.partitions
      ? what.partitions.map((r) => parts.get(partitionKey(r))).filter((p): p is Partition => !!p)
      : [...parts.values()];
    for (const p of selected) {
      if ('ids' in what) {
        for (const id of what.ids) {
          const row = p.rowOf.get(id);
          if (row !== undefined) this.remove(collection, p, row);
        }
      } else {
        const filter = Object.entries(what.filter);
        for (let row = p.size - 1; row >= 0; row--) {
          if (matches(p.metas[row], filter)) this.remove(collection, p, row);
        }
      }
    }
    this.touch(collection);
  }

  /** Number of records in a collection (all partitions). */
  count(collection: CollectionName): number {
    let n = 0;
    for (const p of this.collections.get(collection)?.values() ?? []) n += p.size;
    return n;
  }

  /** Writes dirty collections to `persistDir` now (atomically: temp files, then rename). */
  async flush(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = undefined;
    this.saving = this.saving.then(() => this.save());
    await this.saving;
  }

  async close(): Promise<void> {
    await this.flush();
  }

  private touch(collection: CollectionName): void {
    if (!this.persistDir) return;
    this.dirty.add(collection);
    if (this.autosaveMs > 0 && !this.timer) {
      this.timer = setTimeout(() => void this.flush().catch(() => {}), this.autosaveMs);
      // Autosave must never keep a process (or a test run) alive.
      this.timer.unref();
    }
  }

  private partition(collection: CollectionName, ref: PartitionRef): Partition {
    let parts = this.collections.get(collection);
    if (!parts) {
      parts = new Map();
      this.collections.set(collection, parts);
    }
    const key = partitionKey(ref);
    let p = parts.get(key);
    if (!p) {
      p = {
        ref: { realm: ref.realm, zone: ref.zone },
        size: 0,
        vectors: new Float32Array(16 * this.dims),
        ids: [],
        metas: [],
        rowOf: new Map(),
      };
      parts.set(key, p);
    }
    return p;
  }

  private findRow(collection: CollectionName, id: string): { p: Partition; row: number } | undefined {
    const p = this.owners.get(collection)?.get(id);
    const row = p?.rowOf.get(id);
    return p && row !== undefined ? { p, row } : undefined;
  }

  private remove(collection: CollectionName, p: Partition, row: number): void {
    this.owners.get(collection)?.delete(p.ids[row]);
    removeRow(p, row, this.dims);
  }

  private write(collection: CollectionName, p: Partition, r: VectorRecord): void {
    checkMetadata(r.metadata);
    const unit = unitCopy(r.vector, this.dims);
    let row = p.rowOf.get(r.id);
    if (row === undefined) {
      row = p.size++;
      if (p.size * this.dims > p.vectors.length) {
        const grown = new Float32Array(p.vectors.length * 2);
        grown.set(p.vectors);
        p.vectors = grown;
      }
      p.ids[row] = r.id;
      p.rowOf.set(r.id, row);
      let owners = this.owners.get(collection);
      if (!owners) {
        owners = new Map();
        this.owners.set(collection, owners);
      }
      owners.set(r.id, p);
    }
    p.vectors.set(unit, row * this.dims);
    p.metas[row] = { ...r.metadata };
  }

  private async save(): Promise<void> {
    if (!this.persistDir || this.dirty.size === 0) return;
    await mkdir(this.persistDir, { recursive: true });
    const names = [...this.dirty];
    this.dirty.clear();
    for (const name of names) {
      const parts = [...(this.collections.get(name)?.values() ?? [])];
      const header: SavedCollection = {
        format: 'arcane-vectors-1',
        dims: this.dims,
        embedderId: this.embedderId,
        partitions: parts.map((p) => ({
          realm: p.ref.realm,
          zone: p.ref.zone,
          ids: p.ids.slice(0, p.size),
          metas: p.metas.slice(0, p.size),
        })),
      };
      const total = parts.reduce((n, p) => n + p.size, 0);
      const blob = new Float32Array(total * this.dims);
      let at = 0;
      for (const p of parts) {
        blob.set(p.vectors.subarray(0, p.size * this.dims), at);
        at += p.size * this.dims;
      }
      const base = join(this.persistDir, name);
      await writeFile(`${base}.f32.tmp`, new Uint8Array(blob.buffer, blob.byteOffset, blob.byteLength));
      await writeFile(`${base}.json.tmp`, JSON.stringify(header));
      // The .f32 lands first: a crash between the two renames leaves the old header, which is then rejected by size.
      await rename(`${base}.f32.tmp`, `${base}.f32`);
      await rename(`${base}.json.tmp`, `${base}.json`);
    }
  }

  private async load(): Promise<void> {
    const dir = this.persistDir as string;
    for (const name of Object.values(COLLECTIONS)) {
      const base = join(dir, name);
      if (!existsSync(`${base}.json`) || !existsSync(`${base}.f32`)) continue;
      const header = JSON.parse(await readFile(`${base}.json`, 'utf8')) as SavedCollection;
      const bytes = await readFile(`${base}.f32`);
      const total = header.partitions.reduce((n, p) => n + p.ids.length, 0);
      if (header.format !== 'arcane-vectors-1' || header.dims !== this.dims) {
        this.discardedReason = `${name}: saved with ${header.dims} dims, store has ${this.dims}`;
        continue;
      }
      if (this.embedderId && header.embedderId !== this.embedderId) {
        this.discardedReason = `${name}: saved by embedder ${header.embedderId}, now ${this.embedderId}`;
        continue;
      }
      if (bytes.byteLength !== total * this.dims * 4) {
        this.discardedReason = `${name}: vector file size does not match its header`;
        continue;
      }
      const all = new Float32Array(bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength));
      let at = 0;
      for (const saved of header.partitions) {
        const p = this.partition(name, saved);
        saved.ids.forEach((id, i) => {
          const v = all.subarray((at + i) * this.dims, (at + i + 1) * this.dims);
          this.write(name, p, { id, vector: v, metadata: saved.metas[i] });
        });
        at += saved.ids.length;
      }
    }
  }
}

function matches(m: Metadata, filter: [string, string | number | boolean][]): boolean {
  for (const [k, v] of filter) if (m[k] !== v) return false;
  return true;
}

function unitCopy(v: Float32Array | readonly number[], dims: number): Float32Array {
  if (v.length !== dims) throw new Error(`vector has ${v.length} dims, store expects ${dims}`);
  const out = Float32Array.from(v);
  let s = 0;
  for (let i = 0; i < dims; i++) s += out[i] * out[i];
  if (s > 0) {
    const inv = 1 / Math.sqrt(s);
    for (let i = 0; i < dims; i++) out[i] *= inv;
  }
  return out;
}

function removeRow(p: Partition, row: number, dims: number): void {
  const last = p.size - 1;
  p.rowOf.delete(p.ids[row]);
  if (row !== last) {
    p.vectors.copyWithin(row * dims, last * dims, (last + 1) * dims);
    p.ids[row] = p.ids[last];
    p.metas[row] = p.metas[last];
    p.rowOf.set(p.ids[row], row);
  }
  p.ids.length = last;
  p.metas.length = last;
  p.size = last;
}
