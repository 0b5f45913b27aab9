import { answer, lab } from '$lib/server/lab';

export const POST = ({ request }) =>
  answer(async () => {
    const b = (await request.json()) as { sql?: string };
    return lab().query(String(b.sql ?? ''));
  });
