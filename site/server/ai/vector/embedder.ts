import { fnv1a, hash32 } from '../../../../engine/rng/rng.ts';

/** Turns texts into fixed-length vectors; the vector store compares them by cosine similarity. */
export interface Embedder {
  /** Short id of the model, recorded with stored vectors (`hashed-ngrams-256`, `ollama:nomic-embed-text`). */
  readonly id: string;
  /** Vector length; every vector this embedder returns has exactly this many components. */
  readonly dims: number;
  /** One L2-normalised vector per input text, in input order. */
  embed(texts: readonly string[]): Promise<Float32Array[]>;
}

/** Options for the hashed n-gram embedder. */
export interface HashedNgramOptions {
  /** Vector length (a power of two is not required). Default 256. */
  dims?: number;
  /** Weight of a word bigram relative to a unigram. Default 0.5. */
  bigramWeight?: number;
}

const WORD = /[\p{L}\p{N}]+/gu;

/** Lower-cased words of a text, with English plurals folded (see `singular`). */
export function tokenize(text: string): string[] {
  return (text.toLowerCase().match(WORD) ?? []).map(singular);
}

/**
 * A crude English plural fold (wolves → wolf, flies → fly, foxes → fox, boars → boar): enough for a
 * question about "wolves" to meet the bestiary entry "wolf". Not a stemmer; words of three letters or
 * fewer are left alone.
 */
export function singular(w: string): string {
  if (w.length <= 3) return w;
  if (w.length > 4 && w.endsWith('ies')) return `${w.slice(0, -3)}y`;
  if (w.length > 4 && w.endsWith('ves')) return `${w.slice(0, -3)}f`;
  if (/(s|x|z|ch|sh)es$/.test(w)) return w.slice(0, -2);
  if (w.endsWith('s') && !w.endsWith('ss') && !w.endsWith('us')) return w.slice(0, -1);
  return w;
}

/**
 * The embedded default embedder: signed feature hashing of word unigrams and bigrams into `dims`
 * buckets, L2-normalised. Deterministic, instant and dependency-free, but lexical only: texts are
 * similar when they share words, never because they mean the same thing.
 */
export class HashedNgramEmbedder implements Embedder {
  readonly id: string;
  readonly dims: number;
  private readonly bigramWeight: number;

  constructor(o: HashedNgramOptions = {}) {
    this.dims = o.dims ?? 256;
    this.bigramWeight = o.bigramWeight ?? 0.5;
    this.id = `hashed-ngrams-${this.dims}`;
  }

  /** Synchronous form of `embed` for one text. */
  embedOne(text: string): Float32Array {
    const v = new Float32Array(this.dims);
    const words = tokenize(text);
    for (let i = 0; i < words.length; i++) {
      this.add(v, fnv1a(words[i]), 1);
      if (i > 0) this.add(v, fnv1a(`${words[i - 1]} ${words[i]}`), this.bigramWeight);
    }
    return normalize(v);
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    return texts.map((t) => this.embedOne(t));
  }

  private add(v: Float32Array, h: number, weight: number): void {
    // Sign from an independent hash so colliding features cancel on average instead of piling up.
    const sign = hash32(h, 0x5eed, 0, 0) & 1 ? 1 : -1;
    v[h % this.dims] += sign * weight;
  }
}

/** Scales a vector to unit length in place (a zero vector stays zero) and returns it. */
export function normalize(v: Float32Array): Float32Array {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i] * v[i];
  if (s === 0) return v;
  const inv = 1 / Math.sqrt(s);
  for (let i = 0; i < v.length; i++) v[i] *= inv;
  return v;
}

/** Cosine similarity of two vectors of equal length. */
export function cosine(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (let i = 0; i < a.length; i++) {
    dot += a[i] * b[i];
    na += a[i] * a[i];
    nb += b[i] * b[i];
  }
  return na === 0 || nb === 0 ? 0 : dot / Math.sqrt(na * nb);
}
