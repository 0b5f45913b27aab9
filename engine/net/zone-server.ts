import { randomBytes } from 'node:crypto';
import type { CombatContent } from '../combat/content.ts';
import { FSM, REJECT } from '../combat/combat-system.ts';
import { percentile } from '../world/scheduler.ts';
import { zoneAt } from '../world/system.ts';
import type { SimEvent, SimInput } from '../world/system.ts';
import type { World } from '../world/world.ts';
import { buildGrid } from '../zone/grid.ts';
import { ENTITY_KIND, FLAG } from '../zone/layout.ts';
import type { ZoneViews } from '../zone/zone.ts';
import { encodeEvent } from './events.ts';
import { fragment } from './fragment.ts';
import { TokenBucket } from './limits.ts';
import type { TokenBucketOptions } from './limits.ts';
import { decodeClient, encodeServer } from './protocol.ts';
import type { ClientMessage, ServerMessage } from './protocol.ts';
import { SelfEncoder } from './self-state.ts';
import { SessionTable } from './session.ts';
import { ClientBaselines, interestRect, STATE_BIT, ZoneSnapshots } from './snapshot.ts';
import type { CellRect, StateBits } from './snapshot.ts';

// Length of (dx, dy). Not Math.hypot: V8's hypot allocates on every call, in loops run for every agent.
const len2 = (dx: number, dy: number): number => Math.sqrt(dx * dx + dy * dy);

// The authoritative zone server. Transports (WebSocket, geckos.io) hand it connections; it decodes and
// validates every frame, turns intents into simulation inputs, steps the world at its tick rate and sends
// each client a snapshot of its area of interest, delta-encoded against what the client acknowledged.
// It never waits for a client: a slow client's snapshots are dropped when its send queue is full.

/** Error codes in `error` messages. */
export const ERROR_CODE = {
  malformed: 1,
  rateLimited: 2,
  notJoined: 3,
  badToken: 4,
  unavailable: 5,
  server: 6,
  replaced: 7,
  quota: 8,
} as const;

/** A transport's connection as the server sees it; the protocol does not know which transport it is. */
export interface Connection {
  /** Sends a message that must arrive (welcome, chat, rejections…). */
  send(bytes: Uint8Array): void;
  /** Sends a snapshot; a transport may send it unreliably (geckos splits what exceeds its datagram size). */
  sendSnapshot(bytes: Uint8Array): void;
  /** Bytes queued and not yet sent (the server drops snapshots past `maxQueuedBytes`). */
  readonly bufferedBytes: number;
  /** True while the transport cannot take a snapshot at all (a gateway that fell behind): it is dropped. */
  readonly congested?: boolean;
  /** Closes the connection with a reason. */
  close(code: number, reason: string): void;
  /** Where it comes from (logs). */
  readonly remote: string;
}

/** What a transport gets back for a connection: feed it frames and tell it when the socket closed. */
export interface ConnectionHandle {
  onFrame(bytes: Uint8Array): void;
  onClose(): void;
}

/** The player a hook runs for. */
export interface HookPlayer {
  /** The character's entity id. */
  entity: number;
  character: number;
  name: string;
  zone: number;
}

/** Game features that live above the engine (the NPC, capture and breeding), plugged in by the site. */
export interface ZoneServerHooks {
  /**
   * `/llm <text>`: talk to the NPC. Call `reply(chunk, final)` as the answer streams; the server relays it
   * as chat from the NPC.
   */
  npc?(player: HookPlayer, text: string, reply: (chunk: string, final: boolean) => void): void;
  /** A capture intent on a creature; the result is sent to the player as a private `capture` event. */
  capture?(player: HookPlayer, target: number, world: World): Promise<Record<string, unknown>>;
  /** A breed intent on two roster entries; the result is sent as a private `breed` event. */
  breed?(player: HookPlayer, rosterA: number, rosterB: number): Promise<Record<string, unknown>>;
  /** The offspring preview of two roster entries (a private `preview` event). */
  preview?(player: HookPlayer, rosterA: number, rosterB: number): Promise<Record<string, unknown>>;
  /** What a player may know of an entity it points at (a private `inspect` event: species, traits…). */
  inspect?(player: HookPlayer, target: number, world: World): Promise<Record<string, unknown>>;
}

/** Counters and timings a server exposes (to `/metrics`, the load command, tests). */
export interface ZoneServerStats {
  tick: number;
  clients: number;
  bytesOut: number;
  snapshotsSent: number;
  snapshotsDropped: number;
  framesIn: number;
  malformed: number;
  rateLimited: number;
  /** Bytes waiting in clients' send queues after the last tick's sends. */
  queuedBytes: number;
  tickMs: Percentiles;
  /** The tick's parts: the world step, building every snapshot, handing them to the sockets. */
  phaseMs: { step: Percentiles; encode: Percentiles; send: Percentiles };
}

