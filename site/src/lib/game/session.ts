import { GameClient } from '../../../../engine/net/game-client.ts';
import type { GameClientOptions, SocketLike } from '../../../../engine/net/game-client.ts';
import type { NetEvent } from '../../../../engine/net/events.ts';
import type { SnapshotView } from '../../../../engine/net/snapshot.ts';
import type { SeenEntity } from '../../../../engine/net/snapshot.ts';
import { interpolationDelayTicks, InterpolationBuffer, TickClock } from './interpolation.ts';
import type { Pos } from './interpolation.ts';
import { describeReply, Scrollback } from './log.ts';
import { Predictor } from './prediction.ts';

// The browser's game session: connects with the character's token (and reconnects with backoff, resuming
// the same character), feeds the tick clock, the interpolation buffer and the prediction from snapshots,
// and turns events and private replies into what the HUD shows. The page draws from it every animation
// frame and sends intents through `client`.

/** A cone telegraph on the ground until its attack resolves. */
export interface Telegraph {
  entity: number;
  x: number;
  y: number;
  facing: number;
  angleDeg: number;
  radiusM: number;
  startTick: number;
  resolveTick: number;
}

/** A floating number or word above an entity, shown from its tick for about a second. */
export interface Floater {
  entity: number;
  /** Where the entity was when it happened (used once it is out of view). */
  x: number;
  y: number;
  tick: number;
  text: string;
  tone: 'damage' | 'hurt' | 'heal' | 'info';
}

/** A creature in the player's roster, as capture and breed replies list it. */
export interface RosterEntry {
  id: number;
  species: string;
  name: string;
  generation: number;
  traits: Record<string, number>;
}

/** What the server said about an entity (inspect reply). */
export interface Inspection {
  species?: string;
  description?: string;
  hp?: number;
  maxHp?: number;
  traits?: Record<string, number>;
  [extra: string]: unknown;
}

/** Connection state shown to the player. */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

/** Where the session keeps its token between page loads (sessionStorage on the page). */
export interface TokenStore {
  load(): string;
  save(token: string): void;
  clear(): void;
}

/** Timers (injectable for tests). */
export interface Timers {
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
  setInterval(fn: () => void, ms: number): unknown;
  clearInterval(handle: unknown): void;
}

/** Options of a session. */
export interface SessionOptions {
  /** ws(s)://host/path of the game server. */
  wsUrl: string;
  tokens: TokenStore;
  /** A token for a new character (the created character's guest login), or '' for an anonymous guest. */
  newToken(): Promise<string>;
  /** How the player is called when the server does not say (the created character's name, or "Guest"). */
  selfName?: string;
  /** Opens a connection (default: GameClient.connect over the browser's WebSocket). */
  connect?(o: Omit<GameClientOptions, 'socket'>): Promise<GameClient>;
  now?(): number;
  timers?: Timers;
  /** Reconnect delays: base × 2^attempt up to max (ms; default 500 and 10,000). */
  backoff?: { baseMs: number; maxMs: number };
  /** Ping period (ms, default 2,000). */
  pingMs?: number;
}

const NPC_NAME = 'Archivist';
const INSPECT_TTL_MS = 3000;
const INSPECT_GAP_MS = 200;
const BAD_TOKEN = /bad or foreign session token/;

const browserConnect = (o: Omit<GameClientOptions, 'socket'>): Promise<GameClient> =>
  GameClient.connect({ ...o, socket: (u) => new WebSocket(u) as unknown as SocketLike });

const defaultTimers: Timers = {
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
  setInterval: (fn, ms) => setInterval(fn, ms),
  clearInterval: (h) => clearInterval(h as ReturnType<typeof setInterval>),
};

