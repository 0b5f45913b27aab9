import { answer, lab } from '$lib/server/lab';

export const GET = () => answer(() => lab().listScenarios());