/** p50, p95, p99 and max of a window of samples (percentile's nearest rank). */
export function percentiles(xs: readonly number[]): Percentiles {
  const sorted = Float64Array.from(xs).sort();
  return {
    p50: percentile(sorted, 50),
    p95: percentile(sorted, 95),
    p99: percentile(sorted, 99),
    max: sorted[sorted.length - 1] ?? 0,
  };
}

/** Milliseconds percentiles. */
export interface Percentiles {
  p50: number;
  p95: number;
  p99: number;
  max: number;
}

/** Options of a zone server. */
export interface ZoneServerOptions {
  world: World;
  /** The resolved combat content (the HUD's maxima and skill bar come from it). */
  content: CombatContent;
  /** HMAC secret for guest tokens (default: random per process, so tokens die with the process). */
  secret?: string;
  /** Half-width of a client's area of interest in metres (default 32). */
  interestM?: number;
  /** Snapshots are dropped for a client with more than this many bytes queued (default 128 KiB). */
  maxQueuedBytes?: number;
  /** Per-connection rate limit (default 60 messages/s, bursts of 120). */
  rate?: TokenBucketOptions;
  /** A disconnected character waits this long for a reconnect (default 30 s). */
  resumeMs?: number;
  /** Extra catalog entries for clients (species names, the NPC's name…). */
  catalog?: Record<string, unknown>;
  hooks?: ZoneServerHooks;
  /** Milliseconds clock (default `performance.now`); the simulation never reads it. */
  now?: () => number;
  /** Called after every tick with its duration (metrics). */
  onTick?(ms: number, stats: ZoneServerStats): void;
  /** The first guest character number (default 1); a server that restarts should not reuse numbers. */
  firstCharacter?: number;
  /** Chat ("say") reaches players within this many metres (default 40). */
  chatRangeM?: number;
  /** Allow the dev console (default true: the Test Area is a dev zone). */
  console?: boolean;
  /** Logs. */
  log?(line: string): void;
}

/** What clients learn on join (the welcome's catalog, JSON). */
export interface GameCatalog {
  tickRate: number;
  zones: Array<{
    id: number;
    x0: number;
    y0: number;
    widthM: number;
    heightM: number;
    cellM: number;
    cellsX: number;
    biome: string;
  }>;
  kinds: Record<string, number>;
  stateBits: Record<string, number>;
  classes: Record<
    string,
    {
      hp: number;
      mp: number;
      moveSpeedMps: number;
      gcdS: number;
      skills: Array<{
        slot: number;
        name: string;
        effect: string;
        castS: number;
        cooldownS: number;
        costMp: number;
        rangeM: number;
      }>;
    }
  >;
  classNames: string[];
  enemies: Array<{ type: number; name: string; hp: number }>;
  rejections: readonly string[];
  shrines: Array<{ x: number; y: number }>;
  [extra: string]: unknown;
}

interface Client {
  conn: Connection;
  bucket: TokenBucket;
  joined: boolean;
  character: number;
  name: string;
  entity: number;
  baselines: ClientBaselines;
  move: { dirX: number; dirY: number; seq: number; sent: boolean };
  goal: { x: number; y: number } | null;
  lastSeq: number;
  castsThisTick: number;
  badFrames: number;
  lastLimitNoticeMs: number;
  closed: boolean;
  /** The private block last sent (reused when unchanged). */
  lastSelf: Uint8Array | undefined;
  /** A datagram channel (geckos.io) carrying this client's snapshots, when bound. */
  datagram: ((d: Uint8Array) => void) | null;
}

interface Character {
  character: number;
  name: string;
  cls: string;
  entity: number;
  client: Client | null;
  disconnectedMs: number;
}

const CASTS_PER_TICK = 2;
// Entity locations pack (zone, index) into one number.
const ZONE_STRIDE = 0x1000000;
const MAX_BAD_FRAMES = 50;
const npcName = 'Archivist';

/** The authoritative zone server over a World. */
export class ZoneServer {
  readonly world: World;
  private readonly content: CombatContent;
  private readonly sessions: SessionTable;
  private readonly clients = new Set<Client>();
  private readonly characters = new Map<number, Character>();
  private readonly pendingJoins: Array<{ client: Client; ch: Character; resumed: boolean }> = [];
  private readonly zoneSnaps: ZoneSnapshots[];
  private readonly now: () => number;
  private readonly times: number[] = [];
  private nextCharacter = 1;
  private loopHz: number;
  private timer: ReturnType<typeof setTimeout> | null = null;
  private running = false;
  private stepping: Promise<void> | null = null;
  private readonly catalogJson: string;
  readonly stats: ZoneServerStats = {
    tick: 0,
    clients: 0,
    bytesOut: 0,
    snapshotsSent: 0,
    snapshotsDropped: 0,
    framesIn: 0,
    malformed: 0,
    rateLimited: 0,
    queuedBytes: 0,
    tickMs: { p50: 0, p95: 0, p99: 0, max: 0 },
    phaseMs: {
      step: { p50: 0, p95: 0, p99: 0, max: 0 },
      encode: { p50: 0, p95: 0, p99: 0, max: 0 },
      send: { p50: 0, p95: 0, p99: 0, max: 0 },
    },
  };

