import type { AiServices } from './ai/services.ts';
import type { AssetServices } from './assets/services.ts';
import type { GameService } from './game/game-service.ts';
import type { LabService } from './lab-service.ts';
import type { ServerMetrics } from './metrics/metrics.ts';

/** What the production server hands to the SvelteKit routes (on globalThis: one process, one runtime). */
export interface ArcaneRuntime {
  lab: LabService;
  metrics: ServerMetrics;
  assets: AssetServices;
  ai: AiServices;
  /** The game zone (null when the server runs without one). */
  game: GameService | null;
}

const KEY = '__arcaneRuntime';

/** Installs the runtime for the routes of this process. */
export function setRuntime(r: ArcaneRuntime): void {
  (globalThis as Record<string, unknown>)[KEY] = r;
}

/** The runtime, or null when the site runs without the Arcane server (e.g. `vite preview`). */
export function getRuntime(): ArcaneRuntime | null {
  return ((globalThis as Record<string, unknown>)[KEY] as ArcaneRuntime | undefined) ?? null;
}
