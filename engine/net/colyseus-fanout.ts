// Reference implementation of our snapshot scenario with @colyseus/schema StateView, so the
// benchmark can compare our encoder against the idiomatic Colyseus way of doing per-client
// interest management: one shared state, a `.view()`-filtered MapSchema, one StateView per client.
import { Encoder, StateView, schema, t, type Iterator, type SchemaType } from '@colyseus/schema';

/** Positions travel as int16 in 1/16 m steps (±2048 m range), like our own snapshot encoder. */
export const COLYSEUS_POS_SCALE = 16;

/** One entity of the scenario, as the simulation sees it (metres). */
export interface FanoutEntity {
  id: number;
  x: number;
  y: number;
  hp: number;
  kind: number;
}

/** One client: centre of its square area of interest and its half side (metres). */
export interface FanoutClient {
  x: number;
  y: number;
  halfM: number;
}

/** Replicated entity: x/y quantized to 1/16 m in int16, hp as auto-width number, kind uint8. */
export const ColyseusEntity = schema(
  {
    x: t.int16(),
    y: t.int16(),
    hp: t.number(),
    kind: t.uint8(),
  },
  'ColyseusEntity',
);
/** Instance type of {@link ColyseusEntity}. */
export type ColyseusEntity = SchemaType<typeof ColyseusEntity>;

/** Shared room state; `.view()` on the map means each entity only reaches views that added it. */
export const ColyseusFanoutState = schema(
  {
    entities: t.map(ColyseusEntity).view(),
  },
  'ColyseusFanoutState',
);
/** Instance type of {@link ColyseusFanoutState}. */
export type ColyseusFanoutState = SchemaType<typeof ColyseusFanoutState>;

/** Quantizes metres to the wire unit of {@link ColyseusEntity} x/y. */
export function quantizePosM(m: number): number {
  return Math.round(m * COLYSEUS_POS_SCALE);
}

/** True when a quantized position lies inside the client's square (edges inclusive). */
export function insideSquare(client: FanoutClient, qx: number, qy: number): boolean {
  const half = client.halfM * COLYSEUS_POS_SCALE;
  return (
    Math.abs(qx - client.x * COLYSEUS_POS_SCALE) <= half &&
    Math.abs(qy - client.y * COLYSEUS_POS_SCALE) <= half
  );
}

/** Colyseus StateView fan-out of the snapshot scenario: one shared encode, one view encode per client. */
export class ColyseusFanout {
  /** The shared server state (exposed for tests and inspection). */
  readonly state: ColyseusFanoutState;
  /** The one encoder every view shares. */
  readonly encoder: Encoder<ColyseusFanoutState>;
  /** Bytes each client received on the last `tick()` (copies; the encoder reuses its buffer). */
  lastPatches: Uint8Array[] = [];

  private readonly clients: readonly FanoutClient[];
  private readonly views: StateView[];
  // Entities live in slots (free-listed) so the per-client membership scan runs over typed arrays;
  // a Map/Set scan would cost more than the Colyseus encode we are trying to measure.
  private readonly slotOf = new Map<number, number>();
  private entAt: (ColyseusEntity | undefined)[] = [];
  private qxAt = new Int32Array(0);
  private qyAt = new Int32Array(0);
  private readonly freeSlots: number[] = [];
  // Per client, per slot: 1 when the entity is currently added to that client's view.
  private visible: Uint8Array[];
  private seenAt = new Uint32Array(0);
  private tickNo = 0;

  constructor(clients: readonly FanoutClient[]) {
    this.clients = clients;
    this.state = new ColyseusFanoutState();
    this.encoder = new Encoder(this.state);
    this.views = clients.map(() => new StateView());
    this.visible = clients.map(() => new Uint8Array(0));
  }

  /** Applies this tick's entities and encodes every client's patch; returns each client's bytes this tick. */
  tick(entities: readonly FanoutEntity[]): number[] {
    this.applyEntities(entities);
    this.updateViews();

    const it: Iterator = { offset: 0 };
    this.encoder.encode(it);
    const sharedOffset = it.offset;
    const patches: Uint8Array[] = new Array<Uint8Array>(this.views.length);
    const sizes: number[] = new Array<number>(this.views.length);
    for (let c = 0; c < this.views.length; c++) {
      // encodeView returns a window on the encoder's shared buffer, overwritten by the next view.
      const bytes = this.encoder.encodeView(this.views[c], sharedOffset, it);
      patches[c] = bytes.slice();
      sizes[c] = bytes.length;
    }
    this.encoder.discardChanges();
    this.lastPatches = patches;
    return sizes;
  }

