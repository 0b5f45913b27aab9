import type { CombatContent } from '../../engine/combat/content.ts';
import { encodeEvent } from '../../engine/net/events.ts';
import { SelfEncoder } from '../../engine/net/self-state.ts';
import { ClientBaselines, interestRect, ZoneSnapshots } from '../../engine/net/snapshot.ts';
import type { SimEvent } from '../../engine/world/system.ts';
import type { World } from '../../engine/world/world.ts';
import { buildGrid } from '../../engine/zone/grid.ts';
import { ENTITY_KIND } from '../../engine/zone/layout.ts';
import { BOT_OWNER_BASE } from './bot-system.ts';

// What a load scenario's bots would receive over the network. In-process bots have no sockets, so after each
// tick the probe runs the zone server's own snapshot encoder (the same cells, deltas against acknowledged
// baselines, private blocks and visible events) for a fixed sample of bots, acking every second snapshot as
// the game client does. Its figures are the snapshot bytes the server would send, not counting WebSocket
// framing (2–4 bytes per message).

const ROW_STRIDE = 1 << 20;

/** Options of a net probe. */
export interface NetProbeOptions {
  content: CombatContent;
  /** Bots to encode snapshots for (the lowest ids; default 100). */
  sample?: number;
  /** Half-width of the area of interest, metres (the zone server's default: 32). */
  interestM?: number;
}

/** The snapshot bytes sampled bots would receive. */
export interface NetProbeTick {
  /** Mean snapshot bytes per sampled bot this tick. */
  bytesPerClient: number;
  /** Bots in the world (the total scales the mean). */
  bots: number;
}

/** Runs the snapshot encoder for a sample of in-process bots after every tick. */
export class NetProbe {
  private readonly zones: ZoneSnapshots[];
  private readonly baselines = new Map<number, ClientBaselines>();

  constructor(
    private readonly world: World,
    private readonly o: NetProbeOptions,
  ) {
    this.zones = world.zones.map((z) => new ZoneSnapshots(z.geometry.id));
  }

  /** Encodes this tick's snapshots for the sample; call after each step with its events. */
  afterTick(events: readonly SimEvent[]): NetProbeTick {
    const sample = this.o.sample ?? 100;
    const bots: Array<{ id: number; zone: number; i: number }> = [];
    for (const z of this.world.zones) {
      const kind = z.u8('kind');
      const owner = z.u32('owner');
      const ids = z.u32('id');
      for (let i = 0; i < z.count; i++)
        if (kind[i] === ENTITY_KIND.player && owner[i] >= BOT_OWNER_BASE)
          bots.push({ id: ids[i], zone: z.geometry.id, i });
    }
    bots.sort((a, b) => a.id - b.id);
    const chosen = bots.slice(0, sample);
    if (!chosen.length) return { bytesPerClient: 0, bots: 0 };
    const tick = this.world.tick;
    const used = new Set(chosen.map((b) => b.zone));
    const perZone = new Map<
      number,
      { self: SelfEncoder; events: Array<{ cell: number; bytes: Uint8Array }> }
    >();
    for (const zi of used) {
      const z = this.world.zones[zi];
      buildGrid(z);
      this.zones[zi].encodeTick(z, tick);
      perZone.set(zi, { self: new SelfEncoder(z, this.o.content), events: [] });
    }
    // Events are placed at their entity's cell (an index of the entities that have events, over the sampled
    // zones, packed as zone × 2^20 + row: small integers, no objects); a bot gets those in its area of interest.
    const wanted = new Set<number>();
    for (const e of events) if (e.kind !== 'cast-rejected' && e.kind !== 'console') wanted.add(e.entity);
    const where = new Map<number, number>();
    if (wanted.size)
      for (const zi of used) {
        const z = this.world.zones[zi];
        const ids = z.u32('id');
        for (let i = 0; i < z.count; i++) if (wanted.has(ids[i])) where.set(ids[i], zi * ROW_STRIDE + i);
      }
    for (const e of events) {
      const at = where.get(e.entity);
      if (at === undefined || e.kind === 'cast-rejected' || e.kind === 'console') continue;
      const zi = Math.floor(at / ROW_STRIDE);
      const i = at % ROW_STRIDE;
      const z = this.world.zones[zi];
      perZone.get(zi)!.events.push({ cell: z.cellAt(z.f32('x')[i], z.f32('y')[i]), bytes: encodeEvent(e) });
    }
    let bytes = 0;
    for (const b of chosen) {
      const z = this.world.zones[b.zone];
      let base = this.baselines.get(b.id);
      if (!base) this.baselines.set(b.id, (base = new ClientBaselines()));
      const rect = interestRect(
        z,
        z.f32('x')[b.i],
        z.f32('y')[b.i],
        Math.ceil((this.o.interestM ?? 32) / z.geometry.cellM),
      );
      const pz = perZone.get(b.zone)!;
      const cellsX = z.geometry.cellsX;
      let evBytes = 0;
      const vis: Uint8Array[] = [];
      for (const e of pz.events) {
        const cx = e.cell % cellsX;
        const cy = Math.floor(e.cell / cellsX);
        if (cx >= rect.cx0 && cx < rect.cx0 + rect.w && cy >= rect.cy0 && cy < rect.cy0 + rect.h) {
          vis.push(e.bytes);
          evBytes += e.bytes.length;
        }
      }
      const evs = new Uint8Array(evBytes);
      let off = 0;
      for (const v of vis) {
        evs.set(v, off);
        off += v.length;
      }
      const snap = base.encode(this.zones[b.zone], rect, { self: pz.self.encode(b.i), events: evs });
      bytes += snap.length;
      if (tick % 2 === 0) base.ack(tick);
    }
    return { bytesPerClient: bytes / chosen.length, bots: bots.length };
  }
}
