import { join } from 'node:path';
import type { AiCallObserver } from '../metrics/metrics.ts';
import type { SpeciesDefinition } from './npc/bestiary.ts';
import { indexBestiary } from './npc/bestiary.ts';
import type { ChatModel } from './npc/chat-model.ts';
import type { NpcServiceOptions } from './npc/npc-service.ts';
import { NpcService } from './npc/npc-service.ts';
import { OfflineNpcModel } from './npc/offline-npc.ts';
import { OllamaChatModel } from './npc/ollama-chat.ts';
import type { NpcPersona } from './npc/prompt.ts';
import type { Embedder } from './vector/embedder.ts';
import { HashedNgramEmbedder } from './vector/embedder.ts';
import { MemoryVectorStore } from './vector/memory-store.ts';
import { MilvusVectorStore } from './vector/milvus-store.ts';
import { OllamaEmbedder } from './vector/ollama-embedder.ts';
import type { VectorStore } from './vector/vector-store.ts';

/** Environment variables the AI services read (all optional: unset means the embedded default). */
export const AI_ENV = {
  OLLAMA_HOST: 'Ollama base URL; turns on LLM NPC replies and Ollama embeddings',
  OLLAMA_CHAT_MODEL: 'chat model (default llama3.2)',
  OLLAMA_EMBED_MODEL:
    'embedding model (default nomic-embed-text); OLLAMA_EMBED_MODEL=off keeps hashed n-grams',
  MILVUS_ADDRESS: 'Milvus host:port; turns on Milvus vector memory',
  MILVUS_TOKEN: 'Milvus token or user:password, when auth is on',
  MILVUS_DATABASE: 'Milvus database (default: the server default)',
  AI_VECTOR_DIR: 'where the embedded vector store persists (default data/vector)',
} as const;

/** Options for `createAiServices`. */
export interface AiServicesOptions {
  env?: Record<string, string | undefined>;
  /** Root data directory (default `data`). */
  dataDir?: string;
  observer?: AiCallObserver;
  /** Clock for quotas (default `Date.now`). */
  clock?: () => number;
}

/** The AI stack the game server uses: pick backends from env once, then create NPCs and index the bestiary. */
export interface AiServices {
  readonly embedder: Embedder;
  readonly store: VectorStore;
  readonly chatModel: ChatModel;
  /** Which backend serves each concern (`{ embedder: 'hashed-ngrams-256', store: 'memory', chat: 'offline-npc' }`). */
  readonly backends: { embedder: string; store: string; chat: string };
  /** Problems met while choosing backends (e.g. Ollama unreachable for embeddings at startup). */
  readonly warnings: readonly string[];
  /** An NPC with this stack's model, embedder and store. */
  createNpc(persona: NpcPersona, options?: Partial<NpcServiceOptions>): NpcService;
  /** (Re)builds a realm's bestiary from species definitions; returns the number of entries. */
  indexBestiary(species: readonly SpeciesDefinition[], realm: string): Promise<number>;
  close(): Promise<void>;
}

/**
 * Chooses each AI backend from env: Ollama when `OLLAMA_HOST` is set (chat, and embeddings unless
 * `OLLAMA_EMBED_MODEL=off`), Milvus when `MILVUS_ADDRESS` is set; otherwise the embedded defaults
 * (offline NPC, hashed n-gram embeddings, in-process cosine index persisted under `data/vector`).
 */
export async function createAiServices(o: AiServicesOptions = {}): Promise<AiServices> {
  const env = o.env ?? process.env;
  const warnings: string[] = [];
  const ollamaHost = env.OLLAMA_HOST?.trim();
  let embedder: Embedder = new HashedNgramEmbedder();
  if (ollamaHost && env.OLLAMA_EMBED_MODEL !== 'off') {
    const ollamaEmbedder = new OllamaEmbedder({
      host: ollamaHost,
      model: env.OLLAMA_EMBED_MODEL || undefined,
    });
    try {
      await ollamaEmbedder.probe();
      embedder = ollamaEmbedder;
    } catch (err) {
      warnings.push(`Ollama embeddings unavailable (${String(err)}); using hashed n-grams`);
    }
  }
  const milvusAddress = env.MILVUS_ADDRESS?.trim();
  const store: VectorStore = milvusAddress
    ? new MilvusVectorStore({
        address: milvusAddress,
        dims: embedder.dims,
        token: env.MILVUS_TOKEN || undefined,
        database: env.MILVUS_DATABASE || undefined,
        // One collection pair per embedder: vectors of different models must never be compared.
        collectionPrefix: `arcane_${embedder.id.replace(/[^A-Za-z0-9]/g, '_')}_`,
      })
    : await MemoryVectorStore.open({
        dims: embedder.dims,
        embedderId: embedder.id,
        persistDir: env.AI_VECTOR_DIR || join(o.dataDir ?? 'data', 'vector'),
      });
  if (store instanceof MemoryVectorStore && store.discardedReason)
    warnings.push(`vector memory reset: ${store.discardedReason}`);
  const chatModel: ChatModel = ollamaHost
    ? new OllamaChatModel({ host: ollamaHost, model: env.OLLAMA_CHAT_MODEL || undefined })
    : new OfflineNpcModel();
  return {
    embedder,
    store,
    chatModel,
    backends: { embedder: embedder.id, store: store.backend, chat: chatModel.id },
    warnings,
    createNpc(persona, options = {}) {
      return new NpcService({
        persona,
        model: chatModel,
        embedder,
        store,
        ...(o.observer ? { observer: o.observer } : {}),
        ...(o.clock ? { clock: o.clock } : {}),
        ...options,
      });
    },
    indexBestiary(species, realm) {
      return indexBestiary({ store, embedder, species, realm });
    },
    close: () => store.close(),
  };
}
