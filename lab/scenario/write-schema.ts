// Writes scenarios/schema.json from the scenario's TypeBox definitions (`npm run schema`).
import { writeFileSync } from 'node:fs';
import { scenarioJsonSchema } from './schema.ts';

const out = new URL('../../scenarios/schema.json', import.meta.url);
writeFileSync(out, JSON.stringify(scenarioJsonSchema(), null, 2) + '\n');
console.log(`wrote ${out.pathname}`);
