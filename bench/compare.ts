/**
 * `npm run compare -- --base REV [--head REV]`: proves that a restructuring changed nothing
 * numerically. Each commit is checked out into its own worktree and runs the same pipeline runs
 * through its own CLI (the smoke settings of every shipped pipeline, plus the full sharded-mnist
 * and hopfield-capacity and a 3-epoch dense-am-mnist), on cpu and wasm. The script then prints one
 * table row per run: whether every metric (accuracies, confusion matrices, per-epoch errors, shard
 * epochs and visits, recall-table entries, stream counters) and every checkpoint (`model.arrow`,
 * `checkpoint.arrow`) is identical.
 *
 * Checkpoints are compared two ways: the file's bytes, and (when the bytes differ) the decoded
 * tensors bit for bit plus the settings with wall-clock fields removed — a checkpoint that records
 * seconds per epoch differs between any two runs of the same commit.
 * Results are cached per commit in runs/compare/<sha>/ (delete it to measure again); the working
 * tree counts as a commit named `worktree` and is never cached.
 *
 * Options: --base REV (required)  --head REV (default: the working tree)  --only NAME,…  --backends cpu,wasm
 */
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, readdirSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { tableFromIPC } from 'apache-arrow';
import Table from 'cli-table3';
import yargs from 'yargs';
import { hideBin } from 'yargs/helpers';

interface RunDef {
  name: string;
  pipeline: string;
  sets: string[];
  args?: string[];
}

/** The smoke settings of a pipeline file, as --set arguments (read from the file's text so any commit's file works). */
function smokeSets(repo: string, file: string): string[] {
  const out = execFileSync(process.execPath, ['--import', 'tsx', '-e', `import('${join(repo, file)}').then((m) => console.log(JSON.stringify(m.default.smoke.set)))`], { cwd: repo, encoding: 'utf8' });
  return Object.entries(JSON.parse(out) as Record<string, unknown>).map(([k, v]) => `${k}=${JSON.stringify(v)}`);
}

function runDefs(repo: string): RunDef[] {
  const files = readdirSync(join(repo, 'pipelines'))
    .filter((f) => f.endsWith('.ts'))
    .sort();
  return [
    ...files.map((f) => ({ name: `${f.slice(0, -3)} (smoke)`, pipeline: `pipelines/${f}`, sets: smokeSets(repo, `pipelines/${f}`) })),
    { name: 'sharded-mnist (full)', pipeline: 'pipelines/sharded-mnist.ts', sets: [] },
    { name: 'hopfield-capacity (full)', pipeline: 'pipelines/hopfield-capacity.ts', sets: [] },
    { name: 'dense-am-mnist (3 epochs)', pipeline: 'pipelines/dense-am-mnist.ts', sets: ['outputs.plots=false'], args: ['--epochs', '3'] },
  ];
}

/** Keys whose values are wall-clock or machine facts, not results. */
const VOLATILE = /(^|_)(s|seconds|ms|rss_mb|samples_per_s|per_s|t_s)$|^(timings|memory|versions|files|dead_letters_file|seconds_per_epoch|ms_per_recall|seconds)$/;

function stable(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(stable);
  if (value && typeof value === 'object') {
    return Object.fromEntries(
      Object.entries(value as Record<string, unknown>)
        .filter(([k]) => !VOLATILE.test(k))
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([k, v]) => [k, stable(v)]),
    );
  }
  return value;
}

interface Fingerprint {
  metrics: string;
  files: Record<string, { bytes: string; content: string }>;
  error?: string;
}

function sha(data: Uint8Array | string): string {
  return createHash('sha256').update(data).digest('hex').slice(0, 16);
}

/** Hash of a checkpoint's tensors (bit for bit) and its settings without wall-clock fields. */
function checkpointContent(bytes: Uint8Array): string {
  const table = tableFromIPC(bytes);
  const h = createHash('sha256');
  h.update(
    JSON.stringify(
      stable({ kind: table.schema.metadata.get('amem.kind'), version: table.schema.metadata.get('amem.version'), settings: JSON.parse(table.schema.metadata.get('amem.settings') ?? '{}') }),
    ),
  );
  for (const field of [...table.schema.fields].sort((a, b) => a.name.localeCompare(b.name))) {
    const values = table.batches[0].getChild(field.name)!.data[0].children[0].values as ArrayBufferView;
    h.update(field.name);
    h.update(new Uint8Array(values.buffer, values.byteOffset, values.byteLength));
  }
  return h.digest('hex').slice(0, 16);
}

function fingerprint(repo: string, def: RunDef, backend: string, out: string): Fingerprint {
  rmSync(out, { recursive: true, force: true });
  const argv = ['bin/amem-flow.js', 'run', def.pipeline, '--json', '--quiet', '--backend', backend, '--out', out, ...def.sets.flatMap((s) => ['--set', s]), ...(def.args ?? [])];
  let stdout: string;
  try {
    stdout = execFileSync(process.execPath, argv, { cwd: repo, encoding: 'utf8', maxBuffer: 1 << 28, env: { ...process.env, CI: 'true' }, stdio: ['ignore', 'pipe', 'pipe'] });
  } catch (err) {
    return {
      metrics: '',
      files: {},
      error: String((err as { stderr?: string }).stderr ?? err)
        .trim()
        .split('\n')
        .at(-1),
    };
  }
  const metrics = JSON.parse(stdout) as Record<string, unknown>;
  const files: Fingerprint['files'] = {};
  for (const f of readdirSync(out)
    .filter((n) => n.endsWith('.arrow') && !n.startsWith('dead-letters'))
    .sort()) {
    const bytes = readFileSync(join(out, f));
    files[f] = { bytes: sha(bytes), content: checkpointContent(bytes) };
  }
  return { metrics: JSON.stringify(stable(metrics)), files };
}

