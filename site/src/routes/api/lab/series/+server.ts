import { answer, lab } from '$lib/server/lab';

export const GET = ({ url }) =>
  answer(() =>
    lab().series(
      (url.searchParams.get('runs') ?? '').split(',').filter(Boolean),
      url.searchParams.get('key') ?? 'count',
    ),
  );
