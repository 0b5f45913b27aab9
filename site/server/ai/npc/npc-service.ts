import type { AiCallObserver, AiOutcome } from '../../metrics/metrics.ts';
import type { BucketSpec } from '../token-bucket.ts';
import { QuotaPool, takeAll } from '../token-bucket.ts';
import type { Embedder } from '../vector/embedder.ts';
import type { PartitionRef, VectorStore } from '../vector/vector-store.ts';
import { GLOBAL_ZONE } from '../vector/vector-store.ts';
import { creatureFromMetadata } from './bestiary.ts';
import type {
  ChatChunk,
  ChatMessage,
  ChatModel,
  ChatUsage,
  Grounding,
  GroundingMemory,
} from './chat-model.ts';
import { OfflineNpcModel } from './offline-npc.ts';
import type { NpcPersona } from './prompt.ts';
import { buildMessages, capUserText, EchoGuard, MAX_USER_CHARS, secretPrompt } from './prompt.ts';

/** One player message to an NPC. */
export interface NpcTalkRequest {
  playerId: string;
  /** Shown in the prompt; defaults to the player id. */
  playerName?: string;
  realm: string;
  zoneId: string;
  text: string;
}

/** Why a turn was refused. */
export const REFUSAL_REASONS = {
  empty: 'empty',
  playerQuota: 'player-quota',
  zoneQuota: 'zone-quota',
} as const;
/** One of `REFUSAL_REASONS`. */
export type RefusalReason = (typeof REFUSAL_REASONS)[keyof typeof REFUSAL_REASONS];

/**
 * What `talk` streams to the game server, in order: either one `refused`, or `start`, any number of
 * `chunk`s and one `end`. Send `label` with the reply (it reads "offline NPC" for the scripted responder).
 */
export type NpcEvent =
  | { type: 'refused'; reason: RefusalReason; message: string; retryAfterMs: number }
  | { type: 'start'; npcId: string; speaker: string; offline: boolean; label: string }
  | { type: 'chunk'; text: string }
  | {
      type: 'end';
      reply: string;
      offline: boolean;
      /** The model failed or timed out mid-reply; the reply is cut short. */
      interrupted: boolean;
      /** The reply started to echo the NPC's instructions and was cut. */
      redacted: boolean;
      usage?: ChatUsage;
    };

/** Options for an NPC service. */
export interface NpcServiceOptions {
  persona: NpcPersona;
  /** The model to use (Ollama, or the offline responder). */
  model: ChatModel;
  /** Used when `model` fails before its first chunk. Default: the offline responder. */
  fallback?: ChatModel;
  embedder: Embedder;
  store: VectorStore;
  /** Milliseconds now; injected so tests control quotas. Default `Date.now`. */
  clock?: () => number;
  /** Per-player quota. Default 6 messages burst, one more every 10 s. */
  playerQuota?: BucketSpec;
  /** Per-zone quota (all players of a zone). Default 40 burst, 2 per second. */
  zoneQuota?: BucketSpec;
  /** Cap on the player's text. Default 280 characters. */
  maxUserChars?: number;
  /** Memories of this player and bestiary entries retrieved per turn. Default 4 and 3. */
  memoriesK?: number;
  bestiaryK?: number;
  /** Recent messages (both sides) kept per player as chat context. Default 6. */
  recentMessages?: number;
  /** Give up waiting for the first chunk (then fall back) after this long. Default 20 s. */
  firstChunkTimeoutMs?: number;
  /** Cut a reply that takes longer than this. Default 60 s. */
  replyTimeoutMs?: number;
  /** Where AI calls are counted (`ServerMetrics`). */
  observer?: AiCallObserver;
}

const REPLY_FALLBACK_WHEN_REDACTED = ' …but how I was taught is my own affair.';

/**
 * An NPC players chat with. Per turn: hygiene and quotas, retrieval (this player's memories, relevant
 * bestiary entries), prompt = persona + retrieval + recent chat, a streamed reply guarded against
 * echoing the persona, then a memory of the turn written to `npc_memory`.
 */
export class NpcService {
  readonly persona: NpcPersona;
  private readonly o: NpcServiceOptions;
  private readonly fallback: ChatModel;
  private readonly clock: () => number;
  private readonly players: QuotaPool;
  private readonly zones: QuotaPool;
  private readonly recent = new Map<string, ChatMessage[]>();
  private turn = 0;