  /** How many entities each client's view holds now. */
  visibleCounts(): number[] {
    return this.visible.map((v) => {
      let n = 0;
      for (let s = 0; s < this.entAt.length; s++) n += v[s];
      return n;
    });
  }

  /** Bytes each client would get on join (full state through its view), computed for the current state. */
  joinBytes(): number[] {
    return this.joinPayloads().map((bytes) => bytes.length);
  }

  /** Full-state payload per client through its view (what `joinBytes` measures). */
  joinPayloads(): Uint8Array[] {
    const it: Iterator = { offset: 0 };
    this.encoder.encodeAll(it);
    const sharedOffset = it.offset;
    return this.views.map((view) => this.encoder.encodeAllView(view, sharedOffset, it).slice());
  }

  private applyEntities(entities: readonly FanoutEntity[]): void {
    const tickNo = ++this.tickNo;
    for (const e of entities) {
      const qx = quantizePosM(e.x);
      const qy = quantizePosM(e.y);
      let slot = this.slotOf.get(e.id);
      if (slot === undefined) {
        slot = this.allocSlot();
        const ent = new ColyseusEntity();
        ent.x = qx;
        ent.y = qy;
        ent.hp = e.hp;
        ent.kind = e.kind;
        this.slotOf.set(e.id, slot);
        this.entAt[slot] = ent;
        this.state.entities.set(String(e.id), ent);
      } else {
        const ent = this.entAt[slot] as ColyseusEntity;
        // Assign only on change: the setter marks the field dirty even for an equal value.
        if (ent.x !== qx) ent.x = qx;
        if (ent.y !== qy) ent.y = qy;
        if (ent.hp !== e.hp) ent.hp = e.hp;
        if (ent.kind !== e.kind) ent.kind = e.kind;
      }
      this.qxAt[slot] = qx;
      this.qyAt[slot] = qy;
      this.seenAt[slot] = tickNo;
    }
    if (this.slotOf.size === entities.length) return;
    for (const [id, slot] of this.slotOf) {
      if (this.seenAt[slot] === tickNo) continue;
      const ent = this.entAt[slot] as ColyseusEntity;
      for (let c = 0; c < this.views.length; c++) {
        if (this.visible[c][slot] === 0) continue;
        this.visible[c][slot] = 0;
        this.views[c].remove(ent);
      }
      this.slotOf.delete(id);
      this.entAt[slot] = undefined;
      this.freeSlots.push(slot);
      this.state.entities.delete(String(id));
    }
  }

  private allocSlot(): number {
    const free = this.freeSlots.pop();
    if (free !== undefined) return free;
    const slot = this.entAt.length;
    this.entAt.push(undefined);
    if (slot >= this.qxAt.length) {
      const cap = Math.max(64, this.qxAt.length * 2);
      const grow = <A extends Int32Array | Uint32Array | Uint8Array>(old: A, next: A): A => {
        next.set(old);
        return next;
      };
      this.qxAt = grow(this.qxAt, new Int32Array(cap));
      this.qyAt = grow(this.qyAt, new Int32Array(cap));
      this.seenAt = grow(this.seenAt, new Uint32Array(cap));
      this.visible = this.visible.map((v) => grow(v, new Uint8Array(cap)));
    }
    return slot;
  }

  private updateViews(): void {
    const n = this.entAt.length;
    const { qxAt, qyAt, entAt } = this;
    for (let c = 0; c < this.clients.length; c++) {
      const client = this.clients[c];
      const half = client.halfM * COLYSEUS_POS_SCALE;
      const cx = client.x * COLYSEUS_POS_SCALE;
      const cy = client.y * COLYSEUS_POS_SCALE;
      const view = this.views[c];
      const visible = this.visible[c];
      for (let s = 0; s < n; s++) {
        const ent = entAt[s];
        if (ent === undefined) continue;
        // Same test as insideSquare(), inlined for the 200 × 1,000 scan.
        const inside = Math.abs(qxAt[s] - cx) <= half && Math.abs(qyAt[s] - cy) <= half ? 1 : 0;
        if (inside === visible[s]) continue;
        visible[s] = inside;
        if (inside === 1) view.add(ent);
        else view.remove(ent);
      }
    }
  }
}
