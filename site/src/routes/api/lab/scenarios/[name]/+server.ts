import { answer, lab } from '$lib/server/lab';

export const GET = ({ params }) =>
  answer(async () => ({ name: params.name, text: await lab().readScenario(params.name) }));

export const PUT = ({ params, request }) =>
  answer(async () => {
    const { text } = (await request.json()) as { text: string };
    return lab().saveScenario(params.name, String(text ?? ''));
  });
