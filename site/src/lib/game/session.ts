import { GameClient } from '../../../../engine/net/game-client.ts';
import type { SocketLike } from '../../../../engine/net/game-client.ts';
import type { NetEvent } from '../../../../engine/net/events.ts';
import type { SeenEntity } from '../../../../engine/net/snapshot.ts';
import { InterpolationBuffer } from './interp.ts';
import type { Pos } from './interp.ts';
import { Predictor } from './predict.ts';

// The browser's game session: connects (and reconnects with its token), keeps the interpolation buffer and
// the prediction, and turns events and private replies into what the HUD shows. The page reads it every
// animation frame; it sends intents only.

/** A cone telegraph on the ground until its attack resolves. */
export interface Telegraph {
  entity: number;
  x: number;
  y: number;
  facing: number;
  angleDeg: number;
  radiusM: number;
  resolveTick: number;
}

/** A floating damage (or heal) number. */
export interface Floater {
  x: number;
  y: number;
  text: string;
  heal: boolean;
  bornMs: number;
}

/** A line in the chat or console log. */
export interface LogLine {
  text: string;
  kind: 'chat' | 'npc' | 'system' | 'console' | 'error';
  /** Streamed NPC replies grow in place until final. */
  open?: boolean;
}

/** A roster entry as the server sends it. */
export interface RosterEntry {
  id: number;
  species: string;
  name: string;
  generation: number;
  traits: Record<string, number>;
}

/** Connection state shown to the player. */
export type LinkState = 'connecting' | 'connected' | 'reconnecting' | 'offline';

const TOKEN_KEY = 'arcane.token';

/** Options of a session. */
export interface SessionOptions {
  wsUrl: string;
  /** A token from the character-creation login (resumes the character). */
  token?: string;
  storage?: Pick<Storage, 'getItem' | 'setItem' | 'removeItem'> | null;
  now?: () => number;
}

/** The game as the browser sees it. */
export class GameSession {
  client: GameClient | null = null;
  link: LinkState = 'connecting';
  readonly interp = new InterpolationBuffer();
  predictor: Predictor | null = null;
  telegraphs: Telegraph[] = [];
  floaters: Floater[] = [];
  chat: LogLine[] = [];
  consoleLog: LogLine[] = [];
  roster: RosterEntry[] = [];
  preview: Record<string, unknown> | null = null;
  inspected = new Map<number, { at: number; data: Record<string, unknown> }>();
  rejection: { text: string; at: number } | null = null;
  lastSnapshotMs = 0;
  snapshotTick = 0;
  rttMs = 0;
  /** Incremented when something the panels show changed (chat, roster…). */
  version = 0;
  private retries = 0;
  private closed = false;
  private pingTimer: ReturnType<typeof setInterval> | null = null;
  private readonly now: () => number;

  constructor(private readonly o: SessionOptions) {
    this.now = o.now ?? (() => performance.now());
  }

  /** Connects (resuming the stored character if its token is still good). */
  async start(): Promise<void> {
    const stored = this.o.storage?.getItem(TOKEN_KEY) ?? '';
    await this.connect(stored || this.o.token || '');
  }

  private async connect(token: string): Promise<void> {
    this.link = this.retries ? 'reconnecting' : 'connecting';
    try {
      const c = await GameClient.connect({
        url: this.o.wsUrl,
        socket: (u) => new WebSocket(u) as unknown as SocketLike,
        token,
        listeners: {
          snapshot: (s, events) => this.onSnapshot(s.tick, s.ackSeq, events),
          chat: (m) => this.onChat(m.from, m.text, m.final),
          rejection: (m) => (this.rejection = { text: m.detail, at: this.now() }),
          error: (m) => this.log('chat', { text: m.detail, kind: 'error' }),
          event: (kind, _e, data) => this.onPrivate(kind, data),
          close: () => this.onClose(),
        },
      });
      this.client = c;
      this.link = 'connected';
      this.retries = 0;
      this.o.storage?.setItem(TOKEN_KEY, c.token);
      const cls = c.catalog?.classes[c.catalog.classNames[0]];
      const zone = c.catalog!.zones[0];
      this.predictor = new Predictor({
        speedMps: cls?.moveSpeedMps ?? 5,
        bounds: {
          x0: zone.x0,
          y0: zone.y0,
          x1: zone.x0 + zone.widthM - 0.01,
          y1: zone.y0 + zone.heightM - 0.01,
        },
      });
      this.log('chat', {
        text: 'Connected to the Test Area. Press ~ for the dev console, Enter to chat.',
        kind: 'system',
      });
      if (this.pingTimer) clearInterval(this.pingTimer);
      this.pingTimer = setInterval(() => {
        c.ping();
        const r = c.stats.rttMs;
        if (r.length) this.rttMs = r[r.length - 1];
      }, 2000);
    } catch (err) {
      const msg = err instanceof Error ? err.message : String(err);
      if (/bad or foreign session token/.test(msg)) {
        // The server restarted (new secret) or the token is stale: start a new guest with our name.
        this.o.storage?.removeItem(TOKEN_KEY);
        if (token && token !== this.o.token) return this.connect(this.o.token ?? '');
        if (token) return this.connect('');
      }
      this.log('chat', { text: `Cannot connect: ${msg}`, kind: 'error' });
      this.scheduleReconnect();
    }
  }

  private onClose(): void {
    if (this.closed) return;
    this.link = 'reconnecting';
    this.client = null;
    this.log('chat', { text: 'Connection lost; reconnecting…', kind: 'error' });
    this.scheduleReconnect();
  }