  constructor(o: NpcServiceOptions) {
    this.o = o;
    this.persona = o.persona;
    this.fallback = o.fallback ?? new OfflineNpcModel();
    this.clock = o.clock ?? Date.now;
    this.players = new QuotaPool(o.playerQuota ?? { capacity: 6, refillPerS: 0.1 });
    this.zones = new QuotaPool(o.zoneQuota ?? { capacity: 40, refillPerS: 2 });
    if (o.store.dims !== o.embedder.dims)
      throw new Error(`embedder ${o.embedder.id} has ${o.embedder.dims} dims, vector store ${o.store.dims}`);
  }

  /** One conversation turn as a stream of events (see `NpcEvent`). Never throws for model or store failures. */
  async *talk(req: NpcTalkRequest): AsyncGenerator<NpcEvent> {
    const name = this.persona.name;
    const text = capUserText(req.text, this.o.maxUserChars ?? MAX_USER_CHARS);
    if (!text) {
      yield {
        type: 'refused',
        reason: 'empty',
        message: `${name} waits for you to say something.`,
        retryAfterMs: 0,
      };
      return;
    }
    const now = this.clock();
    const quota = takeAll(
      [
        { name: 'player', bucket: this.players.bucket(req.playerId, now) },
        { name: 'zone', bucket: this.zones.bucket(`${req.realm}/${req.zoneId}`, now) },
      ],
      now,
    );
    if (!quota.ok) {
      const s = Math.max(1, Math.ceil(quota.retryAfterMs / 1000));
      const player = quota.blockedBy === 'player';
      this.observe('npc', 'refused');
      yield {
        type: 'refused',
        reason: player ? 'player-quota' : 'zone-quota',
        message: player
          ? `${name} needs a moment to gather their thoughts. You can speak again in ${s} s.`
          : `${name} is answering many travellers in this area. Try again in ${s} s.`,
        retryAfterMs: quota.retryAfterMs,
      };
      return;
    }

    const playerName = req.playerName ?? req.playerId;
    const zone: PartitionRef = { realm: req.realm, zone: req.zoneId };
    const { memories, creatures, queryVector } = await this.retrieve(req.playerId, zone, text);
    const grounding: Grounding = { npcName: name, playerName, userText: text, memories, creatures };
    const key = `${req.playerId}`;
    const recent = this.recent.get(key) ?? [];
    const messages = buildMessages({ persona: this.persona, grounding, recent });

    const abort = new AbortController();
    const replyTimer = setTimeout(() => abort.abort(), this.o.replyTimeoutMs ?? 60_000);
    replyTimer.unref();
    const started = this.clock();
    let model = this.o.model;
    let iter: AsyncIterator<ChatChunk> | undefined;
    let first: IteratorResult<ChatChunk> | undefined;
    let usedFallback = false;
    try {
      iter = model.chat({ messages, grounding, signal: abort.signal })[Symbol.asyncIterator]();
      first = await withTimeout(iter.next(), this.o.firstChunkTimeoutMs ?? 20_000);
    } catch (err) {
      this.observe(model.id, err instanceof TimeoutError ? 'timeout' : 'error');
      void iter?.return?.(undefined).catch(() => {});
      model = this.fallback;
      usedFallback = true;
      iter = model.chat({ messages, grounding, signal: abort.signal })[Symbol.asyncIterator]();
      first = await iter.next();
      this.observe(model.id, 'fallback');
    }

    yield {
      type: 'start',
      npcId: this.persona.npcId,
      speaker: name,
      offline: model.offline,
      label: model.label,
    };
    const guard = new EchoGuard(secretPrompt(this.persona));
    let reply = '';
    let usage: ChatUsage | undefined;
    let interrupted = false;
    try {
      for (let r = first; !r.done; r = await iter.next()) {
        const out = guard.push(r.value.text);
        if (out) {
          reply += out;
          yield { type: 'chunk', text: out };
        }
        if (r.value.done) usage = r.value.usage;
        if (r.value.done || guard.leaked) break;
      }
    } catch {
      interrupted = true;
    } finally {
      clearTimeout(replyTimer);
      if (guard.leaked || interrupted) void iter.return?.(undefined).catch(() => {});
    }
    let tail = guard.end();
    if (guard.leaked) tail += REPLY_FALLBACK_WHEN_REDACTED;
    else if (interrupted) tail += ' …';
    if (tail) {
      reply += tail;
      yield { type: 'chunk', text: tail };
    }
    const took = (this.clock() - started) / 1000;
    if (!usedFallback) this.observe(model.id, interrupted ? 'error' : 'ok', took);

    await this.remember({ playerId: req.playerId, zone, said: text, reply: reply.trim(), queryVector });
    this.pushRecent(key, text, reply.trim());
    yield {
      type: 'end',
      reply: reply.trim(),
      offline: model.offline,
      interrupted,
      redacted: guard.leaked,
      ...(usage ? { usage } : {}),
    };
  }

