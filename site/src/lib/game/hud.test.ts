import { describe, expect, it } from 'vitest';
import type { SelfState } from '../../../../engine/net/self-state.ts';
import type { SeenEntity } from '../../../../engine/net/snapshot.ts';
import { castTargetOf, castView, cycleTarget, isHostile, respawnInS, skillViews } from './hud.ts';
import type { CatalogSkill } from './hud.ts';
import { actionOf, defaultKeys, keyLabel, loadKeys, rebind, saveKeys } from './keys.ts';
import { describeReply, Scrollback } from './log.ts';

const SKILLS: CatalogSkill[] = [
  { slot: 1, name: 'Magic Missile', effect: 'projectile', castS: 0, cooldownS: 0.8, costMp: 8, rangeM: 14 },
  { slot: 2, name: 'Arcane Nova', effect: 'area', castS: 0.3, cooldownS: 8, costMp: 25, rangeM: 4.5 },
  { slot: 3, name: 'Heal', effect: 'heal', castS: 1.2, cooldownS: 10, costMp: 30, rangeM: 10 },
];

const self = (o: Partial<SelfState> = {}): SelfState => ({
  hp: 100,
  maxHp: 100,
  mp: 100,
  maxMp: 100,
  gcdUntil: 0,
  castSlot: 0,
  castEnd: 0,
  respawnAt: 0,
  target: 0,
  dead: false,
  god: false,
  cooldownUntil: [0, 0, 0],
  ...o,
});

const entity = (o: Partial<SeenEntity> & { id: number }): SeenEntity => ({
  kind: 3,
  type: 0,
  bits: 8,
  dead: false,
  x: 0,
  y: 0,
  hp: 50,
  ...o,
});

describe('skill bar', () => {
  it('sweeps cooldown and GCD from the ticks the server gave, and says what is castable', () => {
    // Tick 100 at 20 Hz: Nova on cooldown until 180 (4 s of 8 left), GCD until 105 (0.25 s of 0.5).
    const v = skillViews({
      skills: SKILLS,
      gcdS: 0.5,
      self: self({ mp: 28, gcdUntil: 105, cooldownUntil: [0, 180, 0] }),
      tick: 100,
      hz: 20,
    });
    expect(v[1].cdFrac).toBeCloseTo(0.5);
    expect(v[1].cdLeftS).toBeCloseTo(4);
    expect(v[0].gcdFrac).toBeCloseTo(0.5);
    expect(v.map((s) => s.ready)).toEqual([false, false, false]);
    expect(v.map((s) => s.affordable)).toEqual([true, true, false]);
    const later = skillViews({
      skills: SKILLS,
      gcdS: 0.5,
      self: self({ mp: 28, gcdUntil: 105 }),
      tick: 106,
      hz: 20,
    });
    expect(later.map((s) => s.ready)).toEqual([true, true, false]);
  });

  it('fills the cast bar over the cast time and hides it otherwise', () => {
    // Heal: 1.2 s = 24 ticks, ending at tick 124: half way at 112.
    expect(
      castView({ skills: SKILLS, self: self({ castSlot: 3, castEnd: 124 }), tick: 112, simHz: 20 }),
    ).toEqual({
      name: 'Heal',
      frac: 0.5,
    });
    expect(castView({ skills: SKILLS, self: self(), tick: 112, simHz: 20 })).toBeNull();
  });

  it('counts down to the respawn', () => {
    expect(respawnInS(self({ dead: true, respawnAt: 200 }), 150, 20)).toBe(2.5);
    expect(respawnInS(self({ dead: true, respawnAt: 200 }), 260, 20)).toBe(0);
    expect(respawnInS(self({ respawnAt: 200 }), 150, 20)).toBe(0);
  });
});

