import { answer, lab } from '$lib/server/lab';

export const GET = ({ params, url }) =>
  answer(() => lab().renderNotebook(params.name, Object.fromEntries(url.searchParams)));
