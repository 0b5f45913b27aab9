import { error, json } from '@sveltejs/kit';
import { getRuntime } from '../../../../../server/runtime.ts';

/** Character creation's guest login: a signed token for a named character of a class. */
export const POST = async ({ request }) => {
  const game = getRuntime()?.game;
  if (!game) error(503, 'this server runs without a game zone');
  let body: { name?: unknown; cls?: unknown };
  try {
    body = (await request.json()) as typeof body;
  } catch {
    error(400, 'send JSON: { "name": "…", "cls": "mage" }');
  }
  const name = typeof body.name === 'string' ? body.name : '';
  if (name.length > 24) error(400, 'name: at most 24 characters');
  const cls = typeof body.cls === 'string' ? body.cls : 'mage';
  return json(game.issueGuest({ name, cls }));
};
