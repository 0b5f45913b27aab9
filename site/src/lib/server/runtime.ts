import { error } from '@sveltejs/kit';
import type { ArcaneRuntime } from '../../../server/runtime.ts';

/** The running Arcane server's services (503 when the site runs without it). */
export function runtime(): ArcaneRuntime {
  const r = (globalThis as Record<string, unknown>).__arcaneRuntime as ArcaneRuntime | undefined;
  if (!r) error(503, 'start the site with npm start (or npm run dev): it needs the Arcane server');
  return r;
}
