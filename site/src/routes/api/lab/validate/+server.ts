import { answer, lab } from '$lib/server/lab';

export const POST = ({ request }) =>
  answer(async () => {
    const b = (await request.json()) as { text?: string; file?: string; overrides?: string[] };
    return lab().validate(String(b.text ?? ''), b.file ?? 'scenario.yaml', b.overrides ?? []);
  });