  constructor(private readonly o: ZoneServerOptions) {
    this.world = o.world;
    this.content = o.content;
    this.sessions = new SessionTable(o.secret ?? randomBytes(32).toString('hex'), o.resumeMs ?? 30_000);
    this.zoneSnaps = o.world.zones.map((z) => new ZoneSnapshots(z.geometry.id));
    this.now = o.now ?? (() => performance.now());
    this.catalogJson = JSON.stringify(this.catalog());
    this.loopHz = o.world.config.tickRate;
    this.nextCharacter = o.firstCharacter ?? 1;
  }

  /** The catalog clients get in their welcome. */
  catalog(): GameCatalog {
    const c = this.content;
    const skillNames = Object.keys(c.skills);
    return {
      tickRate: this.world.config.tickRate,
      zones: this.world.zones.map((z) => {
        const g = z.geometry;
        return {
          id: g.id,
          x0: g.x0,
          y0: g.y0,
          widthM: g.widthM,
          heightM: g.heightM,
          cellM: g.cellM,
          cellsX: g.cellsX,
          biome: g.biome,
        };
      }),
      kinds: { ...ENTITY_KIND },
      stateBits: { ...STATE_BIT },
      classNames: Object.keys(c.classes),
      classes: Object.fromEntries(
        Object.entries(c.classes).map(([name, d]) => [
          name,
          {
            hp: d.hp,
            mp: d.mp,
            moveSpeedMps: d.moveSpeedMps,
            gcdS: d.gcdS,
            skills: d.skills.map((s, k) => {
              const sk = c.skills[s];
              return {
                slot: k + 1,
                name: sk?.name ?? s,
                effect: sk?.effect ?? 'melee',
                castS: sk?.castS ?? 0,
                cooldownS: sk?.cooldownS ?? 0,
                costMp: sk?.costMp ?? 0,
                rangeM: sk?.rangeM ?? 0,
              };
            }),
          },
        ]),
      ),
      enemies: Object.entries(c.enemies).map(([name, d], type) => ({ type, name, hp: d.hp })),
      rejections: REJECT,
      shrines: c.shrines,
      skillNames,
      npc: { name: npcName, available: Boolean(this.o.hooks?.npc) },
      ...(this.o.catalog ?? {}),
    };
  }

  /** A transport accepted a connection: the server owns it from here. */
  accept(conn: Connection): ConnectionHandle {
    const client: Client = {
      conn,
      bucket: new TokenBucket(this.o.rate ?? { ratePerS: 60, burst: 120 }, this.now()),
      joined: false,
      character: 0,
      name: '',
      entity: 0,
      baselines: new ClientBaselines(),
      move: { dirX: 0, dirY: 0, seq: 0, sent: true },
      goal: null,
      lastSeq: 0,
      castsThisTick: 0,
      badFrames: 0,
      lastLimitNoticeMs: -Infinity,
      closed: false,
      lastSelf: undefined,
      datagram: null,
    };
    this.clients.add(client);
    this.stats.clients = this.clients.size;
    return {
      onFrame: (bytes) => {
        try {
          this.onFrame(client, bytes);
        } catch (err) {
          // A bug handling one client's frame must not take the server down.
          this.o.log?.(`zone-server: error handling a frame from ${conn.remote}: ${String(err)}`);
          this.sendTo(client, {
            type: 'error',
            code: ERROR_CODE.server,
            detail: 'server error handling that message',
          });
        }
      },
      onClose: () => this.onClose(client),
    };
  }

  private sendTo(client: Client, m: ServerMessage): void {
    if (client.closed) return;
    const b = encodeServer(m);
    this.stats.bytesOut += b.length;
    client.conn.send(b);
  }

  private onFrame(client: Client, bytes: Uint8Array): void {
    if (client.closed) return;
    this.stats.framesIn++;
    const now = this.now();
    if (!client.bucket.take(now)) {
      this.stats.rateLimited++;
      if (now - client.lastLimitNoticeMs >= 1000) {
        client.lastLimitNoticeMs = now;
        this.sendTo(client, {
          type: 'error',
          code: ERROR_CODE.rateLimited,
          detail: 'too many messages: slow down',
        });
      }
      return;
    }
    const d = decodeClient(bytes);
    if (!d.ok) {
      this.stats.malformed++;
      this.sendTo(client, { type: 'error', code: ERROR_CODE.malformed, detail: `${d.code}: ${d.detail}` });
      if (++client.badFrames >= MAX_BAD_FRAMES) this.drop(client, 1008, 'too many malformed frames');
      return;
    }
    client.badFrames = 0;
    this.onMessage(client, d.msg);
  }

