import { answer, lab } from '$lib/server/lab';

export const GET = () =>
  answer(async () => {
    const l = lab();
    const history = await l.history();
    return { active: l.activeRuns(), history };
  });
