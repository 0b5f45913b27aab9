import { json } from '@sveltejs/kit';
import { checkAppearance, CHARACTER_CLASSES } from '../../../../server/assets/image-generator.ts';
import type { Appearance, CharacterClass } from '../../../../server/assets/image-generator.ts';
import { runtime } from '$lib/server/runtime';

/** A portrait for character creation, through the content-hashed asset queue (cached per distinct choice). */
export const POST = async ({ request }) => {
  const b = (await request.json().catch(() => ({}))) as { characterClass?: string; appearance?: Appearance };
  const characterClass = (b.characterClass ?? 'mage') as CharacterClass;
  if (!(CHARACTER_CLASSES as readonly string[]).includes(characterClass))
    return json({ error: `unknown class '${characterClass}'` }, { status: 400 });
  try {
    checkAppearance(b.appearance as Appearance);
  } catch (e) {
    return json({ error: (e as Error).message }, { status: 400 });
  }
  const r = await runtime().assets.queue.request({
    subject: { kind: 'portrait', characterClass, appearance: b.appearance as Appearance },
    zoneId: 'character-creation',
  });
  return json({ url: r.url, source: r.source, message: r.message ?? null });
};
