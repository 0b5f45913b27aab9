import type { Server } from 'node:http';
import type { ZoneServer } from '../../../engine/net/zone-server.ts';

// geckos.io (WebRTC data channels, unordered and unreliable) as an optional snapshot transport. It is an
// optional dependency: `@geckos.io/server` needs `node-datachannel`, whose install downloads a native
// binary, so on machines where that fails the server offers WebSocket only. A browser that joined over the
// WebSocket opens a geckos channel with its session token; the zone server then sends that client's
// snapshots as datagrams (≤ 1,100 bytes, fragmented), and everything else stays on the WebSocket.
//
// Not exercised here: this machine cannot install node-datachannel (see README, "Transports").

interface GeckosChannel {
  userData: Record<string, unknown>;
  raw: { emit(data: Uint8Array | ArrayBuffer): void };
  onDisconnect(cb: () => void): void;
}
interface GeckosServerLike {
  addServer(server: Server): void;
  onConnection(cb: (channel: GeckosChannel) => void): void;
  server?: { close?(): void };
}
type GeckosFactory = (options: Record<string, unknown>) => GeckosServerLike;

/** Offers geckos.io on the site's HTTP server when `@geckos.io/server` is installed. */
export async function attachGeckos(
  http: Server,
  zone: ZoneServer,
  env: Record<string, string | undefined> = process.env,
): Promise<{ ok: true; close(): Promise<void> } | { ok: false; reason: string }> {
  if (env.ARCANE_GECKOS === 'off') return { ok: false, reason: 'ARCANE_GECKOS=off' };
  let factory: GeckosFactory;
  try {
    const name = '@geckos.io/server';
    const mod = (await import(/* @vite-ignore */ name)) as {
      default: GeckosFactory | { default: GeckosFactory };
    };
    factory = typeof mod.default === 'function' ? mod.default : mod.default.default;
  } catch (err) {
    return {
      ok: false,
      reason: `@geckos.io/server is not installed (${err instanceof Error ? err.message.split('\n')[0] : String(err)})`,
    };
  }
  const min = Number(env.GECKOS_PORT_MIN ?? 20000);
  const io = factory({
    iceServers: [],
    portRange: { min, max: Number(env.GECKOS_PORT_MAX ?? min + 100) },
    // The channel proves which character it carries with the token the WebSocket join returned.
    authorization: async (auth: string | undefined) => {
      const token = auth ?? '';
      return token ? { token } : false;
    },
  });
  io.addServer(http);
  io.onConnection((channel) => {
    const bound = zone.bindDatagrams(String(channel.userData.token ?? ''), (d) => channel.raw.emit(d));
    if (bound.ok) channel.onDisconnect(() => bound.unbind());
  });
  return { ok: true, close: async () => io.server?.close?.() };
}
