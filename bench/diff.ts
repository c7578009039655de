/**
 * `tsx bench/diff.ts BEFORE.json AFTER.json [--tolerance 5]`: compares two `npm run bench` results
 * figure by figure and lists those that got worse by more than the tolerance (percent). Times,
 * milliseconds and memory are better lower; throughput (per second), GFLOPS and accuracy higher.
 * Counts that are not speeds (visits, epochs, samples) are shown when they change at all.
 */
import { readFileSync } from 'node:fs';
import Table from 'cli-table3';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

const args = await yargs(hideBin(process.argv))
  .usage('$0 BEFORE.json AFTER.json')
  .demandCommand(2)
  .option('tolerance', { type: 'number', default: 5, describe: 'percent a figure may get worse' })
  .strict()
  .parseAsync();
const [before, after] = (args._ as string[]).map((f) => JSON.parse(readFileSync(f, 'utf8')) as unknown);

/** Every numeric leaf as a dotted path. */
function leaves(value: unknown, prefix = '', out = new Map<string, number>()): Map<string, number> {
  if (typeof value === 'number') out.set(prefix, value);
  else if (Array.isArray(value))
    value.forEach((v, i) =>
      leaves(v, `${prefix}.${(v as { model?: string; patterns?: number })?.model ?? i}${(v as { patterns?: number })?.patterns !== undefined ? `@${(v as { patterns: number }).patterns}` : ''}`, out),
    );
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) if (k !== 'machine' && k !== 'date') leaves(v, prefix ? `${prefix}.${k}` : k, out);
  return out;
}

const higherBetter = /per_s|samples_per_s|gflops|accuracy|exact/;
const lowerBetter = /_s$|_ms$|_us$|_mb$|seconds|ms_per|peak|wall/;
const a = leaves(before);
const b = leaves(after);
const rows: string[][] = [];
let worse = 0;
for (const [key, old] of a) {
  const now = b.get(key);
  if (now === undefined) continue;
  const change = old === 0 ? (now === 0 ? 0 : Infinity) : (100 * (now - old)) / Math.abs(old);
  const direction = higherBetter.test(key) ? -1 : lowerBetter.test(key) ? 1 : 0;
  const bad = direction !== 0 && direction * change > args.tolerance;
  if (bad) worse++;
  if (bad || (direction === 0 && now !== old) || Math.abs(change) > args.tolerance)
    rows.push([key, String(old), String(now), `${change >= 0 ? '+' : ''}${change.toFixed(1)}%`, bad ? 'WORSE' : direction === 0 ? 'changed' : 'better']);
}
const table = new Table({ head: ['figure', 'before', 'after', 'change', ''], style: { head: [], border: [] } });
table.push(...rows);
console.log(rows.length > 0 ? table.toString() : 'no figure changed by more than the tolerance');
console.log(`${worse} figure(s) worse by more than ${args.tolerance}% (${a.size} compared)`);
