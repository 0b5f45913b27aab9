import { Ollama } from 'ollama';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ollamaFixture, startOllamaReplay } from '../fixtures/ollama-replay.ts';
import { liveTarget } from '../live-service.ts';
import type { Embedder } from './embedder.ts';
import { cosine, HashedNgramEmbedder, tokenize } from './embedder.ts';
import { OllamaEmbedder } from './ollama-embedder.ts';

function norm(v: Float32Array): number {
  return Math.sqrt(v.reduce((s, x) => s + x * x, 0));
}

/** The one contract every Embedder meets. */
function embedderContract(make: () => Promise<Embedder>) {
  let e: Embedder;
  beforeAll(async () => {
    e = await make();
  });

  it('returns one unit vector of `dims` per text, in order, the same for the same text', async () => {
    const texts = [
      'The grey wolf hunts at night.',
      'Boars root for acorns.',
      'The grey wolf hunts at night.',
    ];
    const vs = await e.embed(texts);
    expect(vs).toHaveLength(3);
    for (const v of vs) {
      expect(v).toBeInstanceOf(Float32Array);
      expect(v.length).toBe(e.dims);
      expect(norm(v)).toBeCloseTo(1, 3);
    }
    expect(cosine(vs[0], vs[2])).toBeCloseTo(1, 4);
    expect(await e.embed([])).toEqual([]);
  });

  it('puts a paraphrase closer than an unrelated sentence', async () => {
    const [a, b, c] = await e.embed([
      'wolves hunt deer in the forest at night',
      'at night the wolves of the forest hunt deer',
      'the blacksmith sells iron swords and shields',
    ]);
    expect(cosine(a, b)).toBeGreaterThan(cosine(a, c) + 0.2);
  });
}

describe('Embedder contract: hashed word n-grams (embedded default)', () => {
  embedderContract(async () => new HashedNgramEmbedder());
});

const ollama = liveTarget(
  'OLLAMA_HOST',
  'Embedder contract: live Ollama /api/embed',
  'http://localhost:11434',
);
describe.skipIf(!ollama.enabled)(ollama.title, () => {
  embedderContract(async () => {
    const e = new OllamaEmbedder({ host: ollama.value, model: process.env.OLLAMA_EMBED_MODEL });
    await e.probe();
    return e;
  });
});

describe('HashedNgramEmbedder', () => {
  it('is lexical: bigrams make word order matter a little, shared words a lot', () => {
    const e = new HashedNgramEmbedder({ dims: 256 });
    const ab = e.embedOne('red fox');
    const ba = e.embedOne('fox red');
    expect(cosine(ab, ba)).toBeLessThan(0.999);
    expect(cosine(ab, ba)).toBeGreaterThan(0.6);
    expect(cosine(e.embedOne('Boars!'), e.embedOne('the boar'))).toBeGreaterThan(0.6);
    expect(norm(e.embedOne('...'))).toBe(0);
  });

  it('tokenizes Unicode words and folds simple plurals', () => {
    expect(tokenize('Élan, the Wyverns! 3 glass')).toEqual(['élan', 'the', 'wyvern', '3', 'glass']);
    expect(tokenize('wolves flies foxes boars cactus')).toEqual(['wolf', 'fly', 'fox', 'boar', 'cactus']);
  });
});

describe('OllamaEmbedder against a replay of Ollama /api/embed', () => {
  let replay: Awaited<ReturnType<typeof startOllamaReplay>>;
  beforeAll(async () => {
    replay = await startOllamaReplay({ embedJson: ollamaFixture('embed.json') });
  });
  afterAll(() => replay.close());

  it('sends model and inputs through the real client and returns unit Float32Arrays', async () => {
    const e = new OllamaEmbedder({
      host: replay.host,
      model: 'all-minilm',
      client: new Ollama({ host: replay.host }),
    });
    const vs = await e.embed(['A wolf.', 'A deer.']);
    expect(e.dims).toBe(384);
    expect(vs.map((v) => v.length)).toEqual([384, 384]);
    expect(norm(vs[1])).toBeCloseTo(1, 5);
    const sent = replay.requests.at(-1);
    expect(sent?.path).toBe('/api/embed');
    expect(sent?.body).toMatchObject({ model: 'all-minilm', input: ['A wolf.', 'A deer.'], truncate: true });
  });

  it('rejects a response whose count does not match the inputs', async () => {
    const verbatim = await startOllamaReplay({ embedJson: ollamaFixture('embed.json'), embedVerbatim: true });
    try {
      const e = new OllamaEmbedder({ host: verbatim.host, model: 'all-minilm' });
      await expect(e.embed(['only one'])).rejects.toThrow(/2 embeddings for 1 inputs/);
    } finally {
      await verbatim.close();
    }
  });
});
