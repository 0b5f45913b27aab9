// Small Parquet segments written in JavaScript, on the recording thread, with no DuckDB round trip. Each
// DuckDB statement through the bindings costs about a millisecond beyond its work and a segment took four
// (stage, copy out, empty the stage): ~8 ms at the end of every run, whatever its size. Here a segment is one
// row group of uncompressed pages whose values are the column buffers' own bytes (PLAIN numbers, dictionary
// indices already numbered by the recorder): no per-value work for numbers, which matters because this code
// runs once per run and stays cold. The file metadata and page headers (Thrift) come from hyparquet-writer.
// The files have the same columns and logical types as DuckDB's (a test reads both back and compares), so
// readers cannot tell them apart; big batches still go through DuckDB, which encodes off this thread.
import { endianness } from 'node:os';
import { writeFileSync } from 'node:fs';
import { ByteWriter } from 'hyparquet-writer';
import type { ParquetWriteOptions } from 'hyparquet-writer';
import { writePageHeader } from 'hyparquet-writer/src/datapage.js';
import { writeMetadata } from 'hyparquet-writer/src/metadata.js';
import { POINT_TABLES } from './schema.ts';
import type { PointTable } from './schema.ts';

type SchemaElement = NonNullable<ParquetWriteOptions['schema']>[number];

/** Strings given as a dictionary and one index into it per row (species, keys, a run's id). */
export interface DictColumn {
  dict: readonly string[];
  idx: Int32Array;
}

/** A column whose every value is null. */
export interface NullColumn {
  nulls: number;
}

/**
 * One column's values, in the table's column order: typed arrays (no nulls), dictionary columns, all-null
 * columns, or arrays where values may be null.
 */
export type SegmentColumn =
  | Int32Array
  | Float64Array
  | BigInt64Array
  | DictColumn
  | NullColumn
  | ReadonlyArray<string | number | bigint | boolean | null>;

/** A column of `n` nulls. */
export function nulls(n: number): NullColumn {
  return { nulls: n };
}

/**
 * A dictionary column from series ids: `names[id][part]` is row i's string when `series[i]` is id (the
 * recorder numbers each (species, key) once per run).
 */
export function seriesColumn(
  series: Int32Array,
  names: ReadonlyArray<readonly string[]>,
  part: number,
): DictColumn {
  const dict: string[] = [];
  const at = new Map<string, number>();
  const map = new Int32Array(names.length);
  for (let s = 0; s < names.length; s++) {
    const v = names[s][part];
    let k = at.get(v);
    if (k === undefined) at.set(v, (k = dict.push(v) - 1));
    map[s] = k;
  }
  const idx = new Int32Array(series.length);
  for (let i = 0; i < series.length; i++) idx[i] = map[series[i]];
  return { dict, idx };
}

/** A column of `n` copies of one string. */
export function constant(value: string, n: number): DictColumn {
  return { dict: [value], idx: new Int32Array(n) };
}

// Parquet physical and logical types of the lab's DuckDB column types.
const PARQUET_TYPES: Record<string, Omit<SchemaElement, 'name' | 'repetition_type'>> = {
  VARCHAR: { type: 'BYTE_ARRAY', converted_type: 'UTF8' },
  // JSON text, as UTF8 with the JSON logical type; DuckDB reads it as VARCHAR and readers cast it back
  // (`segmentsSelect`).
  JSON: { type: 'BYTE_ARRAY', converted_type: 'UTF8', logical_type: { type: 'JSON' } },
  INTEGER: { type: 'INT32' },
  BIGINT: { type: 'INT64' },
  DOUBLE: { type: 'DOUBLE' },
  BOOLEAN: { type: 'BOOLEAN' },
};

const SCHEMAS = Object.fromEntries(
  Object.entries(POINT_TABLES).map(([table, cols]) => [
    table,
    [
      { name: 'root', num_children: cols.length },
      ...cols.map(([name, type]): SchemaElement => {
        const t = PARQUET_TYPES[type];
        if (!t) throw new Error(`no Parquet type for ${table}.${name} (${type})`);
        return { name, repetition_type: 'OPTIONAL', ...t };
      }),
    ],
  ]),
) as Record<PointTable, SchemaElement[]>;

const LITTLE_ENDIAN = endianness() === 'LE';
const PAR1 = 0x31524150;

