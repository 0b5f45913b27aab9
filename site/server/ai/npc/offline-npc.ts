import { fnv1a } from '../../../../engine/rng/rng.ts';
import { tokenize } from '../vector/embedder.ts';
import type { ChatChunk, ChatModel, ChatRequest, GroundingCreature, Grounding } from './chat-model.ts';

/** Label shown to players beside replies from the scripted responder. */
export const OFFLINE_LABEL = 'offline NPC';

/** Similarity above which a retrieved creature or memory is worth mentioning. */
const CREATURE_MIN_SCORE = 0.2;
const MEMORY_MIN_SCORE = 0.2;

const GREETING = /^(hi|hello|hey|greetings|well met|good (morning|evening|day))\b/i;
// "Which creatures live here?", "what beasts are there": a question about the bestiary as a whole.
const SURVEY = /\b(which|what|any)\b.*\b(creatures?|beasts?|animals?|monsters?)\b|\b(lives?|live) here\b/i;
const PROBE =
  /\b(instructions?|system prompt|prompt|rules|persona|ignore (all |your |previous )|repeat (after|your|everything)|who made you|are you an? (ai|bot|llm))\b/i;

/**
 * The embedded default NPC: no language model, a scripted responder that composes its reply from the
 * same retrieval the LLM would get (this player's memories, relevant bestiary entries). It never reads
 * the persona text, so it cannot echo it. Deterministic: the same question and retrieval give the same reply.
 */
export class OfflineNpcModel implements ChatModel {
  readonly id = 'offline-npc';
  readonly label = OFFLINE_LABEL;
  readonly offline = true;

  async *chat(req: ChatRequest): AsyncGenerator<ChatChunk> {
    const reply = composeReply(req.grounding);
    // Stream a few words at a time so clients exercise the same path as with a real model.
    const pieces = reply.match(/\S+\s*/g) ?? [];
    for (let i = 0; i < pieces.length; i += 3) {
      if (req.signal?.aborted) throw new Error('aborted');
      yield { text: pieces.slice(i, i + 3).join(''), done: false };
    }
    yield { text: '', done: true, usage: { promptTokens: 0, replyTokens: 0 } };
  }
}

/** The scripted reply for a turn (exported for tests and previews). */
export function composeReply(g: Grounding): string {
  const pick = <T>(options: readonly T[], salt: string): T =>
    options[fnv1a(`${g.playerName}|${g.userText}|${salt}`) % options.length];
  const text = g.userText;
  if (PROBE.test(text)) {
    return pick(
      [
        `How I came to know what I know is my own affair, ${g.playerName}. Ask me of the beasts instead.`,
        `Some things a keeper of lore does not recite, ${g.playerName}. What creature troubles you?`,
      ],
      'probe',
    );
  }
  const sentences: string[] = [];
  const asked = new Set(tokenize(text));
  const named = g.creatures.find((c) => tokenize(c.name).some((w) => asked.has(w)));
  const creature = named ?? g.creatures.find((c) => c.score >= CREATURE_MIN_SCORE);
  if (GREETING.test(text))
    sentences.push(pick([`Well met, ${g.playerName}.`, `Greetings, ${g.playerName}.`], 'hi'));
  if (!named && SURVEY.test(text) && g.creatures.length > 0) {
    const names = [...new Set(g.creatures.map((c) => c.name))];
    sentences.push(
      `In these lands I have catalogued the ${names.slice(0, -1).join(', ')}${names.length > 1 ? ' and the ' : ''}${names[names.length - 1]}. Ask me of one.`,
    );
  } else if (creature) sentences.push(describeCreature(creature, pick([0, 1, 2], 'creature')));
  const memory = g.memories.find((m) => m.score >= MEMORY_MIN_SCORE && m.said !== text);
  if (memory) {
    sentences.push(
      pick(
        [`You told me once: "${memory.said}" I have not forgotten.`, `I recall you saying: "${memory.said}"`],
        'memory',
      ),
    );
  }
  if (sentences.length === 0 || (sentences.length === 1 && GREETING.test(text) && !creature && !memory)) {
    sentences.push(
      pick(
        [
          `I have no tale of that yet. Ask me about the beasts of these lands, ${g.playerName}.`,
          `That is beyond my lore. The creatures of the wilds, though: those I know.`,
          `Hm. Tell me more, ${g.playerName}, or ask me of a creature you have met.`,
        ],
        'none',
      ),
    );
  }
  return sentences.join(' ');
}

function describeCreature(c: GroundingCreature, variant: number): string {
  const name = c.name.charAt(0).toUpperCase() + c.name.slice(1);
  const desc = c.description.trim().replace(/([^.!?])$/, '$1.');
  const traits = c.traits ? ` Look for ${c.traits}.` : '';
  switch (variant) {
    case 0:
      return `The ${c.name}? ${desc} It is ${article(c.temperament)} ${c.temperament} ${c.diet}.${traits}`;
    case 1:
      return `${name}: ${desc} A ${c.diet}, and ${c.temperament} by nature.${traits}`;
    default:
      return `Ah, the ${c.name}. ${desc} Expect it to be ${c.temperament}; it lives as ${article(c.diet)} ${c.diet}.${traits}`;
  }
}

function article(word: string): string {
  return /^[aeiou]/i.test(word) ? 'an' : 'a';
}