describe('targeting', () => {
  const es = [
    entity({ id: 1, x: 5, y: 0 }),
    entity({ id: 2, x: 2, y: 0 }),
    entity({ id: 3, x: 9, y: 0, dead: true }),
    entity({ id: 4, x: 1, y: 0, kind: 4, bits: 0 }),
    entity({ id: 5, x: 80, y: 0 }),
  ];
  it('cycles the nearest living hostiles, nearest first, both ways', () => {
    const next = (current: number, step: 1 | -1 = 1) =>
      cycleTarget({ entities: es, from: { x: 0, y: 0 }, current, accept: isHostile, step });
    expect(next(0)).toBe(2);
    expect(next(2)).toBe(1);
    expect(next(1)).toBe(2);
    expect(next(2, -1)).toBe(1);
    expect(next(0, -1)).toBe(1);
    expect(cycleTarget({ entities: [], from: { x: 0, y: 0 }, current: 0, accept: isHostile })).toBe(0);
  });

  it('heals a targeted ally or oneself, fires missiles at the target, needs none for an area', () => {
    const ally = entity({ id: 7, kind: 2, bits: 0 });
    const enemy = entity({ id: 8 });
    expect(castTargetOf(SKILLS[2], ally)).toBe(7);
    expect(castTargetOf(SKILLS[2], enemy)).toBe(0);
    expect(castTargetOf(SKILLS[2], undefined)).toBe(0);
    expect(castTargetOf(SKILLS[0], enemy)).toBe(8);
    expect(castTargetOf(SKILLS[1], enemy)).toBe(0);
  });
});

describe('scrollback', () => {
  it('grows the NPC’s streamed reply on one line until the final chunk, whatever is said meanwhile', () => {
    const log = new Scrollback(10);
    log.npc('Archivist', '[offline NPC] ', false);
    log.npc('Archivist', 'Deer graze ', false);
    log.push('chat', 'Tamsin: hi');
    log.npc('Archivist', 'here.', true);
    log.npc('Archivist', 'Next.', true);
    expect(log.lines.map((l) => [l.kind, l.text, Boolean(l.open)])).toEqual([
      ['npc', 'Archivist: [offline NPC] Deer graze here.', false],
      ['chat', 'Tamsin: hi', false],
      ['npc', 'Archivist: Next.', false],
    ]);
  });

  it('keeps a bounded number of lines with stable ids', () => {
    const log = new Scrollback(3);
    for (let k = 0; k < 5; k++) log.push('system', `line ${k}`);
    expect(log.lines.map((l) => l.text)).toEqual(['line 2', 'line 3', 'line 4']);
    expect(new Set(log.lines.map((l) => l.id)).size).toBe(3);
  });

  it('describes a console reply by its message or its fields', () => {
    expect(describeReply({ command: 'spawn grunt 1', ok: true, spawned: 1, type: 'grunt' })).toBe(
      'spawned: 1, type: grunt',
    );
    expect(describeReply({ command: 'respawn', ok: false, message: 'not dead' })).toBe('not dead');
    expect(describeReply({ command: 'kill', ok: true })).toBe('ok');
  });
});

describe('key bindings', () => {
  it('remaps a key, takes it from the action that had it, and saves and loads the result', () => {
    let keys = rebind(defaultKeys(), 'skill1', 'KeyQ');
    expect(actionOf(keys, 'KeyQ')).toBe('skill1');
    expect(actionOf(keys, 'Digit1')).toBeUndefined();
    keys = rebind(keys, 'skill2', 'KeyQ');
    expect(actionOf(keys, 'KeyQ')).toBe('skill2');
    // Skill 1 lost its only key: it gets its default back.
    expect(keys.skill1).toEqual(['Digit1']);
    const store = new Map<string, string>();
    const storage = {
      getItem: (k: string) => store.get(k) ?? null,
      setItem: (k: string, v: string) => store.set(k, v),
    };
    saveKeys(storage, keys);
    expect(loadKeys(storage).skill2).toEqual(['KeyQ']);
    store.set('arcane.keys', '{not json');
    expect(loadKeys(storage)).toEqual(defaultKeys());
  });

  it('labels keys as people read them', () => {
    expect(['KeyW', 'Digit1', 'Backquote', 'ArrowUp', 'Tab'].map(keyLabel)).toEqual([
      'W',
      '1',
      '~',
      '↑',
      'Tab',
    ]);
  });
});