  private onMessage(client: Client, m: ClientMessage): void {
    if (m.type === 'ping')
      return this.sendTo(client, { type: 'pong', clientTime: m.clientTime, serverTick: this.world.tick });
    if (m.type === 'join') return this.join(client, m.token);
    if (!client.joined || !client.entity)
      return this.sendTo(client, { type: 'error', code: ERROR_CODE.notJoined, detail: 'send join first' });
    const zone = this.zoneOfEntity(client.entity);
    if (zone < 0) return;
    const input = (kind: string, fields: Record<string, unknown> = {}): void =>
      this.world.queueInput(zone, { kind, entity: client.entity, ...fields });
    switch (m.type) {
      case 'move': {
        client.goal = null;
        client.move = { dirX: m.dirX, dirY: m.dirY, seq: m.seq, sent: false };
        return;
      }
      case 'moveTo':
        client.goal = { x: m.x, y: m.y };
        client.lastSeq = m.seq;
        return;
      case 'cast':
        if (client.castsThisTick++ >= CASTS_PER_TICK) {
          this.stats.rateLimited++;
          return this.sendTo(client, {
            type: 'rejection',
            code: 255,
            seq: m.seq,
            detail: 'too many casts in one tick',
          });
        }
        return input('cast', { slot: m.slot, target: m.target, aimX: m.aimX, aimY: m.aimY, seq: m.seq });
      case 'target':
        return input('target', { target: m.target });
      case 'console':
        return this.consoleCommand(client, m.command, input);
      case 'ack':
        client.baselines.ack(m.tick);
        return;
      case 'chat':
        return this.chat(client, m.text);
      case 'capture':
        return this.runHook(client, 'capture', (p) => this.o.hooks?.capture?.(p, m.target, this.world));
      case 'breed':
        return this.runHook(client, 'breed', (p) => this.o.hooks?.breed?.(p, m.rosterA, m.rosterB));
      case 'preview':
        return this.runHook(client, 'preview', (p) => this.o.hooks?.preview?.(p, m.rosterA, m.rosterB));
      case 'inspect':
        return this.runHook(client, 'inspect', (p) => this.o.hooks?.inspect?.(p, m.target, this.world));
    }
  }

  // Console commands the server itself owns (the loop's rate, hooks); the rest go to the combat system.
  private consoleCommand(
    client: Client,
    command: string,
    input: (kind: string, f?: Record<string, unknown>) => void,
  ): void {
    const reply = (data: Record<string, unknown>): void =>
      this.sendTo(client, {
        type: 'event',
        kind: 'console',
        entity: client.entity,
        json: JSON.stringify({ command, ...data }),
      });
    if (this.o.console === false)
      return reply({ ok: false, message: 'the dev console is off on this server' });
    const [verb, ...args] = command.trim().split(/\s+/);
    if (verb === 'tick-rate') {
      const hz = Number(args[0]);
      if (!(hz >= 1 && hz <= 60)) return reply({ ok: false, message: 'usage: tick-rate <hz> (1…60)' });
      this.loopHz = hz;
      return reply({
        ok: true,
        message: `loop at ${hz} Hz (the simulation step stays ${this.world.config.tickRate} Hz)`,
      });
    }
    if (verb === 'capture') {
      const target = Number(args[0] ?? 0);
      return this.runHook(client, 'capture', (p) => this.o.hooks?.capture?.(p, target, this.world));
    }
    if (verb === 'breed') {
      const [a, b] = args.map(Number);
      if (!(a >= 0 && b >= 0)) return reply({ ok: false, message: 'usage: breed <rosterA> <rosterB>' });
      return this.runHook(client, 'breed', (p) => this.o.hooks?.breed?.(p, a, b));
    }
    input('console', { command });
  }

  private player(client: Client): HookPlayer {
    return {
      entity: client.entity,
      character: client.character,
      name: client.name,
      zone: this.zoneOfEntity(client.entity),
    };
  }

  private runHook(
    client: Client,
    kind: string,
    run: (p: HookPlayer) => Promise<Record<string, unknown>> | undefined,
  ): void {
    const p = run(this.player(client));
    if (!p)
      return this.sendTo(client, {
        type: 'event',
        kind,
        entity: client.entity,
        json: JSON.stringify({ ok: false, message: `${kind} is not available in this world` }),
      });
    p.then(
      (r) => this.sendTo(client, { type: 'event', kind, entity: client.entity, json: JSON.stringify(r) }),
      (err: unknown) =>
        this.sendTo(client, {
          type: 'event',
          kind,
          entity: client.entity,
          json: JSON.stringify({ ok: false, message: err instanceof Error ? err.message : String(err) }),
        }),
    );
  }