/** The game as the browser sees it. */
export class GameSession {
  client: GameClient | null = null;
  link: LinkState = 'connecting';
  /** Why the last connection attempt failed (shown while reconnecting). */
  linkError = '';
  readonly interp = new InterpolationBuffer();
  clock: TickClock | null = null;
  predictor: Predictor | null = null;
  telegraphs: Telegraph[] = [];
  floaters: Floater[] = [];
  readonly chat = new Scrollback(200);
  readonly consoleLog = new Scrollback(300);
  roster: RosterEntry[] = [];
  preview: Record<string, unknown> | null = null;
  /** The last capture/breed/preview outcome, for the creature panel. */
  creatureStatus: { text: string; ok: boolean } | null = null;
  rejection: { text: string; atMs: number } | null = null;
  rttMs = 0;
  /** Reconnect attempts since the last successful connection. */
  retries = 0;
  /** Bumped when roster, preview, inspections or creature status changed. */
  version = 0;
  private readonly inspected = new Map<number, { atMs: number; data: Inspection | null }>();
  private lastInspectMs = -Infinity;
  private attempt = 0;
  private closed = false;
  private probingRoster = false;
  private pingTimer: unknown = null;
  private retryTimer: unknown = null;
  private readonly now: () => number;
  private readonly timers: Timers;

  constructor(private readonly o: SessionOptions) {
    this.now = o.now ?? (() => performance.now());
    this.timers = o.timers ?? defaultTimers;
  }

  /** Connects: resumes the stored token's character, or starts a new one. */
  async start(): Promise<void> {
    let token = this.o.tokens.load();
    if (!token) token = await this.o.newToken().catch(() => '');
    await this.connect(token, true);
  }

  private async connect(token: string, mayRenew: boolean): Promise<void> {
    if (this.closed) return;
    const id = ++this.attempt;
    this.link = this.retries ? 'reconnecting' : 'connecting';
    let established = false;
    try {
      const c = await (this.o.connect ?? browserConnect)({
        url: this.o.wsUrl,
        token,
        listeners: {
          snapshot: (s, events) => this.onSnapshot(s, events),
          chat: (m) => this.onChat(m.from, m.text, m.final),
          rejection: (m) => (this.rejection = { text: m.detail, atMs: this.now() }),
          error: (m) => {
            if (established) this.chat.push('error', m.detail);
          },
          event: (kind, _e, data) => this.onPrivate(kind, data),
          close: () => {
            if (established && id === this.attempt) this.onClose();
          },
        },
      });
      if (this.closed || id !== this.attempt) return c.close();
      established = true;
      this.adopt(c);
    } catch (err) {
      if (this.closed || id !== this.attempt) return;
      const msg = err instanceof Error ? err.message : String(err);
      this.linkError = msg;
      if (BAD_TOKEN.test(msg) && token) {
        // A server restarted since (new secret) or a token from elsewhere: a new character, once.
        this.o.tokens.clear();
        const fresh = mayRenew ? await this.o.newToken().catch(() => '') : '';
        return this.connect(fresh === token ? '' : fresh, false);
      }
      this.scheduleReconnect();
    }
  }

  private adopt(c: GameClient): void {
    this.client = c;
    this.link = 'connected';
    this.linkError = '';
    this.retries = 0;
    this.o.tokens.save(c.token);
    const cat = c.catalog!;
    const cls = cat.classes[cat.classNames[0]];
    const zone = cat.zones[0];
    this.clock = new TickClock({ nominalHz: cat.tickRate });
    this.interp.clear();
    this.telegraphs = [];
    this.floaters = [];
    this.predictor = new Predictor({
      speedMps: cls?.moveSpeedMps ?? 5,
      stepS: 1 / cat.tickRate,
      bounds: zone && {
        x0: zone.x0,
        y0: zone.y0,
        x1: zone.x0 + zone.widthM - 0.01,
        y1: zone.y0 + zone.heightM - 0.01,
      },
    });
    this.chat.push('system', 'Connected to the Test Area. Enter: chat · ~: dev console · F6: panels.');
    // The roster lives on the server: a capture of nothing answers with it (and costs no attempt).
    this.probingRoster = true;
    c.capture(0);
    if (this.pingTimer) this.timers.clearInterval(this.pingTimer);
    c.ping();
    this.pingTimer = this.timers.setInterval(() => this.ping(), this.o.pingMs ?? 2000);
  }

