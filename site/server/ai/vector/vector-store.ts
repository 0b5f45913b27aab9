/** The two collections of vector memory: species knowledge and what NPCs remember of players. */
export const COLLECTIONS = { bestiary: 'bestiary', npcMemory: 'npc_memory' } as const;
/** `bestiary` or `npc_memory`. */
export type CollectionName = (typeof COLLECTIONS)[keyof typeof COLLECTIONS];

/** Zone used for partition entries that hold for a whole realm (the bestiary, say). */
export const GLOBAL_ZONE = 'global';

/** Where a record lives: one partition per (realm, zone). */
export interface PartitionRef {
  realm: string;
  zone: string;
}

/** Scalar metadata stored with a vector; filters match on it by equality. */
export type Metadata = Record<string, string | number | boolean>;

/** One vector with its id (unique within a collection) and metadata. */
export interface VectorRecord {
  id: string;
  vector: Float32Array | readonly number[];
  metadata: Metadata;
}

/** A top-k query: cosine similarity, optionally restricted to partitions and to metadata equalities. */
export interface VectorQuery {
  vector: Float32Array | readonly number[];
  topK: number;
  /** Partitions to search; all partitions of the collection when absent. */
  partitions?: readonly PartitionRef[];
  /** Every key must equal the given value (AND). */
  filter?: Metadata;
}

/** One search result; `score` is the cosine similarity in [-1, 1], higher is closer. */
export interface VectorHit {
  id: string;
  score: number;
  partition: PartitionRef;
  metadata: Metadata;
}

/** What to delete: ids, or every record matching a filter; optionally within some partitions. */
export type VectorDeletion =
  | { ids: readonly string[]; partitions?: readonly PartitionRef[] }
  | { filter: Metadata; partitions?: readonly PartitionRef[] };

/**
 * Vector memory: collections `bestiary` and `npc_memory`, partitioned by (realm, zone), exact or
 * approximate cosine top-k. Implemented in process (`MemoryVectorStore`) and by Milvus (`MilvusVectorStore`).
 */
export interface VectorStore {
  /** Short name of the backend for logs and the README (`memory`, `milvus`). */
  readonly backend: string;
  /** Vector length every record and query must have. */
  readonly dims: number;
  /** Adds new records (ids must not exist yet in the collection). */
  insert(
    collection: CollectionName,
    partition: PartitionRef,
    records: readonly VectorRecord[],
  ): Promise<void>;
  /** Adds records or replaces those whose id exists in the partition. */
  upsert(
    collection: CollectionName,
    partition: PartitionRef,
    records: readonly VectorRecord[],
  ): Promise<void>;
  /** The `topK` most similar records, best first. */
  search(collection: CollectionName, query: VectorQuery): Promise<VectorHit[]>;
  /** Removes records by id or by filter. */
  delete(collection: CollectionName, what: VectorDeletion): Promise<void>;
  /** Flushes pending writes and releases connections. */
  close(): Promise<void>;
}

/** A partition's stable key (`realm/zone`). */
export function partitionKey(p: PartitionRef): string {
  return `${p.realm}/${p.zone}`;
}

/** Throws when a metadata value is not a finite number, a string or a boolean. */
export function checkMetadata(m: Metadata): void {
  for (const [k, v] of Object.entries(m)) {
    const ok =
      typeof v === 'string' || typeof v === 'boolean' || (typeof v === 'number' && Number.isFinite(v));
    if (!ok) throw new Error(`metadata "${k}" must be a string, a finite number or a boolean`);
  }
}
