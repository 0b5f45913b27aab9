import { createHash } from 'node:crypto';
import { ConsistencyLevelEnum, DataType, ErrorCode, MilvusClient } from '@zilliz/milvus2-sdk-node';
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
import { checkMetadata } from './vector-store.ts';

/** The subset of the Milvus SDK client this adapter calls (tests may pass a stand-in). */
export type MilvusLike = Pick<
  MilvusClient,
  | 'hasCollection'
  | 'createCollection'
  | 'loadCollection'
  | 'hasPartition'
  | 'createPartition'
  | 'insert'
  | 'upsert'
  | 'search'
  | 'delete'
  | 'dropCollection'
  | 'closeConnection'
>;

/** Options for the Milvus vector store. */
export interface MilvusStoreOptions {
  /** `MILVUS_ADDRESS`, e.g. `milvus:19530`. */
  address: string;
  dims: number;
  /** Prefix of the physical collection names (`arcane_bestiary`, `arcane_npc_memory`). Default `arcane_`. */
  collectionPrefix?: string;
  /** `MILVUS_TOKEN` (`user:password` or an API key), when auth is on. */
  token?: string;
  /** Milvus database. Default: the server's default database. */
  database?: string;
  /** A ready client (tests). */
  client?: MilvusLike;
}

const ID_MAX = 256;
const NAME_MAX = 128;

/**
 * Vector memory in Milvus through `@zilliz/milvus2-sdk-node`. Schema per collection: `id` VarChar
 * primary key, `vector` FloatVector(dims) with an AUTOINDEX/COSINE index, `realm` and `zone` VarChar,
 * `meta` JSON. One Milvus partition per (realm, zone), created on first write. Strong consistency, so
 * a memory written after a turn is found by the next turn's search.
 */
export class MilvusVectorStore implements VectorStore {
  readonly backend = 'milvus';
  readonly dims: number;
  private readonly client: MilvusLike;
  private readonly prefix: string;
  private readonly ready = new Map<string, Promise<void>>();

  constructor(o: MilvusStoreOptions) {
    this.dims = o.dims;
    this.prefix = o.collectionPrefix ?? 'arcane_';
    this.client =
      o.client ??
      new MilvusClient({
        address: o.address,
        ...(o.token ? { token: o.token } : {}),
        ...(o.database ? { database: o.database } : {}),
      });
  }

  /** The Milvus collection name behind a logical collection. */
  physicalName(collection: CollectionName): string {
    return `${this.prefix}${collection}`;
  }

  async insert(collection: CollectionName, partition: PartitionRef, records: readonly VectorRecord[]) {
    await this.write(collection, partition, records, 'insert');
  }

  async upsert(collection: CollectionName, partition: PartitionRef, records: readonly VectorRecord[]) {
    await this.write(collection, partition, records, 'upsert');
  }

  async search(collection: CollectionName, q: VectorQuery): Promise<VectorHit[]> {
    const name = this.physicalName(collection);
    await this.ensureCollection(name);
    if (q.topK <= 0) return [];
    let partition_names: string[] | undefined;
    if (q.partitions) {
      // Searching a partition that was never written is an error in Milvus; skip the ones that do not exist.
      const names = q.partitions.map(milvusPartitionName);
      const exists = await Promise.all(names.map((p) => this.partitionExists(name, p)));
      partition_names = names.filter((_, i) => exists[i]);
      if (partition_names.length === 0) return [];
    }
    const filter = q.filter ? filterExpr(q.filter) : undefined;
    const res = await this.client.search({
      collection_name: name,
      data: toArray(q.vector, this.dims),
      anns_field: 'vector',
      limit: Math.floor(q.topK),
      metric_type: 'COSINE',
      output_fields: ['realm', 'zone', 'meta'],
      consistency_level: ConsistencyLevelEnum.Strong,
      ...(partition_names ? { partition_names } : {}),
      ...(filter ? { filter } : {}),
    });
    check(res.status, 'search');
    return res.results.map((r) => ({
      id: String(r.id),
      score: Number(r.score),
      partition: { realm: String(r.realm), zone: String(r.zone) },
      metadata: (typeof r.meta === 'string' ? JSON.parse(r.meta) : (r.meta ?? {})) as Metadata,
    }));
  }

  async delete(collection: CollectionName, what: VectorDeletion): Promise<void> {
    const name = this.physicalName(collection);
    await this.ensureCollection(name);
    const expr =
      'ids' in what
        ? `id in [${what.ids.map((id) => JSON.stringify(id)).join(', ')}]`
        : filterExpr(what.filter) || 'id != ""';
    if ('ids' in what && what.ids.length === 0) return;
    const partitions = what.partitions?.map(milvusPartitionName) ?? [undefined];
    for (const partition_name of partitions) {
      if (partition_name && !(await this.partitionExists(name, partition_name))) continue;
      const res = await this.client.delete({
        collection_name: name,
        filter: expr,
        consistency_level: 'Strong',
        ...(partition_name ? { partition_name } : {}),
      });
      check(res.status, 'delete');
    }
  }

