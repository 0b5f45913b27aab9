/** One chat message in the OpenAI/Ollama role convention. */
export interface ChatMessage {
  role: 'system' | 'user' | 'assistant';
  content: string;
}

/** A bestiary entry retrieved for the current question. */
export interface GroundingCreature {
  name: string;
  description: string;
  diet: string;
  temperament: string;
  traits: string;
  score: number;
}

/** A memory retrieved for the current question: what this player said on an earlier turn. */
export interface GroundingMemory {
  said: string;
  replied: string;
  score: number;
}

/** The retrieval behind a turn, in structured form (the scripted responder composes from it). */
export interface Grounding {
  npcName: string;
  playerName: string;
  /** The player's text after hygiene (capped, control characters removed). */
  userText: string;
  memories: readonly GroundingMemory[];
  creatures: readonly GroundingCreature[];
}

/** What a chat model is asked: the full prompt as messages, plus the same retrieval in structured form. */
export interface ChatRequest {
  messages: readonly ChatMessage[];
  grounding: Grounding;
  signal?: AbortSignal;
}

/** Token counts reported at the end of a reply (when the model reports them). */
export interface ChatUsage {
  promptTokens: number;
  replyTokens: number;
}

/** A piece of a streamed reply; the last one has `done: true` (and may carry usage). */
export interface ChatChunk {
  text: string;
  done: boolean;
  usage?: ChatUsage;
}

/** An NPC's language model: streams a reply to a prompt. Ollama (`OllamaChatModel`) or scripted (`OfflineNpcModel`). */
export interface ChatModel {
  /** `ollama:<model>` or `offline-npc`. */
  readonly id: string;
  /** Shown to players beside the reply: the model name, or "offline NPC". */
  readonly label: string;
  /** True for the scripted responder (no language model behind it). */
  readonly offline: boolean;
  /** The reply as an async stream of chunks; ends with a chunk whose `done` is true. */
  chat(req: ChatRequest): AsyncIterable<ChatChunk>;
}