/** A worktree of `rev` with this checkout's node_modules, a built wasm module and (where the commit has one) its built package; the working tree itself for `worktree`. */
function checkout(rev: string): { dir: string; sha: string } {
  if (rev === 'worktree') return { dir: process.cwd(), sha: 'worktree' };
  const sha = execFileSync('git', ['rev-parse', `${rev}^{commit}`], { encoding: 'utf8' }).trim();
  const dir = resolve('runs/compare/trees', sha.slice(0, 12));
  if (!existsSync(dir)) {
    execFileSync('git', ['worktree', 'add', '--detach', dir, sha], { stdio: 'ignore' });
    symlinkSync(resolve('node_modules'), join(dir, 'node_modules'));
  }
  const wasm = join(dir, 'src/backends/wasm/kernels.wasm');
  if (!existsSync(wasm) && existsSync(join(dir, 'src/backends/wasm/assembly/kernels.ts'))) {
    execFileSync(
      process.execPath,
      [
        resolve('node_modules/assemblyscript/bin/asc.js'),
        'src/backends/wasm/assembly/kernels.ts',
        '--outFile',
        'src/backends/wasm/kernels.wasm',
        '-O3',
        '--runtime',
        'stub',
        '--noAssert',
        '--enable',
        'simd',
      ],
      { cwd: dir, stdio: 'inherit' },
    );
  }
  // Commits whose CLI runs the built package (dist/) build it once.
  const scripts = (JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as { scripts?: Record<string, string> }).scripts ?? {};
  if (scripts['build:js'] && !existsSync(join(dir, 'dist/cli/main.js'))) execFileSync('npm', ['run', 'build:js'], { cwd: dir, stdio: 'inherit' });
  return { dir, sha };
}

function measure(rev: string, only: Set<string> | undefined, backends: string[]): Map<string, Fingerprint> {
  const { dir, sha } = checkout(rev);
  const cacheFile = resolve('runs/compare', `${sha}.json`);
  const cache: Record<string, Fingerprint> = sha !== 'worktree' && existsSync(cacheFile) ? JSON.parse(readFileSync(cacheFile, 'utf8')) : {};
  const results = new Map<string, Fingerprint>();
  for (const def of runDefs(dir)) {
    if (only && ![...only].some((o) => def.name.includes(o))) continue;
    for (const backend of backends) {
      const key = `${def.name} · ${backend}`;
      if (!cache[key]) {
        const started = performance.now();
        cache[key] = fingerprint(dir, def, backend, resolve('runs/compare/out', sha.slice(0, 12), `${def.pipeline.slice(10, -3)}-${def.name.includes('smoke') ? 'smoke' : 'full'}-${backend}`));
        process.stderr.write(`${sha.slice(0, 12)}  ${key}: ${cache[key].error ?? 'ok'} (${((performance.now() - started) / 1000).toFixed(1)} s)\n`);
        if (sha !== 'worktree') {
          mkdirSync(resolve('runs/compare'), { recursive: true });
          writeFileSync(cacheFile, JSON.stringify(cache, null, 1));
        }
      }
      results.set(key, cache[key]);
    }
  }
  return results;
}

const args = await yargs(hideBin(process.argv))
  .option('base', { type: 'string', demandOption: true, describe: 'the commit before the change' })
  .option('head', { type: 'string', default: 'worktree', describe: "the commit after it ('worktree': the working tree)" })
  .option('only', { type: 'string', describe: 'comma list of run-name fragments' })
  .option('backends', { type: 'string', default: 'cpu,wasm' })
  .strict()
  .parseAsync();
const only = args.only ? new Set(args.only.split(',')) : undefined;
const backends = args.backends.split(',');
const before = measure(args.base, only, backends);
const after = measure(args.head, only, backends);
const table = new Table({ head: ['run', 'metrics', 'checkpoint files (bytes / tensors + settings)'], style: { head: [], border: [] } });
let differ = 0;
for (const [key, a] of before) {
  const b = after.get(key);
  if (!b) {
    table.push([key, 'missing after', '']);
    differ++;
    continue;
  }
  if (a.error || b.error) {
    table.push([key, `error: ${a.error ?? '-'} | ${b.error ?? '-'}`, '']);
    differ++;
    continue;
  }
  const names = [...new Set([...Object.keys(a.files), ...Object.keys(b.files)])];
  const files = names.map((n) => {
    const x = a.files[n];
    const y = b.files[n];
    if (!x || !y) return `${n}: only ${x ? 'before' : 'after'}`;
    return `${n}: ${x.bytes === y.bytes ? 'identical bytes' : 'bytes differ'} / ${x.content === y.content ? 'identical' : 'DIFFERENT'}`;
  });
  const same = a.metrics === b.metrics && names.every((n) => a.files[n]?.content === b.files[n]?.content);
  if (!same) differ++;
  table.push([key, a.metrics === b.metrics ? 'identical' : 'DIFFERENT', files.join('\n') || '(none)']);
}
console.log(`${args.base} → ${args.head}\n${table.toString()}\n${differ === 0 ? 'no run differs' : `${differ} run(s) differ`}`);
process.exitCode = differ === 0 ? 0 : 1;