/** Encodes one segment of `table` (columns in the table's order, equal lengths) as a Parquet file. */
export function encodeSegment(table: PointTable, columns: readonly SegmentColumn[]): Uint8Array {
  const schema = SCHEMAS[table];
  const defs = POINT_TABLES[table];
  if (columns.length !== defs.length)
    throw new Error(`${table} has ${defs.length} columns, got ${columns.length}`);
  const rows = lengthOf(columns[0]);
  const w = new ByteWriter(64 * 1024);
  w.appendUint32(PAR1);
  const chunks = defs.map(([name], i) => {
    if (lengthOf(columns[i]) !== rows)
      throw new Error(`${table}.${name} has ${lengthOf(columns[i])} values, expected ${rows}`);
    return writeChunk(w, schema[i + 1], columns[i], rows);
  });
  const size = chunks.reduce((s, c) => s + c.meta_data.total_compressed_size, 0n);
  writeMetadataFooter(w, {
    version: 1,
    created_by: 'arcane-realms',
    schema,
    num_rows: BigInt(rows),
    row_groups: [{ columns: chunks, total_byte_size: size, num_rows: BigInt(rows) }],
  });
  return w.getBytes();
}

/** Writes one segment file (callers write aside and rename, as for DuckDB's). */
export function writeSegmentFile(path: string, table: PointTable, columns: readonly SegmentColumn[]): void {
  writeFileSync(path, encodeSegment(table, columns));
}

const lengthOf = (c: SegmentColumn): number =>
  'idx' in c ? c.idx.length : 'nulls' in c ? c.nulls : c.length;

type Metadata = Parameters<typeof writeMetadata>[1];
type ColumnChunk = Metadata['row_groups'][number]['columns'][number] & {
  meta_data: NonNullable<Metadata['row_groups'][number]['columns'][number]['meta_data']>;
};

function writeMetadataFooter(w: ByteWriter, metadata: Omit<Metadata, 'metadata_length'>): void {
  const start = w.offset;
  writeMetadata(w, metadata as Metadata);
  w.appendUint32(w.offset - start);
  w.appendUint32(PAR1);
}

// One column chunk: a dictionary page for dictionary columns, then one V1 data page (definition levels, values).
function writeChunk(w: ByteWriter, el: SchemaElement, col: SegmentColumn, rows: number): ColumnChunk {
  const start = w.offset;
  let dictionaryOffset: bigint | undefined;
  let values: Uint8Array;
  let present: Uint8Array | null = null; // 1 per non-null row, when some are null
  let encoding: 'PLAIN' | 'RLE_DICTIONARY' = 'PLAIN';
  if ('idx' in col) {
    dictionaryOffset = BigInt(w.offset);
    const dict = plainStrings(col.dict);
    writePage(
      w,
      { type: 'DICTIONARY_PAGE', dictionary_page_header: { num_values: col.dict.length, encoding: 'PLAIN' } },
      [dict],
    );
    values = dictionaryIndices(col.idx, col.dict.length);
    encoding = 'RLE_DICTIONARY';
  } else if ('nulls' in col) {
    present = new Uint8Array(rows);
    values = new Uint8Array(0);
  } else if (ArrayBuffer.isView(col)) {
    values = rawBytes(col);
  } else {
    const nonNull = col.filter((v) => v !== null);
    if (nonNull.length < col.length) present = Uint8Array.from(col, (v) => (v === null ? 0 : 1));
    values = plainValues(el, nonNull);
  }
  const levels = definitionLevels(present, rows);
  const dataOffset = BigInt(w.offset);
  writePage(
    w,
    {
      type: 'DATA_PAGE',
      data_page_header: {
        num_values: rows,
        encoding,
        definition_level_encoding: 'RLE',
        repetition_level_encoding: 'RLE',
      },
    },
    [levels, values],
  );
  const size = BigInt(w.offset - start);
  return {
    file_offset: BigInt(start),
    meta_data: {
      type: el.type!,
      encodings: dictionaryOffset === undefined ? ['PLAIN', 'RLE'] : ['PLAIN', 'RLE', 'RLE_DICTIONARY'],
      path_in_schema: [el.name],
      codec: 'UNCOMPRESSED',
      num_values: BigInt(rows),
      total_uncompressed_size: size,
      total_compressed_size: size,
      data_page_offset: dataOffset,
      dictionary_page_offset: dictionaryOffset,
    },
  } as ColumnChunk;
}

type PageHeader = Parameters<typeof writePageHeader>[1];

