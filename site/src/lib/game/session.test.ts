import { describe, expect, it } from 'vitest';
import type { GameClient, GameClientOptions } from '../../../../engine/net/game-client.ts';
import { GameSession } from './session.ts';
import type { SessionOptions, Timers } from './session.ts';

// The session's connection logic against a scripted connector: tokens, resume, renewal, backoff.

const CATALOG = {
  tickRate: 20,
  zones: [{ id: 0, x0: 0, y0: 0, widthM: 128, heightM: 128, cellM: 8, cellsX: 16, biome: 'forest' }],
  kinds: {},
  stateBits: {},
  classes: { mage: { hp: 100, mp: 100, moveSpeedMps: 5, gcdS: 0.5, skills: [] } },
  classNames: ['mage'],
  enemies: [],
  rejections: [],
  shrines: [{ x: 64, y: 64 }],
};

type Opts = Omit<GameClientOptions, 'socket'>;

function harness(script: Array<(o: Opts) => string | Error>, now?: () => number) {
  const calls: Opts[] = [];
  const sent: string[] = [];
  const clients: Array<{ listeners: Opts['listeners'] }> = [];
  const pending: Array<{ fn: () => void; ms: number }> = [];
  const timers: Timers = {
    setTimeout: (fn, ms) => pending.push({ fn, ms }),
    clearTimeout: () => {},
    setInterval: () => 0,
    clearInterval: () => {},
  };
  let stored = '';
  const renewals: string[] = [];
  const o: SessionOptions = {
    wsUrl: 'ws://test/ws',
    tokens: { load: () => stored, save: (t) => (stored = t), clear: () => (stored = '') },
    newToken: async () => {
      renewals.push('new');
      return `fresh-${renewals.length}`;
    },
    timers,
    now,
    async connect(opts) {
      calls.push(opts);
      const step = script[calls.length - 1];
      const r = step ? step(opts) : new Error('cannot connect to ws://test/ws');
      if (r instanceof Error) throw r;
      clients.push({ listeners: opts.listeners });
      return {
        token: r,
        playerId: 7,
        catalog: CATALOG,
        world: null,
        stats: { rttMs: [] },
        tick: 0,
        capture: (id: number) => sent.push(`capture ${id}`),
        ping: () => sent.push('ping'),
        inspect: (id: number) => sent.push(`inspect ${id}`),
        close: () => sent.push('close'),
      } as unknown as GameClient;
    },
  };
  return {
    session: new GameSession(o),
    calls,
    sent,
    clients,
    pending,
    renewals,
    get stored() {
      return stored;
    },
    set stored(v: string) {
      stored = v;
    },
  };
}

const flush = () => new Promise((r) => setTimeout(r, 0));

describe('GameSession connection', () => {
  it('gets a token for the new character, connects with it and keeps the welcome token for a reload', async () => {
    const h = harness([(o) => `welcome-for-${o.token}`]);
    await h.session.start();
    expect(h.calls.map((c) => c.token)).toEqual(['fresh-1']);
    expect(h.session.link).toBe('connected');
    expect(h.stored).toBe('welcome-for-fresh-1');
    // It asks for its roster (a capture of nothing) and measures the round trip.
    expect(h.sent).toEqual(['capture 0', 'ping']);
  });

  it('resumes with a stored token, and on a refused token gets a new character once', async () => {
    const h = harness([
      () => new Error('bad or foreign session token; join with an empty token for a new guest'),
      (o) => `welcome-for-${o.token}`,
    ]);
    h.stored = 'stale';
    await h.session.start();
    expect(h.calls.map((c) => c.token)).toEqual(['stale', 'fresh-1']);
    expect(h.stored).toBe('welcome-for-fresh-1');
    expect(h.session.link).toBe('connected');
  });

  it('reconnects with backoff after the link drops, resuming the same character', async () => {
    const h = harness([
      () => 'token-a',
      () => new Error('cannot connect to ws://test/ws'),
      () => new Error('cannot connect to ws://test/ws'),
      (o) => `resumed-${o.token}`,
    ]);
    h.stored = 'token-0';
    await h.session.start();
    h.clients[0].listeners!.close!(1006, '');
    expect(h.session.link).toBe('reconnecting');
    expect(h.pending.map((p) => p.ms)).toEqual([500]);
    h.pending.shift()!.fn();
    await flush();
    expect(h.pending.map((p) => p.ms)).toEqual([1000]);
    h.pending.shift()!.fn();
    await flush();
    expect(h.pending.map((p) => p.ms)).toEqual([2000]);
    h.pending.shift()!.fn();
    await flush();
    expect(h.calls.map((c) => c.token)).toEqual(['token-0', 'token-a', 'token-a', 'token-a']);
    expect(h.session.link).toBe('connected');
    expect(h.stored).toBe('resumed-token-a');
    expect(h.session.retries).toBe(0);
    expect(h.session.backoffMs(10)).toBe(10_000);
  });

  it('streams NPC replies into one chat line and files console and creature replies', async () => {
    const h = harness([() => 'token']);
    await h.session.start();
    const l = h.clients[0].listeners!;
    // The roster probe's answer fills the roster silently.
    l.event!('capture', 7, {
      ok: false,
      message: 'pick a creature to capture',
      roster: [{ id: 3, species: 'deer' }],
    });
    expect(h.session.roster).toHaveLength(1);
    expect(h.session.creatureStatus).toBeNull();
    l.chat!({ type: 'chat', from: 0, text: '[offline NPC] ', final: false });
    l.chat!({ type: 'chat', from: 0, text: 'Hello.', final: true });
    expect(h.session.chat.lines.at(-1)?.text).toBe('Archivist: [offline NPC] Hello.');
    l.event!('console', 7, { command: 'spawn grunt 1', ok: true, spawned: 1, type: 'grunt' });
    expect(h.session.consoleLog.lines.at(-1)?.text).toBe('spawn grunt 1 → spawned: 1, type: grunt');
    l.event!('capture', 7, {
      ok: true,
      success: false,
      message: 'the deer broke free (12 % chance)',
      roster: [],
    });
    expect(h.session.creatureStatus).toEqual({ text: 'the deer broke free (12 % chance)', ok: false });
    l.rejection!({ type: 'rejection', code: 3, seq: 4, detail: 'Magic Missile: range' });
    expect(h.session.rejection?.text).toBe('Magic Missile: range');
  });

  it('asks about a hovered creature at most every few seconds', async () => {
    let now = 0;
    const h = harness([() => 'token'], () => now);
    await h.session.start();
    h.sent.length = 0;
    h.session.inspect(42);
    now = 50;
    h.session.inspect(42);
    now = 1000;
    h.session.inspect(42);
    now = 3500;
    h.session.inspect(42);
    expect(h.sent).toEqual(['inspect 42', 'inspect 42']);
  });
});
