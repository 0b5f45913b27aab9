import { Ollama } from 'ollama';
import type { Embedder } from './embedder.ts';
import { normalize } from './embedder.ts';

/** Options for the Ollama embeddings adapter. */
export interface OllamaEmbedderOptions {
  /** Ollama base URL (`OLLAMA_HOST`), e.g. `http://ollama:11434`. */
  host: string;
  /** Embedding model. Default `nomic-embed-text` (768 dims). */
  model?: string;
  /** Vector length, when known up front; otherwise call `probe()` once before use. */
  dims?: number;
  /** How long Ollama keeps the model loaded (`keep_alive`). Default `30m`. */
  keepAlive?: string;
  /** A ready client (tests point one at a recorded-response server). */
  client?: Ollama;
}

/** Real embeddings from Ollama's `/api/embed` through the `ollama` package. */
export class OllamaEmbedder implements Embedder {
  readonly id: string;
  private dimsKnown: number | undefined;
  private readonly client: Ollama;
  private readonly model: string;
  private readonly keepAlive: string;

  constructor(o: OllamaEmbedderOptions) {
    this.model = o.model ?? 'nomic-embed-text';
    this.id = `ollama:${this.model}`;
    this.dimsKnown = o.dims;
    this.keepAlive = o.keepAlive ?? '30m';
    this.client = o.client ?? new Ollama({ host: o.host });
  }

  get dims(): number {
    if (this.dimsKnown === undefined) throw new Error(`${this.id}: dims unknown; call probe() first`);
    return this.dimsKnown;
  }

  /** Embeds one word to learn the model's vector length (needed to create Milvus collections). */
  async probe(): Promise<number> {
    if (this.dimsKnown === undefined) {
      const [v] = await this.request(['probe']);
      this.dimsKnown = v.length;
    }
    return this.dimsKnown;
  }

  async embed(texts: readonly string[]): Promise<Float32Array[]> {
    if (texts.length === 0) return [];
    const out = await this.request(texts);
    if (this.dimsKnown === undefined) this.dimsKnown = out[0].length;
    for (const v of out) {
      if (v.length !== this.dimsKnown)
        throw new Error(`${this.id}: got a ${v.length}-dim vector, expected ${this.dimsKnown}`);
    }
    return out;
  }

  private async request(texts: readonly string[]): Promise<Float32Array[]> {
    const res = await this.client.embed({
      model: this.model,
      input: [...texts],
      truncate: true,
      keep_alive: this.keepAlive,
    });
    if (res.embeddings.length !== texts.length)
      throw new Error(`${this.id}: ${res.embeddings.length} embeddings for ${texts.length} inputs`);
    // Ollama already normalises /api/embed output; normalising again costs little and guards older servers.
    return res.embeddings.map((e) => normalize(Float32Array.from(e)));
  }
}