  private chat(client: Client, raw: string): void {
    const text = raw.replace(/\p{Cc}/gu, ' ').trim();
    if (!text) return;
    if (text === '/llm' || text.startsWith('/llm ')) {
      const ask = text.slice(4).trim();
      if (!this.o.hooks?.npc)
        return this.sendTo(client, { type: 'chat', from: 0, text: `${npcName} is not here.`, final: true });
      if (!ask)
        return this.sendTo(client, {
          type: 'chat',
          from: 0,
          text: 'Usage: /llm <what you want to say>',
          final: true,
        });
      this.o.hooks.npc(this.player(client), ask, (chunk, final) =>
        this.sendTo(client, { type: 'chat', from: 0, text: chunk, final }),
      );
      return;
    }
    // "Say" is local, as in most MMOs: players within chat range hear it (zone-wide chat to a thousand
    // players would cost a thousand sends per line).
    const me = this.locate(client.entity);
    if (me < 0) return;
    const zone = Math.floor(me / ZONE_STRIDE);
    const z = this.world.zones[zone];
    const x = z.f32('x')[me % ZONE_STRIDE];
    const y = z.f32('y')[me % ZONE_STRIDE];
    const range = this.o.chatRangeM ?? 40;
    const frame = encodeServer({
      type: 'chat',
      from: client.entity,
      text: `${client.name}: ${text}`,
      final: true,
    });
    for (const other of this.clients) {
      if (!other.joined || other.closed) continue;
      const at = this.locate(other.entity);
      if (at < 0 || Math.floor(at / ZONE_STRIDE) !== zone) continue;
      const i = at % ZONE_STRIDE;
      if (len2(z.f32('x')[i] - x, z.f32('y')[i] - y) > range) continue;
      this.stats.bytesOut += frame.length;
      other.conn.send(frame);
    }
  }

  private join(client: Client, token: string): void {
    if (client.joined)
      return this.sendTo(client, { type: 'error', code: ERROR_CODE.malformed, detail: 'already joined' });
    const now = this.now();
    let ch: Character | undefined;
    let resumed = false;
    if (token) {
      const claims = this.sessions.verify(token);
      if (!claims)
        return this.sendTo(client, {
          type: 'error',
          code: ERROR_CODE.badToken,
          detail: 'bad or foreign session token; join with an empty token for a new guest',
        });
      ch = this.characters.get(claims.character);
      if (ch?.client) {
        // The same character from a new connection (a reload): the new one takes over.
        const old = ch.client;
        this.sendTo(old, {
          type: 'error',
          code: ERROR_CODE.replaced,
          detail: 'this character connected from elsewhere',
        });
        this.detach(old);
        old.closed = true;
        old.conn.close(4000, 'replaced');
        resumed = ch.entity !== 0;
      } else if (ch) {
        resumed = this.sessions.resume(token, now).ok && ch.entity !== 0;
        if (!resumed) ch.entity = 0;
      } else {
        ch = {
          character: claims.character,
          name: claims.name ?? `Guest ${claims.character}`,
          cls: claims.cls ?? 'mage',
          entity: 0,
          client: null,
          disconnectedMs: 0,
        };
        this.characters.set(ch.character, ch);
        this.nextCharacter = Math.max(this.nextCharacter, ch.character + 1);
      }
    } else {
      const character = this.nextCharacter++;
      ch = { character, name: `Guest ${character}`, cls: 'mage', entity: 0, client: null, disconnectedMs: 0 };
      this.characters.set(character, ch);
    }
    client.joined = true;
    client.character = ch.character;
    client.name = ch.name;
    ch.client = client;
    if (resumed) {
      client.entity = ch.entity;
      this.welcome(client, ch, true);
      return;
    }
    const spawn = this.content.shrines[0] ?? { x: 0, y: 0 };
    this.world.queueInput(zoneAt(this.world.config.geometry, spawn.x, spawn.y), {
      kind: 'join',
      entity: 0,
      owner: ch.character,
      classId: ch.cls,
    });
    this.pendingJoins.push({ client, ch, resumed: false });
  }

  /** Issues a token for a named guest character (the character-creation page's login). */
  issueGuest(o: { name: string; cls?: string }): { token: string; character: number } {
    const character = this.nextCharacter++;
    const name =
      o.name
        .replace(/\p{Cc}/gu, '')
        .trim()
        .slice(0, 24) || `Guest ${character}`;
    const cls = o.cls && o.cls in this.content.classes ? o.cls : 'mage';
    this.characters.set(character, { character, name, cls, entity: 0, client: null, disconnectedMs: 0 });
    return { token: this.sessions.issue(character, Date.now(), { name, cls }), character };
  }

  private welcome(client: Client, ch: Character, resumed: boolean): void {
    client.baselines.reset();
    this.sendTo(client, {
      type: 'welcome',
      playerId: ch.entity,
      token: this.sessions.issue(ch.character, Date.now(), { name: ch.name, cls: ch.cls }),
      tickRate: this.world.config.tickRate,
      zone: this.zoneOfEntity(ch.entity),
      resumed,
      catalog: this.catalogJson,
    });
  }

