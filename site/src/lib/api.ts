/** Calls the lab API; throws with the server's message (and scenario issues) on an error status. */
export async function api<T>(path: string, init?: { method?: string; body?: unknown }): Promise<T> {
  const res = await fetch(path, {
    method: init?.method ?? (init?.body ? 'POST' : 'GET'),
    headers: init?.body ? { 'content-type': 'application/json' } : undefined,
    body: init?.body ? JSON.stringify(init.body) : undefined,
  });
  const data = (await res.json().catch(() => ({}))) as T & { error?: string; issues?: Issue[] };
  if (!res.ok)
    throw Object.assign(new Error(data.error ?? `HTTP ${res.status}`), { issues: data.issues ?? [] });
  return data;
}

/** A scenario problem as the server reports it. */
export interface Issue {
  file: string;
  line: number;
  column: number;
  path: string;
  message: string;
}