  private ping(): void {
    const c = this.client;
    if (!c) return;
    const r = c.stats.rttMs;
    if (r.length) this.rttMs = r[r.length - 1];
    if (r.length > 50) r.splice(0, r.length - 50);
    c.ping();
  }

  private onClose(): void {
    if (this.closed) return;
    this.client = null;
    this.chat.push('error', 'Connection lost; reconnecting…');
    this.scheduleReconnect();
  }

  /** The delay before reconnect attempt `n` (0-based). */
  backoffMs(n: number): number {
    const b = this.o.backoff ?? { baseMs: 500, maxMs: 10_000 };
    return Math.min(b.maxMs, b.baseMs * 2 ** n);
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.link = 'reconnecting';
    if (this.pingTimer) this.timers.clearInterval(this.pingTimer);
    this.pingTimer = null;
    const delay = this.backoffMs(this.retries++);
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
    this.retryTimer = this.timers.setTimeout(() => {
      this.retryTimer = null;
      void this.connect(this.o.tokens.load(), true);
    }, delay);
  }

  private onSnapshot(s: SnapshotView, events: NetEvent[]): void {
    const c = this.client;
    if (!c?.world || !this.clock) return;
    const nowMs = this.now();
    const entities = c.world.entities;
    this.clock.observe(s.tick, nowMs);
    this.interp.push(s.tick, entities);
    const me = entities.get(c.playerId);
    if (me && this.predictor)
      this.predictor.reconcile({
        x: me.x,
        y: me.y,
        ackSeq: s.ackSeq,
        receivedMs: nowMs,
        rttMs: this.rttMs,
        nowMs,
        frozen: me.dead || Boolean(c.self?.dead),
      });
    for (const ev of events) this.onEvent(ev, s.tick, entities);
    const tick = s.tick;
    if (this.telegraphs.length) this.telegraphs = this.telegraphs.filter((t) => t.resolveTick >= tick);
    // Floaters live about a second and a half of ticks after they are shown (a delay behind).
    const horizon = tick - 2 * this.clock.hz;
    if (this.floaters.length && this.floaters[0].tick < horizon)
      this.floaters = this.floaters.filter((f) => f.tick >= horizon);
  }

  private floater(tick: number, at: SeenEntity | undefined, text: string, tone: Floater['tone']): void {
    if (!at) return;
    this.floaters.push({ entity: at.id, x: at.x, y: at.y, tick, text, tone });
    if (this.floaters.length > 80) this.floaters.shift();
  }

  private onEvent(ev: NetEvent, tick: number, entities: Map<number, SeenEntity>): void {
    const d = ev.data;
    const me = this.client?.playerId ?? 0;
    switch (ev.kind) {
      case 'telegraph':
        this.telegraphs.push({
          entity: ev.entity,
          x: Number(d.x),
          y: Number(d.y),
          facing: Number(d.facing),
          angleDeg: Number(d.angleDeg),
          radiusM: Number(d.radiusM),
          startTick: tick,
          resolveTick: Number(d.resolveTick),
        });
        return;
      case 'attack-cancelled':
      case 'death':
        this.telegraphs = this.telegraphs.filter((t) => t.entity !== ev.entity);
        if (ev.kind === 'death' && ev.entity !== me)
          this.floater(tick, entities.get(ev.entity), 'defeated', 'info');
        return;
      case 'hit':
        return this.floater(
          tick,
          entities.get(ev.entity),
          `-${Math.round(Number(d.damage))}`,
          ev.entity === me ? 'hurt' : 'damage',
        );
      case 'heal':
        return this.floater(tick, entities.get(ev.entity), `+${Math.round(Number(d.amount))}`, 'heal');
      case 'miss':
        return this.floater(tick, entities.get(Number(d.target)) ?? entities.get(ev.entity), 'miss', 'info');
      case 'immune':
        return this.floater(tick, entities.get(ev.entity), 'immune', 'info');
      case 'captured':
        return this.floater(tick, entities.get(ev.entity), 'captured!', 'info');
      case 'interrupt':
        if (ev.entity === me)
          this.rejection = {
            text: `${String(d.skill)} interrupted${d.reason === 'moved' ? ' (you moved)' : d.reason === 'damage' ? ' (hit hard)' : ''}`,
            atMs: this.now(),
          };
        return;
    }
  }