  /** Drops both collections (tests and resets; the data is gone). */
  async drop(): Promise<void> {
    for (const c of ['bestiary', 'npc_memory'] as const) {
      const name = this.physicalName(c);
      const has = await this.client.hasCollection({ collection_name: name });
      if (has.value) check(await this.client.dropCollection({ collection_name: name }), 'dropCollection');
      this.ready.delete(name);
    }
  }

  async close(): Promise<void> {
    await this.client.closeConnection();
  }

  private async write(
    collection: CollectionName,
    partition: PartitionRef,
    records: readonly VectorRecord[],
    mode: 'insert' | 'upsert',
  ): Promise<void> {
    if (records.length === 0) return;
    const name = this.physicalName(collection);
    await this.ensureCollection(name);
    const partition_name = await this.ensurePartition(name, partition);
    const data = records.map((r) => {
      checkMetadata(r.metadata);
      if (r.id.length > ID_MAX) throw new Error(`id longer than ${ID_MAX} characters: ${r.id.slice(0, 40)}…`);
      return {
        id: r.id,
        vector: toArray(r.vector, this.dims),
        realm: partition.realm,
        zone: partition.zone,
        meta: r.metadata,
      };
    });
    const req = { collection_name: name, partition_name, data };
    const res = mode === 'insert' ? await this.client.insert(req) : await this.client.upsert(req);
    check(res.status, mode);
  }

  private ensureCollection(name: string): Promise<void> {
    let p = this.ready.get(name);
    if (!p) {
      p = this.createIfMissing(name);
      this.ready.set(name, p);
      p.catch(() => this.ready.delete(name));
    }
    return p;
  }

  private async createIfMissing(name: string): Promise<void> {
    const has = await this.client.hasCollection({ collection_name: name });
    check(has.status, 'hasCollection');
    if (!has.value) {
      // With index_params the SDK also builds the index and loads the collection.
      await this.client.createCollection({
        collection_name: name,
        consistency_level: 'Strong',
        fields: [
          { name: 'id', data_type: DataType.VarChar, is_primary_key: true, max_length: ID_MAX },
          { name: 'vector', data_type: DataType.FloatVector, dim: this.dims },
          { name: 'realm', data_type: DataType.VarChar, max_length: NAME_MAX },
          { name: 'zone', data_type: DataType.VarChar, max_length: NAME_MAX },
          { name: 'meta', data_type: DataType.JSON },
        ],
        index_params: { field_name: 'vector', index_type: 'AUTOINDEX', metric_type: 'COSINE' },
      });
    }
    check(await this.client.loadCollection({ collection_name: name }), 'loadCollection');
  }

  private async partitionExists(collection: string, partition: string): Promise<boolean> {
    const key = `${collection}#${partition}`;
    if (this.ready.has(key)) return true;
    const res = await this.client.hasPartition({ collection_name: collection, partition_name: partition });
    check(res.status, 'hasPartition');
    return Boolean(res.value);
  }

  private async ensurePartition(collection: string, ref: PartitionRef): Promise<string> {
    const partition_name = milvusPartitionName(ref);
    const key = `${collection}#${partition_name}`;
    let p = this.ready.get(key);
    if (!p) {
      p = (async () => {
        const has = await this.client.hasPartition({ collection_name: collection, partition_name });
        check(has.status, 'hasPartition');
        if (!has.value)
          check(
            await this.client.createPartition({ collection_name: collection, partition_name }),
            'createPartition',
          );
      })();
      this.ready.set(key, p);
      p.catch(() => this.ready.delete(key));
    }
    await p;
    return partition_name;
  }
}

/**
 * Milvus partition name for (realm, zone): letters, digits and underscores only, so the readable part is
 * sanitised and a short hash of the exact pair keeps distinct pairs apart.
 */
export function milvusPartitionName(p: PartitionRef): string {
  const clean = (s: string) => s.replace(/[^A-Za-z0-9]/g, '_').slice(0, 40);
  const h = createHash('sha256').update(`${p.realm}\u0000${p.zone}`).digest('hex').slice(0, 8);
  return `p_${clean(p.realm)}__${clean(p.zone)}_${h}`;
}

/** A Milvus boolean expression for metadata equalities over the `meta` JSON field. */
export function filterExpr(filter: Metadata): string {
  return Object.entries(filter)
    .map(([k, v]) => `meta[${JSON.stringify(k)}] == ${typeof v === 'string' ? JSON.stringify(v) : String(v)}`)
    .join(' && ');
}

function toArray(v: Float32Array | readonly number[], dims: number): number[] {
  if (v.length !== dims) throw new Error(`vector has ${v.length} dims, store expects ${dims}`);
  return Array.from(v);
}

function check(status: { error_code: string | number; reason: string }, op: string): void {
  if (status.error_code !== ErrorCode.SUCCESS && status.error_code !== 0)
    throw new Error(`Milvus ${op} failed: ${status.error_code} ${status.reason}`);
}