  private scheduleReconnect(): void {
    if (this.closed) return;
    this.link = 'reconnecting';
    const delay = Math.min(10_000, 500 * 2 ** this.retries++);
    setTimeout(() => void this.connect(this.o.storage?.getItem(TOKEN_KEY) ?? this.o.token ?? ''), delay);
  }

  private log(where: 'chat' | 'console', line: LogLine): void {
    const list = where === 'chat' ? this.chat : this.consoleLog;
    list.push(line);
    if (list.length > 200) list.splice(0, list.length - 200);
    this.version++;
  }

  private onSnapshot(tick: number, ackSeq: number, events: NetEvent[]): void {
    const c = this.client;
    if (!c?.world) return;
    const positions = new Map<number, Pos>();
    for (const e of c.world.entities.values()) positions.set(e.id, { x: e.x, y: e.y });
    this.interp.push(tick, positions);
    this.lastSnapshotMs = this.now();
    this.snapshotTick = tick;
    const me = c.me();
    if (me && this.predictor) {
      const age = this.rttMs / 2 / 1000;
      this.predictor.reconcile(me.x, me.y, ackSeq, age, me.dead || Boolean(c.self?.dead));
    }
    for (const ev of events) this.onEvent(ev, tick);
    this.telegraphs = this.telegraphs.filter((t) => t.resolveTick >= tick);
  }

  private onEvent(ev: NetEvent, tick: number): void {
    const d = ev.data;
    if (ev.kind === 'telegraph')
      this.telegraphs.push({
        entity: ev.entity,
        x: Number(d.x),
        y: Number(d.y),
        facing: Number(d.facing),
        angleDeg: Number(d.angleDeg),
        radiusM: Number(d.radiusM),
        resolveTick: Number(d.resolveTick),
      });
    else if (ev.kind === 'attack-cancelled' || ev.kind === 'death')
      this.telegraphs = this.telegraphs.filter((t) => t.entity !== ev.entity);
    if (ev.kind === 'hit' || ev.kind === 'heal') {
      const at = this.client?.world?.entities.get(ev.entity);
      if (at) {
        const amount = ev.kind === 'hit' ? Number(d.damage) : Number(d.amount);
        this.floaters.push({
          x: at.x,
          y: at.y,
          text: `${ev.kind === 'heal' ? '+' : '-'}${Math.round(amount)}`,
          heal: ev.kind === 'heal',
          bornMs: this.now(),
        });
        if (this.floaters.length > 60) this.floaters.shift();
      }
    }
    if (ev.kind === 'immune' && ev.entity === this.client?.playerId)
      this.rejection = { text: 'Immune', at: this.now() };
    void tick;
  }

  private onChat(from: number, text: string, final: boolean): void {
    if (from === 0) {
      const last = this.chat[this.chat.length - 1];
      if (last?.kind === 'npc' && last.open) last.text += text;
      else this.chat.push({ text: `Archivist: ${text}`, kind: 'npc', open: true });
      if (final) this.chat[this.chat.length - 1].open = false;
      this.version++;
      return;
    }
    this.log('chat', { text, kind: 'chat' });
  }

  private onPrivate(kind: string, data: Record<string, unknown>): void {
    if (Array.isArray(data.roster)) this.roster = data.roster as RosterEntry[];
    if (kind === 'inspect' && typeof data.target === 'number') {
      this.inspected.set(data.target, { at: this.now(), data });
      this.version++;
      return;
    }
    if (kind === 'preview') {
      this.preview = data;
      this.version++;
      return;
    }
    const msg =
      typeof data.message === 'string'
        ? data.message
        : data.ok === false
          ? 'failed'
          : Object.entries(data)
              .filter(([k]) => k !== 'command' && k !== 'ok' && k !== 'roster')
              .map(([k, v]) => `${k}: ${typeof v === 'object' ? JSON.stringify(v) : String(v)}`)
              .join(', ') || 'ok';
    const line: LogLine = {
      text: `${kind === 'console' ? `> ${String(data.command ?? '')}: ` : `${kind}: `}${msg}`,
      kind: data.ok === false ? 'error' : 'console',
    };
    this.log(kind === 'console' ? 'console' : 'chat', line);
  }

  /** Asks the server about an entity (cached a few seconds). */
  inspect(id: number): Record<string, unknown> | undefined {
    const hit = this.inspected.get(id);
    if (!hit || this.now() - hit.at > 3000) {
      this.inspected.set(id, { at: this.now(), data: hit?.data ?? {} });
      this.client?.inspect(id);
    }
    return hit?.data;
  }

  /** Where to draw an entity now: interpolated for others, predicted for the player. */
  positionOf(e: SeenEntity, renderTick: number): Pos {
    if (e.id === this.client?.playerId && this.predictor) return { x: this.predictor.x, y: this.predictor.y };
    return this.interp.sample(e.id, renderTick) ?? { x: e.x, y: e.y };
  }

  /** The fractional server tick to draw others at: two ticks behind the newest snapshot. */
  renderTick(tickRate: number): number {
    const since = (this.now() - this.lastSnapshotMs) / (1000 / tickRate);
    return this.snapshotTick - 2 + Math.min(1.5, since);
  }

  /** Closes for good (page left). */
  close(): void {
    this.closed = true;
    if (this.pingTimer) clearInterval(this.pingTimer);
    this.client?.close();
  }
}