  private onChat(from: number, text: string, final: boolean): void {
    if (from === 0) this.chat.npc(NPC_NAME, text, final);
    else this.chat.push('chat', text);
  }

  private onPrivate(kind: string, data: Record<string, unknown>): void {
    if (Array.isArray(data.roster)) {
      this.roster = data.roster as RosterEntry[];
      this.version++;
    }
    switch (kind) {
      case 'inspect': {
        const id = Number(data.target);
        if (id)
          this.inspected.set(id, { atMs: this.now(), data: data.ok === false ? null : (data as Inspection) });
        this.version++;
        return;
      }
      case 'preview':
        this.preview = data;
        this.version++;
        return;
      case 'console':
        this.consoleLog.push(
          data.ok === false ? 'error' : 'console',
          `${String(data.command ?? '')} → ${describeReply(data)}`,
        );
        return;
      case 'capture':
        if (this.probingRoster) {
          this.probingRoster = false;
          if (data.ok === false && !data.success) return;
        }
      // falls through: a real capture's outcome is reported like a breeding's
      case 'breed': {
        const ok = data.ok !== false && data.success !== false && data.born !== false;
        const text = describeReply(data);
        this.creatureStatus = { text, ok };
        this.chat.push(ok ? 'system' : 'error', `${kind === 'capture' ? 'Capture' : 'Breeding'}: ${text}`);
        this.consoleLog.push(ok ? 'console' : 'error', `${kind} → ${text}`);
        this.version++;
        return;
      }
      default:
        this.consoleLog.push('console', `${kind} → ${describeReply(data)}`);
    }
  }

  /** What the server said about entity `id` (asked again when older than 3 s, at most 5 asks a second). */
  inspect(id: number): Inspection | null {
    const hit = this.inspected.get(id);
    const now = this.now();
    if (
      (!hit || now - hit.atMs > INSPECT_TTL_MS) &&
      now - this.lastInspectMs >= INSPECT_GAP_MS &&
      this.client
    ) {
      this.lastInspectMs = now;
      // Marked as asked (keeping the old answer) so that hovering does not ask every frame.
      this.inspected.set(id, { atMs: now, data: hit?.data ?? null });
      this.client.inspect(id);
    }
    return hit?.data ?? null;
  }

  /** The estimated server tick now (fractional; the latest snapshot's tick before the clock started). */
  serverTick(): number {
    const c = this.client;
    if (!c || !this.clock?.started) return c?.tick ?? 0;
    // Never behind what a snapshot already said.
    return Math.max(c.tick, this.clock.tickAt(this.now()));
  }

  /** The fractional tick to draw other entities at: about 100 ms behind the server. */
  renderTick(): number {
    if (!this.clock?.started) return this.client?.tick ?? 0;
    return this.clock.tickAt(this.now()) - interpolationDelayTicks(this.clock.hz);
  }

  /** Where to draw an entity: predicted for the player, interpolated for everything else. */
  positionOf(e: SeenEntity, renderTick: number): Pos {
    if (e.id === this.client?.playerId && this.predictor?.ready) return this.predictor.display;
    return this.interp.sample(e.id, renderTick) ?? { x: e.x, y: e.y };
  }

  /** Closes for good (the page is left). */
  close(): void {
    this.closed = true;
    this.link = 'offline';
    if (this.pingTimer) this.timers.clearInterval(this.pingTimer);
    if (this.retryTimer) this.timers.clearTimeout(this.retryTimer);
    this.client?.close();
    this.client = null;
  }
}