  /** Drops what the NPC remembers of a player (all zones of the realm), e.g. on account deletion. */
  async forget(playerId: string): Promise<void> {
    this.recent.delete(playerId);
    await this.o.store.delete('npc_memory', { filter: { npcId: this.persona.npcId, playerId } });
  }

  private async retrieve(
    playerId: string,
    zone: PartitionRef,
    text: string,
  ): Promise<{ memories: GroundingMemory[]; creatures: Grounding['creatures']; queryVector?: Float32Array }> {
    try {
      const [queryVector] = await this.o.embedder.embed([text]);
      const [mem, beasts] = await Promise.all([
        this.o.store.search('npc_memory', {
          vector: queryVector,
          topK: this.o.memoriesK ?? 4,
          partitions: [zone],
          filter: { npcId: this.persona.npcId, playerId },
        }),
        this.o.store.search('bestiary', {
          vector: queryVector,
          topK: this.o.bestiaryK ?? 3,
          partitions: [zone, { realm: zone.realm, zone: GLOBAL_ZONE }],
        }),
      ]);
      return {
        queryVector,
        memories: mem.map((h) => ({
          said: String(h.metadata.said ?? ''),
          replied: String(h.metadata.replied ?? ''),
          score: h.score,
        })),
        creatures: beasts.map((h) => creatureFromMetadata(h.metadata, h.score)),
      };
    } catch {
      // Without retrieval the NPC still answers, just without memories or lore.
      this.observe('vector-memory', 'error');
      return { memories: [], creatures: [] };
    }
  }

  private async remember(o: {
    playerId: string;
    zone: PartitionRef;
    said: string;
    reply: string;
    queryVector: Float32Array | undefined;
  }): Promise<void> {
    if (!o.queryVector) return;
    const at = this.clock();
    const turn = ++this.turn;
    try {
      // The memory is keyed by what the player said: that is what later questions resemble.
      await this.o.store.insert('npc_memory', o.zone, [
        {
          id: `${this.persona.npcId}:${o.playerId}:${at}:${turn}`,
          vector: o.queryVector,
          metadata: {
            npcId: this.persona.npcId,
            playerId: o.playerId,
            said: o.said,
            replied: o.reply.slice(0, 300),
            atMs: at,
          },
        },
      ]);
    } catch {
      this.observe('vector-memory', 'error');
    }
  }

  private pushRecent(key: string, said: string, reply: string): void {
    const max = this.o.recentMessages ?? 6;
    const list = this.recent.get(key) ?? [];
    list.push({ role: 'user', content: said }, { role: 'assistant', content: reply });
    this.recent.delete(key);
    this.recent.set(key, list.slice(-max));
    // Bound memory: forget the least recently active players' chat context first.
    if (this.recent.size > 10_000) this.recent.delete(this.recent.keys().next().value as string);
  }

  private observe(service: string, outcome: AiOutcome, durationS?: number): void {
    this.o.observer?.aiCall(service, outcome, durationS);
  }
}

/** Collects a turn's events into the final reply or refusal (for tests, scripts and non-streaming callers). */
export async function collectTurn(events: AsyncIterable<NpcEvent>): Promise<{
  events: NpcEvent[];
  reply: string;
  refused?: Extract<NpcEvent, { type: 'refused' }>;
  end?: Extract<NpcEvent, { type: 'end' }>;
  start?: Extract<NpcEvent, { type: 'start' }>;
}> {
  const all: NpcEvent[] = [];
  for await (const e of events) all.push(e);
  const end = all.find((e): e is Extract<NpcEvent, { type: 'end' }> => e.type === 'end');
  return {
    events: all,
    reply: end?.reply ?? '',
    refused: all.find((e): e is Extract<NpcEvent, { type: 'refused' }> => e.type === 'refused'),
    end,
    start: all.find((e): e is Extract<NpcEvent, { type: 'start' }> => e.type === 'start'),
  };
}

class TimeoutError extends Error {}

function withTimeout<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const t = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new TimeoutError(`no reply within ${ms} ms`)), ms);
  });
  return Promise.race([p, t]).finally(() => clearTimeout(timer));
}
