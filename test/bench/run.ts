/**
 * `npm run bench`: runs every `test/bench/*.bench.ts` in name order (or those named on the
 * command line) and prints their figures as `bench: <name> <value> <unit>` lines.
 */
import { readdirSync } from 'node:fs';
import { fileURLToPath, pathToFileURL } from 'node:url';
import type { BenchOptions } from './report';

const dir = fileURLToPath(new URL('.', import.meta.url));
const args = process.argv.slice(2);
const options: BenchOptions = { large: args.includes('--large') };
const only = args.filter((a) => !a.startsWith('--'));
const files = readdirSync(dir)
  .filter((f) => f.endsWith('.bench.ts'))
  .filter((f) => only.length === 0 || only.some((o) => f.includes(o)))
  .sort();

for (const file of files) {
  console.log(`# ${file}`);
  const mod = (await import(pathToFileURL(`${dir}/${file}`).href)) as { run(o: BenchOptions): Promise<void> };
  await mod.run(options);
}
