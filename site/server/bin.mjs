#!/usr/bin/env node
// `npm start` / `npm run dev`: runs the server's TypeScript through tsx.
import { register } from 'tsx/esm/api';

register();
const { startServer } = await import('./main.ts');
const dev = process.argv.includes('--dev');
const { url, close } = await startServer({ dev });
console.log(`Arcane Realms is running at ${url}  (play: ${url}/play, lab: ${url}/lab; Ctrl-C stops)`);
const stop = async () => {
  await close();
  process.exit(0);
};
process.once('SIGINT', stop);
process.once('SIGTERM', stop);