  private detach(client: Client): void {
    this.clients.delete(client);
    this.stats.clients = this.clients.size;
    const ch = this.characters.get(client.character);
    if (ch && ch.client === client) {
      ch.client = null;
      ch.disconnectedMs = this.now();
      this.sessions.disconnected(ch.character, ch.disconnectedMs);
      if (ch.entity) {
        const zone = this.zoneOfEntity(ch.entity);
        // The character stops where it is and waits for a reconnect.
        if (zone >= 0) this.world.queueInput(zone, { kind: 'move', entity: ch.entity, dirX: 0, dirY: 0 });
      }
    }
  }

  private drop(client: Client, code: number, reason: string): void {
    if (client.closed) return;
    this.detach(client);
    client.closed = true;
    client.conn.close(code, reason);
  }

  private onClose(client: Client): void {
    if (client.closed) return;
    client.closed = true;
    this.detach(client);
  }

  // Entity id → (zone, index), rebuilt once per tick for the zones that have players.
  private index = new Map<number, number>();
  private indexTick = -1;

  private locate(id: number): number {
    if (this.indexTick !== this.world.tick) {
      this.index.clear();
      for (const z of this.world.zones) {
        const ids = z.u32('id');
        const zid = z.geometry.id;
        for (let i = 0, n = z.count; i < n; i++) this.index.set(ids[i], zid * ZONE_STRIDE + i);
      }
      this.indexTick = this.world.tick;
    }
    return this.index.get(id) ?? -1;
  }

  private zoneOfEntity(id: number): number {
    const at = this.locate(id);
    return at < 0 ? -1 : Math.floor(at / ZONE_STRIDE);
  }

  private stateBits(): StateBits {
    return (z: ZoneViews) => {
      const flags = z.u8('flags');
      const kind = z.u8('kind');
      const names = new Set(z.fieldList.map((f) => f.name));
      const fsm = names.has('fsm') ? z.u8('fsm') : null;
      const cast = names.has('cast') ? z.u8('cast') : null;
      const hostility = names.has('hostility') ? z.f32('hostility') : null;
      return (i) =>
        (flags[i] & FLAG.dead ? STATE_BIT.dead : 0) |
        (fsm && kind[i] === ENTITY_KIND.enemy && fsm[i] === FSM.windup ? STATE_BIT.windup : 0) |
        (cast && kind[i] === ENTITY_KIND.player && cast[i] ? STATE_BIT.casting : 0) |
        (kind[i] === ENTITY_KIND.enemy || (hostility && kind[i] === ENTITY_KIND.creature && hostility[i] > 0)
          ? STATE_BIT.hostile
          : 0);
    };
  }

  /** Steps the world one tick and sends every client its snapshot. */
  async tickOnce(): Promise<void> {
    const t0 = this.now();
    this.queueMoves();
    const report = await this.world.step();
    const t1 = this.now();
    this.expireCharacters();
    this.finishJoins();
    const out = this.broadcast(report.events);
    const t2 = this.now();
    for (const [c, snap] of out)
      if (c.datagram) for (const d of fragment(snap, this.fragmentId++ & 0xffff)) c.datagram(d);
      else c.conn.sendSnapshot(snap);
    for (const f of this.sendPhaseEnd) f();
    const t3 = this.now();
    let queued = 0;
    for (const c of this.clients) queued += c.conn.bufferedBytes;
    this.stats.queuedBytes = queued;
    const ms = t3 - t0;
    this.times.push(ms);
    this.phases.step.push(t1 - t0);
    this.phases.encode.push(t2 - t1);
    this.phases.send.push(t3 - t2);
    if (this.times.length > 2000) {
      this.times.splice(0, 1000);
      for (const p of Object.values(this.phases)) p.splice(0, 1000);
    }
    this.stats.tick = this.world.tick;
    // Percentiles once a second (sorting 2,000 samples every tick is not free).
    if (this.world.tick % 20 === 0 || this.times.length < 20) this.summarise();
    this.o.onTick?.(ms, this.stats);
  }

  private readonly phases = { step: [] as number[], encode: [] as number[], send: [] as number[] };
  private readonly sendPhaseEnd: Array<() => void> = [];

  /**
   * Calls `f` at the end of every tick's send phase, after each client's snapshot was handed to its
   * connection (a transport that batches, like the gateways, sends its batch there). Returns the unhook.
   */
  onSendPhaseEnd(f: () => void): () => void {
    this.sendPhaseEnd.push(f);
    return () => {
      const i = this.sendPhaseEnd.indexOf(f);
      if (i >= 0) this.sendPhaseEnd.splice(i, 1);
    };
  }

  private summarise(): void {
    this.stats.tickMs = percentiles(this.times);
    this.stats.phaseMs = {
      step: percentiles(this.phases.step),
      encode: percentiles(this.phases.encode),
      send: percentiles(this.phases.send),
    };
  }

