import { Ollama } from 'ollama';
import type { Options } from 'ollama';
import type { ChatChunk, ChatModel, ChatRequest } from './chat-model.ts';

/** Options for the Ollama chat adapter. */
export interface OllamaChatOptions {
  /** Ollama base URL (`OLLAMA_HOST`), e.g. `http://ollama:11434`. */
  host: string;
  /** Model name (`OLLAMA_CHAT_MODEL`). Default `llama3.2`. */
  model?: string;
  /** Sampling options passed through (temperature, num_predict, …). Default: short, lively replies. */
  options?: Partial<Options>;
  /** How long Ollama keeps the model loaded (`keep_alive`). Default `30m`. */
  keepAlive?: string;
  /** A ready client (tests point one at a recorded-response server). */
  client?: Ollama;
}

/** NPC replies from Ollama's `/api/chat` with `stream: true`, through the `ollama` package. */
export class OllamaChatModel implements ChatModel {
  readonly id: string;
  readonly label: string;
  readonly offline = false;
  private readonly client: Ollama;
  private readonly model: string;
  private readonly options: Partial<Options>;
  private readonly keepAlive: string;

  constructor(o: OllamaChatOptions) {
    this.model = o.model ?? 'llama3.2';
    this.id = `ollama:${this.model}`;
    this.label = this.model;
    // NPC lines are short: cap generated tokens so one chatty reply cannot hold the GPU for long.
    this.options = { temperature: 0.7, num_predict: 160, ...o.options };
    this.keepAlive = o.keepAlive ?? '30m';
    this.client = o.client ?? new Ollama({ host: o.host });
  }

  async *chat(req: ChatRequest): AsyncGenerator<ChatChunk> {
    if (req.signal?.aborted) throw new Error('aborted');
    const stream = await this.client.chat({
      model: this.model,
      messages: req.messages.map((m) => ({ role: m.role, content: m.content })),
      stream: true,
      options: this.options,
      keep_alive: this.keepAlive,
    });
    const onAbort = () => stream.abort();
    req.signal?.addEventListener('abort', onAbort, { once: true });
    let finished = false;
    try {
      for await (const part of stream) {
        if (part.done) {
          finished = true;
          yield {
            text: part.message?.content ?? '',
            done: true,
            usage: { promptTokens: part.prompt_eval_count ?? 0, replyTokens: part.eval_count ?? 0 },
          };
          return;
        }
        yield { text: part.message?.content ?? '', done: false };
      }
    } finally {
      req.signal?.removeEventListener('abort', onAbort);
      // The caller stopped reading early (echo guard, timeout): close the HTTP stream too.
      if (!finished) stream.abort();
    }
  }
}
