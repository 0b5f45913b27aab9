// The chat and console scrollbacks: bounded lists of lines, where the NPC's streamed reply grows in place
// (chunk after chunk on one line) until its final chunk, whatever else is said meanwhile.

/** What a line is, for its style. */
export type LineKind = 'chat' | 'npc' | 'system' | 'console' | 'error' | 'command';

/** A line of a scrollback. */
export interface LogLine {
  /** Unique within its log (a stable key for the view). */
  id: number;
  kind: LineKind;
  text: string;
  /** A streamed NPC reply still growing. */
  open?: boolean;
}

/** A bounded scrollback. */
export class Scrollback {
  readonly lines: LogLine[] = [];
  /** Bumped on every change (the view copies the lines when it moved). */
  version = 0;
  private nextId = 1;
  private openNpc: LogLine | null = null;

  constructor(private readonly max = 200) {}

  /** Appends a line. */
  push(kind: LineKind, text: string): LogLine {
    const line: LogLine = { id: this.nextId++, kind, text };
    this.lines.push(line);
    if (this.lines.length > this.max) this.lines.splice(0, this.lines.length - this.max);
    this.version++;
    return line;
  }

  /** A chunk of the NPC's streamed reply: a new line the first time, appended to it until `final`. */
  npc(speaker: string, chunk: string, final: boolean): void {
    if (!this.openNpc || !this.lines.includes(this.openNpc)) {
      this.openNpc = this.push('npc', `${speaker}: ${chunk}`);
      this.openNpc.open = true;
    } else {
      this.openNpc.text += chunk;
      this.version++;
    }
    if (final) {
      this.openNpc.open = false;
      this.openNpc = null;
      this.version++;
    }
  }
}

/**
 * A private reply (console command, capture, breed, preview) as one line: the server's message when it
 * has one, else its fields (`spawned: 1, type: grunt`).
 */
export function describeReply(data: Record<string, unknown>): string {
  if (typeof data.message === 'string' && data.message) return data.message;
  if (data.ok === false) return 'failed';
  const fields = Object.entries(data)
    .filter(([k]) => !['command', 'ok', 'roster', 'target'].includes(k))
    .map(([k, v]) => `${k}: ${v !== null && typeof v === 'object' ? JSON.stringify(v) : String(v)}`);
  return fields.join(', ') || 'ok';
}