  /** Up-to-date percentiles (they are otherwise refreshed once a second). */
  currentStats(): ZoneServerStats {
    this.summarise();
    return this.stats;
  }

  /** Forgets the tick-time window (a benchmark's warm-up). */
  resetTimings(): void {
    this.times.length = 0;
    for (const p of Object.values(this.phases)) p.length = 0;
  }

  private queueMoves(): void {
    for (const c of this.clients) {
      c.castsThisTick = 0;
      if (!c.joined || !c.entity) continue;
      const at = this.locate(c.entity);
      if (at < 0) continue;
      const zone = Math.floor(at / ZONE_STRIDE);
      if (c.goal) {
        const z = this.world.zones[zone];
        const i = at % ZONE_STRIDE;
        const dx = c.goal.x - z.f32('x')[i];
        const dy = c.goal.y - z.f32('y')[i];
        const d = Math.sqrt(dx * dx + dy * dy);
        if (d < 0.25) {
          c.goal = null;
          c.move = { dirX: 0, dirY: 0, seq: c.lastSeq, sent: false };
        } else c.move = { dirX: dx / d, dirY: dy / d, seq: c.lastSeq, sent: false };
      }
      if (c.move.sent) continue;
      c.move.sent = true;
      c.lastSeq = c.move.seq;
      this.world.queueInput(zone, { kind: 'move', entity: c.entity, dirX: c.move.dirX, dirY: c.move.dirY });
    }
  }

  private expireCharacters(): void {
    const now = this.now();
    const window = this.o.resumeMs ?? 30_000;
    for (const ch of this.characters.values()) {
      if (ch.client || !ch.entity || now - ch.disconnectedMs <= window) continue;
      const zone = this.zoneOfEntity(ch.entity);
      if (zone >= 0) this.world.queueInput(zone, { kind: 'leave', entity: ch.entity });
      ch.entity = 0;
    }
  }

  private finishJoins(): void {
    if (!this.pendingJoins.length) return;
    const owners = new Map<number, number>();
    for (const z of this.world.zones) {
      const kind = z.u8('kind');
      const owner = z.u32('owner');
      const ids = z.u32('id');
      for (let i = 0, n = z.count; i < n; i++)
        if (kind[i] === ENTITY_KIND.player) owners.set(owner[i], ids[i]);
    }
    for (const p of this.pendingJoins.splice(0)) {
      const id = owners.get(p.ch.character);
      if (!id) {
        this.sendTo(p.client, {
          type: 'error',
          code: ERROR_CODE.unavailable,
          detail: 'the world refused the character',
        });
        continue;
      }
      p.ch.entity = id;
      if (p.client.closed || p.ch.client !== p.client) continue;
      p.client.entity = id;
      this.welcome(p.client, p.ch, false);
    }
  }

