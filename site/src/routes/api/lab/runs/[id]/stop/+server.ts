import { answer, lab } from '$lib/server/lab';

export const POST = ({ params }) => answer(() => ({ stopped: lab().stop(params.id) }));
