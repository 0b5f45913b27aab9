import { Ollama } from 'ollama';
import { afterEach, describe, expect, it } from 'vitest';
import { ollamaFixture, startOllamaReplay } from '../fixtures/ollama-replay.ts';
import { liveTarget } from '../live-service.ts';
import type { ChatChunk, ChatModel, ChatRequest, Grounding } from './chat-model.ts';
import { OfflineNpcModel, OFFLINE_LABEL } from './offline-npc.ts';
import { OllamaChatModel } from './ollama-chat.ts';

const grounding: Grounding = {
  npcName: 'Maera',
  playerName: 'Arin',
  userText: 'What do wolves eat?',
  memories: [],
  creatures: [
    {
      name: 'wolf',
      description: 'A grey pack hunter of the northern ridge.',
      diet: 'carnivore',
      temperament: 'hostile',
      traits: 'thick fur',
      score: 0.6,
    },
  ],
};
const request: ChatRequest = {
  messages: [
    { role: 'system', content: 'You are Maera, a keeper of beast-lore. Answer in one sentence.' },
    { role: 'user', content: grounding.userText },
  ],
  grounding,
};

async function drain(it: AsyncIterable<ChatChunk>): Promise<ChatChunk[]> {
  const out: ChatChunk[] = [];
  for await (const c of it) out.push(c);
  return out;
}

/** The one contract every ChatModel meets. */
function chatModelContract(make: () => ChatModel) {
  it('streams a non-empty reply in chunks and ends with exactly one done chunk', async () => {
    const chunks = await drain(make().chat(request));
    expect(chunks.length).toBeGreaterThan(1);
    expect(chunks.filter((c) => c.done)).toHaveLength(1);
    expect(chunks.at(-1)?.done).toBe(true);
    expect(
      chunks
        .map((c) => c.text)
        .join('')
        .trim().length,
    ).toBeGreaterThan(0);
  }, 120_000);

  it('stops when the request is aborted', async () => {
    const abort = new AbortController();
    abort.abort();
    await expect(drain(make().chat({ ...request, signal: abort.signal }))).rejects.toThrow();
  });
}

describe('ChatModel contract: offline NPC (embedded default)', () => {
  chatModelContract(() => new OfflineNpcModel());
});

const live = liveTarget('OLLAMA_HOST', 'ChatModel contract: live Ollama /api/chat', 'http://localhost:11434');
describe.skipIf(!live.enabled)(live.title, () => {
  chatModelContract(() => new OllamaChatModel({ host: live.value, model: process.env.OLLAMA_CHAT_MODEL }));
});

describe('OfflineNpcModel', () => {
  it('is labelled "offline NPC" and answers from the retrieved bestiary entry', async () => {
    const m = new OfflineNpcModel();
    expect(m.label).toBe(OFFLINE_LABEL);
    expect(m.offline).toBe(true);
    const text = (await drain(m.chat(request))).map((c) => c.text).join('');
    expect(text).toMatch(/wolf/i);
    expect(text).toContain('A grey pack hunter of the northern ridge.');
    expect(text).toContain('carnivore');
  });
});

describe('OllamaChatModel against replays of Ollama /api/chat streams', () => {
  let replay: Awaited<ReturnType<typeof startOllamaReplay>> | undefined;
  afterEach(async () => {
    await replay?.close();
    replay = undefined;
  });

  it('streams message.content pieces through the real client and reports eval counts', async () => {
    replay = await startOllamaReplay({ chatNdjson: ollamaFixture('chat-stream.ndjson') });
    const m = new OllamaChatModel({
      host: replay.host,
      model: 'llama3.2',
      client: new Ollama({ host: replay.host }),
    });
    const chunks = await drain(m.chat(request));
    const expected = ollamaFixture('chat-stream.ndjson')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { message: { content: string } }).message.content)
      .join('');
    expect(chunks.map((c) => c.text).join('')).toBe(expected);
    expect(chunks.length).toBe(31);
    expect(chunks.at(-1)).toEqual({ text: '', done: true, usage: { promptTokens: 212, replyTokens: 31 } });
    const sent = replay.requests[0];
    expect(sent.path).toBe('/api/chat');
    expect(sent.body).toMatchObject({ model: 'llama3.2', stream: true, messages: request.messages });
    expect((sent.body.options as { num_predict: number }).num_predict).toBe(160);
  });

  it('throws the server error when a stream breaks off with an error line', async () => {
    replay = await startOllamaReplay({ chatNdjson: ollamaFixture('chat-stream-error.ndjson') });
    const m = new OllamaChatModel({ host: replay.host });
    const got: string[] = [];
    await expect(
      (async () => {
        for await (const c of m.chat(request)) got.push(c.text);
      })(),
    ).rejects.toThrow(/unexpected EOF/);
    expect(got.join('')).toBe('Wolves hunt in packs along the');
  });

  it('throws "model not found" for a model that was never pulled', async () => {
    replay = await startOllamaReplay({
      chatError: { status: 404, body: ollamaFixture('chat-model-not-found.json') },
    });
    const m = new OllamaChatModel({ host: replay.host, model: 'llama9' });
    await expect(drain(m.chat(request))).rejects.toThrow(/model "llama9" not found/);
  });
});