  private broadcast(events: SimEvent[]): Array<[Client, Uint8Array]> {
    const outgoing: Array<[Client, Uint8Array]> = [];
    const interestM = this.o.interestM ?? 32;
    const bits = this.stateBits();
    const zonesWithClients = new Set<number>();
    const byEntity = new Map<number, Client>();
    for (const c of this.clients)
      if (c.joined && c.entity) {
        const zone = this.zoneOfEntity(c.entity);
        if (zone >= 0) zonesWithClients.add(zone);
        byEntity.set(c.entity, c);
      }
    // Private events go to their player as reliable messages; public ones into snapshots.
    const publicEvents = new Map<number, Array<{ bytes: Uint8Array; cell: number }>>();
    for (const e of events) {
      if (e.kind === 'cast-rejected' || e.kind === 'console' || e.kind === 'join-rejected') {
        const c = byEntity.get(e.entity);
        if (!c) continue;
        const d = e.data ?? {};
        if (e.kind === 'cast-rejected')
          this.sendTo(c, {
            type: 'rejection',
            code: REJECT.indexOf(d.reason as (typeof REJECT)[number]),
            seq: Number(d.seq ?? 0),
            detail: `${this.content.skills[String(d.skill)]?.name ?? String(d.skill)}: ${String(d.reason)}`,
          });
        else this.sendTo(c, { type: 'event', kind: e.kind, entity: e.entity, json: JSON.stringify(d) });
        continue;
      }
      if (!zonesWithClients.has(e.zone) || !e.entity || e.kind === 'joined') continue;
      let list = publicEvents.get(e.zone);
      if (!list) publicEvents.set(e.zone, (list = []));
      const at = this.locate(e.entity);
      const z = this.world.zones[e.zone];
      const cell =
        at >= 0 && Math.floor(at / ZONE_STRIDE) === e.zone
          ? z.cellAt(z.f32('x')[at % ZONE_STRIDE], z.f32('y')[at % ZONE_STRIDE])
          : -1;
      list.push({ bytes: encodeEvent(e), cell });
    }
    // Per zone, once per tick: the grid, the frame, the views each client's snapshot reads.
    const perZone = new Map<
      number,
      { z: ZoneViews; x: Float32Array; y: Float32Array; self: SelfEncoder; radius: number }
    >();
    for (const zone of zonesWithClients) {
      const z = this.world.zones[zone];
      buildGrid(z);
      this.zoneSnaps[zone].encodeTick(z, this.world.tick, bits);
      perZone.set(zone, {
        z,
        x: z.f32('x'),
        y: z.f32('y'),
        self: new SelfEncoder(z, this.content),
        radius: Math.ceil(interestM / z.geometry.cellM),
      });
    }
    const maxQueued = this.o.maxQueuedBytes ?? 128 * 1024;
    for (const c of this.clients) {
      if (!c.joined || !c.entity || c.closed) continue;
      const at = this.locate(c.entity);
      if (at < 0) continue;
      const zone = Math.floor(at / ZONE_STRIDE);
      const i = at % ZONE_STRIDE;
      const pz = perZone.get(zone)!;
      const z = pz.z;
      const rect = interestRect(z, pz.x[i], pz.y[i], pz.radius);
      const evs = publicEvents.get(zone);
      let events: Uint8Array | undefined;
      if (evs?.length) {
        // Gathered in a scratch buffer: the snapshot encoder copies them into the frame.
        let n = 0;
        for (const e of evs) {
          if (e.cell >= 0 && !inRect(e.cell, rect, z.geometry.cellsX)) continue;
          if (n + e.bytes.length > this.evScratch.length) {
            const grown = new Uint8Array(Math.max(this.evScratch.length * 2, n + e.bytes.length));
            grown.set(this.evScratch.subarray(0, n));
            this.evScratch = grown;
          }
          this.evScratch.set(e.bytes, n);
          n += e.bytes.length;
        }
        if (n) events = this.evScratch.subarray(0, n);
      }
      if (c.conn.congested || c.conn.bufferedBytes > maxQueued) {
        // The tick never waits for a slow client: this snapshot is dropped; the next one is a delta
        // against whatever it acknowledged, or full.
        this.stats.snapshotsDropped++;
        continue;
      }
      const snap = c.baselines.encode(this.zoneSnaps[zone], rect, {
        ackSeq: c.lastSeq,
        self: (c.lastSelf = pz.self.encode(i, c.lastSelf)),
        events,
      });
      this.stats.bytesOut += snap.length;
      this.stats.snapshotsSent++;
      outgoing.push([c, snap]);
    }
    return outgoing;
  }

  private fragmentId = 0;
  private evScratch = new Uint8Array(4096);

  /**
   * Routes a connected character's snapshots over a datagram channel (geckos.io's unreliable channel),
   * split into datagrams of at most 1,100 bytes; everything else stays on its connection. Returns the
   * unbind function, or an error when the token names no connected character.
   */
  bindDatagrams(
    token: string,
    send: (d: Uint8Array) => void,
  ): { ok: true; unbind(): void } | { ok: false; reason: string } {
    const claims = this.sessions.verify(token);
    if (!claims) return { ok: false, reason: 'bad token' };
    const client = this.characters.get(claims.character)?.client;
    if (!client || client.closed) return { ok: false, reason: 'join over the WebSocket first' };
    client.datagram = send;
    return {
      ok: true,
      unbind: () => {
        if (client.datagram === send) client.datagram = null;
      },
    };
  }

  /** Runs the tick loop at the world's tick rate until `stop()`. */
  start(): void {
    if (this.running) return;
    this.running = true;
    let next = this.now() + 1000 / this.loopHz;
    const loop = (): void => {
      if (!this.running) return;
      this.stepping = this.tickOnce()
        .catch((err: unknown) =>
          this.o.log?.(`zone-server: tick ${this.world.tick + 1} failed: ${String(err)}`),
        )
        .finally(() => {
          this.stepping = null;
          if (!this.running) return;
          const period = 1000 / this.loopHz;
          next += period;
          const now = this.now();
          // Far behind (a stall, a debugger): skip ahead instead of running a burst of catch-up ticks.
          if (now - next > period * 5) next = now;
          this.timer = setTimeout(loop, Math.max(0, next - now));
        });
    };
    this.timer = setTimeout(loop, 1000 / this.loopHz);
  }

  /** Stops the loop and closes every connection. */
  async stop(): Promise<void> {
    this.running = false;
    if (this.timer) clearTimeout(this.timer);
    await this.stepping;
    for (const c of [...this.clients]) this.drop(c, 1001, 'server stopping');
  }
}

function inRect(cell: number, r: CellRect, cellsX: number): boolean {
  const cx = cell % cellsX;
  const cy = Math.floor(cell / cellsX);
  return cx >= r.cx0 && cx < r.cx0 + r.w && cy >= r.cy0 && cy < r.cy0 + r.h;
}

/** The inputs type, re-exported for transports that feed bots in-process. */
export type { SimInput };
