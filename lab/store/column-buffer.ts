/** Typed array constructors a column buffer can grow. */
type NumericArray = Int32Array | Float64Array | BigInt64Array;

/**
 * A growable numeric column (one typed array, doubled when full): rows are buffered as structure of
 * arrays, so recording a metric allocates nothing per row.
 */
export class ColumnBuffer<A extends NumericArray> {
  private data: A;
  /** Rows written. */
  length = 0;

  constructor(
    private readonly make: (capacity: number) => A,
    capacity = 4096,
  ) {
    this.data = make(capacity);
  }

  /** Appends one value. */
  push(v: A extends BigInt64Array ? bigint : number): void {
    if (this.length === this.data.length) {
      const next = this.make(this.data.length * 2);
      next.set(this.data as never);
      this.data = next;
    }
    (this.data as { [i: number]: number | bigint })[this.length++] = v;
  }

  /** The written values (a view, valid until the next push). */
  view(): A {
    return this.data.subarray(0, this.length) as A;
  }
}

/** An Int32 column. */
export const int32Column = (capacity?: number): ColumnBuffer<Int32Array> =>
  new ColumnBuffer((n) => new Int32Array(n), capacity);

/** A Float64 column. */
export const float64Column = (capacity?: number): ColumnBuffer<Float64Array> =>
  new ColumnBuffer((n) => new Float64Array(n), capacity);

/** A BigInt64 column. */
export const bigint64Column = (capacity?: number): ColumnBuffer<BigInt64Array> =>
  new ColumnBuffer((n) => new BigInt64Array(n), capacity);
