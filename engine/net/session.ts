import { createHmac, timingSafeEqual } from 'node:crypto';

/** What a guest token says: the character it plays and when it was issued. */
export interface SessionClaims {
  character: number;
  issuedMs: number;
  /** The character's name and class, chosen at character creation. */
  name?: string;
  cls?: string;
}

const b64 = (b: Buffer): string => b.toString('base64url');

/** Signs guest tokens with a server secret (HMAC-SHA256) and remembers disconnected sessions for resume. */
export class SessionTable {
  private readonly lastSeen = new Map<number, number>();

  constructor(
    private readonly secret: string,
    /** A character can be resumed this long after its connection dropped. */
    readonly resumeMs = 30_000,
  ) {}

  /** A signed token for a new guest character. */
  issue(character: number, nowMs: number, extra: { name?: string; cls?: string } = {}): string {
    const claims: SessionClaims = { character, issuedMs: nowMs, ...extra };
    const body = b64(Buffer.from(JSON.stringify(claims)));
    return `${body}.${this.sign(body)}`;
  }

  private sign(body: string): string {
    return b64(createHmac('sha256', this.secret).update(body).digest());
  }

  /** The token's claims, or null when it is malformed or its signature does not match. */
  verify(token: string): SessionClaims | null {
    const dot = token.indexOf('.');
    if (dot <= 0 || token.length > 512) return null;
    const body = token.slice(0, dot);
    const sig = Buffer.from(token.slice(dot + 1));
    const want = Buffer.from(this.sign(body));
    if (sig.length !== want.length || !timingSafeEqual(sig, want)) return null;
    try {
      const c = JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as SessionClaims;
      if (!Number.isInteger(c.character) || c.character < 1 || !Number.isFinite(c.issuedMs)) return null;
      if (c.name !== undefined && typeof c.name !== 'string') return null;
      if (c.cls !== undefined && typeof c.cls !== 'string') return null;
      return c;
    } catch {
      return null;
    }
  }

  /** Marks a character's connection as gone (its character waits `resumeMs` for a reconnect). */
  disconnected(character: number, nowMs: number): void {
    this.lastSeen.set(character, nowMs);
  }

  /** Whether a reconnecting token resumes its character (valid signature, within the resume window). */
  resume(
    token: string,
    nowMs: number,
  ): { ok: true; character: number } | { ok: false; reason: 'bad-token' | 'expired' } {
    const c = this.verify(token);
    if (!c) return { ok: false, reason: 'bad-token' };
    const seen = this.lastSeen.get(c.character);
    if (seen === undefined || nowMs - seen > this.resumeMs) {
      this.lastSeen.delete(c.character);
      return { ok: false, reason: 'expired' };
    }
    this.lastSeen.delete(c.character);
    return { ok: true, character: c.character };
  }
}
