/**
 * `npm run bench -- <name> [--json]`: runs bench/<name>.bench.ts. Every benchmark prints its figures next
 * to a baseline measured in the same run; with --json it prints one JSON object and nothing else on stdout.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { dirname, join } from 'node:path';

const here = dirname(fileURLToPath(import.meta.url));
const available = readdirSync(here)
  .filter((f) => f.endsWith('.bench.ts'))
  .map((f) => f.replace(/\.bench\.ts$/, ''));
const args = process.argv.slice(2);
const name = args.find((a) => !a.startsWith('-'));
const json = args.includes('--json');

if (!name || !available.includes(name)) {
  process.stderr.write(`usage: npm run bench -- <${available.join('|')}> [--json]\n`);
  process.exit(2);
}
const module = (await import(join(here, `${name}.bench.ts`))) as {
  run(options: { json: boolean; args: string[] }): Promise<Record<string, unknown>>;
};
const result = await module.run({ json, args });
if (json) process.stdout.write(JSON.stringify(result) + '\n');