function writePage(
  w: ByteWriter,
  header: Omit<PageHeader, 'uncompressed_page_size' | 'compressed_page_size'>,
  parts: Uint8Array[],
): void {
  const size = parts.reduce((s, p) => s + p.length, 0);
  writePageHeader(w, { ...header, uncompressed_page_size: size, compressed_page_size: size } as PageHeader);
  for (const p of parts) w.appendBytes(p);
}

// A typed array's own bytes (Parquet PLAIN numbers are little-endian, as this machine is).
function rawBytes(a: Int32Array | Float64Array | BigInt64Array): Uint8Array {
  if (!LITTLE_ENDIAN) throw new Error('JavaScript segments need a little-endian machine');
  return new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
}

// PLAIN values of an array without nulls, by the column's physical type.
function plainValues(
  el: SchemaElement,
  values: ReadonlyArray<string | number | bigint | boolean | null>,
): Uint8Array {
  switch (el.type) {
    case 'BYTE_ARRAY':
      return plainStrings(values as readonly string[]);
    case 'INT32':
      return rawBytes(Int32Array.from(values as readonly number[]));
    case 'INT64':
      return rawBytes(BigInt64Array.from(values as readonly bigint[]));
    case 'DOUBLE':
      return rawBytes(Float64Array.from(values as readonly number[]));
    case 'BOOLEAN': {
      // One bit each, least significant first.
      const out = new Uint8Array(Math.ceil(values.length / 8));
      for (let i = 0; i < values.length; i++) if (values[i]) out[i >> 3] |= 1 << (i & 7);
      return out;
    }
    default:
      throw new Error(`cannot encode ${el.name} (${el.type})`);
  }
}

// PLAIN byte arrays: a 4-byte little-endian length, then the UTF-8 bytes, per value.
function plainStrings(values: readonly string[]): Uint8Array {
  let size = 0;
  for (const v of values) size += 4 + Buffer.byteLength(v);
  const out = Buffer.allocUnsafe(size);
  let o = 0;
  for (const v of values) {
    const n = out.write(v, o + 4);
    out.writeUInt32LE(n, o);
    o += 4 + n;
  }
  return out;
}

// Definition levels (bit width 1) as a 4-byte length and RLE runs: one run of 1s when nothing is null.
function definitionLevels(present: Uint8Array | null, rows: number): Uint8Array {
  const runs: number[] = [];
  if (present === null) runs.push(rows, 1);
  else
    for (let i = 0; i < rows;) {
      let j = i + 1;
      while (j < rows && present[j] === present[i]) j++;
      runs.push(j - i, present[i]);
      i = j;
    }
  const out: number[] = [0, 0, 0, 0];
  for (let r = 0; r < runs.length; r += 2) {
    uleb128(out, runs[r] * 2);
    out.push(runs[r + 1]);
  }
  const bytes = Uint8Array.from(out);
  new DataView(bytes.buffer).setUint32(0, bytes.length - 4, true);
  return bytes;
}

// Dictionary indices: the bit width, then one RLE run when every row has the same index, else bit-packed
// groups of eight (least significant bit first).
function dictionaryIndices(idx: Int32Array, dictSize: number): Uint8Array {
  const bw = Math.max(1, Math.ceil(Math.log2(Math.max(2, dictSize))));
  if (bw > 24) throw new Error(`a dictionary of ${dictSize} strings is too large for a JavaScript segment`);
  const n = idx.length;
  let same = true;
  for (let i = 1; i < n && same; i++) same = idx[i] === idx[0];
  const head: number[] = [bw];
  if (same) {
    uleb128(head, n * 2);
    const v = n > 0 ? idx[0] : 0;
    for (let b = 0; b < Math.ceil(bw / 8); b++) head.push((v >> (8 * b)) & 255);
    return Uint8Array.from(head);
  }
  const groups = Math.ceil(n / 8);
  uleb128(head, groups * 2 + 1);
  const out = new Uint8Array(head.length + groups * bw);
  out.set(head);
  let o = head.length;
  let acc = 0;
  let bits = 0;
  for (let i = 0; i < n; i++) {
    acc |= idx[i] << bits;
    bits += bw;
    while (bits >= 8) {
      out[o++] = acc & 255;
      acc >>>= 8;
      bits -= 8;
    }
  }
  if (bits > 0) out[o] = acc & 255;
  return out;
}

function uleb128(out: number[], v: number): void {
  while (v >= 0x80) {
    out.push((v & 0x7f) | 0x80);
    v = Math.floor(v / 128);
  }
  out.push(v);
}
