/**
 * The speed and memory targets `npm run bench` checks on the wasm backend (the 2-core machine the
 * project is developed on): each is a limit on a number the bench measured in this run. A target
 * whose section did not run is listed as not measured. `--check` makes a missed target fail the run.
 */

/** One target: what it limits, the limit, and where the bench's JSON keeps the number. */
interface Target {
  name: string;
  limit: number;
  unit: string;
  measured: (r: Results) => number | undefined;
}

type Results = Record<string, unknown>;

/** A target's outcome in this run. */
export interface TargetRow {
  target: string;
  limit: string;
  measured: string;
  met: boolean | null;
}

const at = (r: Results, ...path: (string | number)[]): number | undefined => {
  let v: unknown = r;
  for (const p of path) v = v === null || typeof v !== 'object' ? undefined : (v as Record<string, unknown>)[p];
  return typeof v === 'number' ? v : undefined;
};

const modernRecall = (r: Results, patterns: number) => {
  const table = (r.recall as Record<string, { table?: { model: string; patterns: number; ms_per_recall: number }[] }> | undefined)?.wasm?.table;
  return table?.find((row) => row.model === 'modern-b1' && row.patterns === patterns)?.ms_per_recall;
};

const TARGETS: Target[] = [
  { name: 'sharded-mnist pipeline, peak memory', limit: 300, unit: 'MB', measured: (r) => at(r, 'full', 'wasm', 'peak_rss_mb') },
  { name: 'dense-am-mnist pipeline, peak memory', limit: 450, unit: 'MB', measured: (r) => at(r, 'densefull', 'wasm', 'peak_rss_mb') },
  { name: 'online-mnist from a socket, peak memory', limit: 250, unit: 'MB', measured: (r) => at(r, 'online', 'wasm', 'peak_rss_mb') },
  { name: "sharded-mnist's four evaluations together", limit: 0.5, unit: 's', measured: (r) => at(r, 'full', 'wasm', 'timings', 'evaluate_s') },
  { name: 'dense-am: one MNIST epoch', limit: 0.8, unit: 's', measured: (r) => at(r, 'dense', 'wasm', 'epoch_s') },
  { name: 'competing-units: one epoch, 100 units', limit: 0.5, unit: 's', measured: (r) => at(r, 'competing', 'wasm', 'h100', 'epoch_s') },
  { name: 'competing-units: one epoch, 2000 units', limit: 4, unit: 's', measured: (r) => at(r, 'competing', 'wasm', 'h2000', 'epoch_s') },
  { name: 'modern Hopfield recall per pattern, P = 1000', limit: 1, unit: 'ms', measured: (r) => modernRecall(r, 1000) },
  { name: 'sharded-lsh at cap 10000, seed 0 hash', limit: 30, unit: 's', measured: (r) => at(r, 'cap10000', 'wasm', 'fit_s') },
];

/** Every target with what this run measured for it (null: its section did not run). */
export function checkTargets(results: Results): TargetRow[] {
  return TARGETS.map((t) => {
    const v = t.measured(results);
    return { target: t.name, limit: `≤ ${t.limit} ${t.unit}`, measured: v === undefined ? 'not measured' : `${v} ${t.unit}`, met: v === undefined ? null : v <= t.limit };
  });
}
