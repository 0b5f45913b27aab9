import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ollamaFixture, startOllamaReplay } from './fixtures/ollama-replay.ts';
import { collectTurn } from './npc/npc-service.ts';
import { createAiServices } from './services.ts';

const dir = mkdtempSync(join(tmpdir(), 'arcane-ai-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const persona = { npcId: 'sage', name: 'Sage', persona: 'An old sage of the marsh.' };
const species = [
  {
    name: 'heron',
    description: 'A wading bird.',
    traits: ['long beak'],
    diet: 'carnivore',
    temperament: 'skittish',
  },
];

describe('createAiServices', () => {
  it('uses the embedded defaults when no service is configured, and keeps memories across restarts', async () => {
    const a = await createAiServices({ env: {}, dataDir: dir });
    expect(a.backends).toEqual({ embedder: 'hashed-ngrams-256', store: 'memory', chat: 'offline-npc' });
    expect(await a.indexBestiary(species, 'eu1')).toBe(1);
    const npc = a.createNpc(persona);
    const t = await collectTurn(
      npc.talk({ playerId: 'p1', realm: 'eu1', zoneId: 'marsh', text: 'My boat sank at the heron pool.' }),
    );
    expect(t.start?.label).toBe('offline NPC');
    await a.close();
    const b = await createAiServices({ env: {}, dataDir: dir });
    const again = await collectTurn(
      b
        .createNpc(persona)
        .talk({ playerId: 'p1', realm: 'eu1', zoneId: 'marsh', text: 'Where did my boat sink?' }),
    );
    expect(again.reply).toContain('My boat sank at the heron pool.');
    await b.close();
  });

  it('switches to Ollama chat and embeddings when OLLAMA_HOST is set', async () => {
    const replay = await startOllamaReplay({
      embedJson: ollamaFixture('embed.json'),
      chatNdjson: ollamaFixture('chat-stream.ndjson'),
    });
    try {
      const s = await createAiServices({
        env: { OLLAMA_HOST: replay.host, AI_VECTOR_DIR: join(dir, 'ollama') },
      });
      expect(s.backends).toEqual({
        embedder: 'ollama:nomic-embed-text',
        store: 'memory',
        chat: 'ollama:llama3.2',
      });
      expect(s.embedder.dims).toBe(384);
      await s.close();
    } finally {
      await replay.close();
    }
  });

  it('falls back to hashed embeddings with a warning when Ollama is unreachable at startup', async () => {
    const s = await createAiServices({
      env: { OLLAMA_HOST: 'http://127.0.0.1:9', AI_VECTOR_DIR: join(dir, 'down') },
    });
    expect(s.backends.embedder).toBe('hashed-ngrams-256');
    expect(s.backends.chat).toBe('ollama:llama3.2');
    expect(s.warnings[0]).toMatch(/Ollama embeddings unavailable/);
    await s.close();
  });
});
