import { answer, lab } from '$lib/server/lab';

export const POST = ({ request }) =>
  answer(async () => {
    const b = (await request.json()) as {
      text: string;
      file?: string;
      grid?: string[];
      seeds?: string;
      overrides?: string[];
      workers?: number;
    };
    return lab().startSweep({
      text: String(b.text ?? ''),
      file: b.file ?? 'scenario.yaml',
      grid: b.grid,
      seeds: b.seeds,
      overrides: b.overrides,
      workers: b.workers,
    });
  });
