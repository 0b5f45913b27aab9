import { error, json } from '@sveltejs/kit';
import type { LabService } from '../../../server/lab-service.ts';
import type { ArcaneRuntime } from '../../../server/runtime.ts';

/** The lab service of the running Arcane server. */
export function lab(): LabService {
  const r = (globalThis as Record<string, unknown>).__arcaneRuntime as ArcaneRuntime | undefined;
  if (!r) error(503, 'the lab runs inside the Arcane server: start it with npm start (or npm run dev)');
  return r.lab;
}

/** Runs a handler; lab and query errors become JSON answers with their status and a clear message. */
export async function answer(fn: () => Promise<unknown> | unknown): Promise<Response> {
  try {
    return json(await fn());
  } catch (err) {
    const e = err as Error & { status?: number; issues?: unknown };
    if (e.name === 'LabError')
      return json({ error: e.message, issues: e.issues ?? [] }, { status: e.status ?? 400 });
    if (e.name === 'QueryError') return json({ error: e.message }, { status: 400 });
    throw err;
  }
}
