import type { MilvusLike } from './milvus-store.ts';

/**
 * A stand-in for the Milvus SDK client in tests: keeps rows per collection and partition and answers
 * the requests `MilvusVectorStore` makes (COSINE search; filters of the form `meta["k"] == v && …`,
 * `id in [...]`, `id != ""`). It rejects what real Milvus rejects and the adapter must avoid: writing
 * to or searching a partition that does not exist, searching a collection that is not loaded.
 */
export function fakeMilvus(): MilvusLike & { calls: string[] } {
  interface Row {
    id: string;
    vector: number[];
    realm: string;
    zone: string;
    meta: Record<string, unknown>;
  }
  const collections = new Map<string, { loaded: boolean; partitions: Map<string, Row[]> }>();
  const calls: string[] = [];
  const ok = { error_code: 'Success', reason: '', extra_info: {}, retriable: false, detail: '' };
  const fail = (reason: string) => ({ ...ok, error_code: 'UnexpectedError', reason });
  const col = (name: string) => {
    const c = collections.get(name);
    if (!c) throw new Error(`collection not found[collection=${name}]`);
    return c;
  };
  const mutation = (status: typeof ok) => ({
    status,
    succ_index: [],
    err_index: [],
    acknowledged: false,
    insert_cnt: '0',
    delete_cnt: '0',
    upsert_cnt: '0',
    timestamp: '0',
    IDs: { str_id: { data: [] } },
  });

  function parse(expr: string): (r: Row) => boolean {
    if (expr === 'id != ""') return () => true;
    const inIds = /^id in \[(.*)\]$/.exec(expr);
    if (inIds) {
      const ids = JSON.parse(`[${inIds[1]}]`) as string[];
      return (r) => ids.includes(r.id);
    }
    const terms = expr.split(' && ').map((t) => {
      const m = /^meta\[("(?:[^"\\]|\\.)*")\] == (.+)$/.exec(t);
      if (!m) throw new Error(`fake Milvus cannot parse: ${t}`);
      return { key: JSON.parse(m[1]) as string, value: JSON.parse(m[2]) as unknown };
    });
    return (r) => terms.every((t) => r.meta[t.key] === t.value);
  }

  function write(
    req: { collection_name: string; partition_name?: string; data?: unknown[] },
    upsert: boolean,
  ) {
    const c = col(req.collection_name);
    const rows = c.partitions.get(req.partition_name ?? '_default');
    if (!rows) return mutation(fail(`partition not found[partition=${req.partition_name}]`));
    for (const d of (req.data ?? []) as Row[]) {
      if (upsert) for (const list of c.partitions.values()) removeId(list, d.id);
      rows.push({ ...d, meta: { ...d.meta } });
    }
    return mutation(ok);
  }

  function removeId(list: Row[], id: string) {
    const i = list.findIndex((r) => r.id === id);
    if (i >= 0) list.splice(i, 1);
  }

  const fake = {
    calls,
    async hasCollection(req: { collection_name: string }) {
      calls.push('hasCollection');
      return { status: ok, value: collections.has(req.collection_name) };
    },
    async createCollection(req: { collection_name: string; index_params?: unknown }) {
      calls.push('createCollection');
      collections.set(req.collection_name, {
        loaded: req.index_params !== undefined,
        partitions: new Map([['_default', []]]),
      });
      return ok;
    },
    async loadCollection(req: { collection_name: string }) {
      calls.push('loadCollection');
      col(req.collection_name).loaded = true;
      return ok;
    },
    async dropCollection(req: { collection_name: string }) {
      calls.push('dropCollection');
      collections.delete(req.collection_name);
      return ok;
    },
    async hasPartition(req: { collection_name: string; partition_name: string }) {
      calls.push('hasPartition');
      return { status: ok, value: col(req.collection_name).partitions.has(req.partition_name) };
    },
    async createPartition(req: { collection_name: string; partition_name: string }) {
      calls.push('createPartition');
      const c = col(req.collection_name);
      if (c.partitions.has(req.partition_name)) return fail('partition already exists');
      c.partitions.set(req.partition_name, []);
      return ok;
    },
    async insert(req: { collection_name: string; partition_name?: string; data?: unknown[] }) {
      calls.push('insert');
      return write(req, false);
    },
    async upsert(req: { collection_name: string; partition_name?: string; data?: unknown[] }) {
      calls.push('upsert');
      return write(req, true);
    },
    async delete(req: { collection_name: string; partition_name?: string; filter?: string }) {
      calls.push('delete');
      const c = col(req.collection_name);
      const pred = parse(req.filter ?? '');
      const lists = req.partition_name
        ? [c.partitions.get(req.partition_name) ?? []]
        : [...c.partitions.values()];
      for (const list of lists)
        for (let i = list.length - 1; i >= 0; i--) if (pred(list[i])) list.splice(i, 1);
      return mutation(ok);
    },
    async search(req: {
      collection_name: string;
      data: number[];
      limit: number;
      metric_type: string;
      partition_names?: string[];
      filter?: string;
    }) {
      calls.push('search');
      const c = col(req.collection_name);
      if (!c.loaded) return { status: fail('collection not loaded'), results: [] };
      if (req.metric_type !== 'COSINE') return { status: fail('metric type not match'), results: [] };
      const names = req.partition_names ?? [...c.partitions.keys()];
      for (const n of names)
        if (!c.partitions.has(n)) return { status: fail(`partition name ${n} not found`), results: [] };
      const pred = req.filter ? parse(req.filter) : () => true;
      const q = req.data;
      const hits: { score: number; row: Row }[] = [];
      for (const n of names) {
        for (const row of c.partitions.get(n) ?? []) {
          if (!pred(row)) continue;
          let dot = 0;
          let a = 0;
          let b = 0;
          for (let i = 0; i < q.length; i++) {
            dot += q[i] * row.vector[i];
            a += q[i] * q[i];
            b += row.vector[i] * row.vector[i];
          }
          hits.push({ score: a && b ? dot / Math.sqrt(a * b) : 0, row });
        }
      }
      hits.sort((x, y) => y.score - x.score);
      return {
        status: ok,
        results: hits.slice(0, req.limit).map((h) => ({
          id: h.row.id,
          score: h.score,
          realm: h.row.realm,
          zone: h.row.zone,
          meta: h.row.meta,
        })),
      };
    },
    async closeConnection() {
      calls.push('closeConnection');
      return 'SHUTDOWN';
    },
  };
  return fake as unknown as MilvusLike & { calls: string[] };
}
