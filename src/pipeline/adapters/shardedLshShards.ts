/**
 * Sharded-lsh trained shard by shard on different machines: one shard's rows (already routed)
 * become that shard's state, a checkpoint with only its sums and counts; the states of all shards
 * make the whole model again. Shards train independently and in the order their rows were routed,
 * so the model equals one trained on a single machine, byte for byte.
 */
import { from } from 'rxjs';
import type { RecordBatch } from 'apache-arrow';
import { tensorOf, type Checkpoint } from '../../io/checkpoint.js';
import { ShardedLshModel } from '../../models/shardedLsh.js';
import { shardedLshCheckpoint } from '../../models/shardedLshCheckpoint.js';
import { routerFromPlanes } from '../../operators/lshHash.js';
import { DataError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { assertSameSettings } from './sameSettings.js';

const SHARD_KIND = 'sharded-lsh-shard';
const SHARD_VERSION = 1;

/** What the pipeline knows of a trained shard. */
export interface ShardOutcome {
  shard: number;
  samples: number;
  epochs: number;
  converged: boolean;
  final_misses: number;
  visits: number;
  seconds: number;
}

/** Scale-out by shard, as the pipeline runner and the workers use it. */
export interface ShardedTraining {
  readonly count: number;
  /** Trains shard `shard` on its rows (in the order they were routed) to convergence or `epochs`; returns its state. */
  trainShard(shard: number, batches: RecordBatch[], epochs: number): Promise<{ state: Checkpoint; outcome: ShardOutcome }>;
  /** Builds the model from every shard's state (index = shard); returns each shard's outcome. */
  assemble(states: Checkpoint[], source: string): ShardOutcome[];
  /** Shard `shard`'s state in the model as it is now (online workers checkpoint it); `extra` is kept with it. */
  stateOf(shard: number, outcome: ShardOutcome, extra: Record<string, unknown>): Checkpoint;
  /** Puts a stored shard state back into the model (an online worker resuming); returns what was kept with it. */
  restore(state: Checkpoint, source: string): { outcome: ShardOutcome; extra: Record<string, unknown> };
}

/** Scale-out by shard for `base`'s settings; `current` is the model learning online, `install` receives the assembled model. */
export function shardedTraining(base: ShardedLshModel, current: () => ShardedLshModel, install: (model: ShardedLshModel) => void): ShardedTraining {
  const { shards, classes } = base.settings;
  return {
    stateOf(shard, outcome, extra) {
      const model = current();
      return shardState(base.settings, shard, model.router ? model.toCheckpoint() : undefined, outcome, extra);
    },
    restore(state, source) {
      const { shard, outcome, extra, width: _w, ...settings } = state.settings as Record<string, unknown>;
      assertSameSettings(settings, base.settings, source);
      const k = Number(shard);
      if (state.tensors.planes) {
        const model = current();
        const width = Number(state.settings.width);
        const whole = model.router ? model.toCheckpoint() : undefined;
        const planes = state.tensors.planes.data as Float32Array;
        if (whole && !sameBytes(whole.tensors.planes.data, planes)) throw new DataError(`${source}: stored with other hash planes than this worker's`);
        const sums = whole ? (whole.tensors.sums.data as Float64Array) : new Float64Array(shards * classes * width);
        const counts = whole ? (whole.tensors.counts.data as Float64Array) : new Float64Array(shards * classes).fill(1);
        sums.set(tensorOf(state, 'sums', [classes, width]), k * classes * width);
        counts.set(tensorOf(state, 'counts', [classes]), k * classes);
        const router = routerFromPlanes(planes, width, base.settings.bits, shards);
        install(ShardedLshModel.fromCheckpoint(shardedLshCheckpoint({ settings: base.settings, router, sums, counts }), base.backend, source));
      }
      return { outcome: outcome as ShardOutcome, extra: (extra ?? {}) as Record<string, unknown> };
    },
    count: shards,
    async trainShard(shard, batches, epochs) {
      const rows = batches.reduce((n, b) => n + b.numRows, 0);
      const empty: ShardOutcome = { shard, samples: 0, epochs: 0, converged: true, final_misses: 0, visits: 0, seconds: 0 };
      if (rows === 0) return { state: shardState(base.settings, shard, undefined, empty), outcome: empty };
      const model = new ShardedLshModel(base.settings, base.backend);
      const fit = await model.fit(from(batches), { epochs, workers: 1 });
      const stray = fit.shards.find((s) => s.shard !== shard && s.samples > 0);
      if (stray) throw new DataError(`the rows of shard ${shard} route to shard ${stray.shard} here: they were routed with other hash planes (another pipeline, seed or model settings)`);
      const r = fit.shards.find((s) => s.shard === shard)!;
      const outcome: ShardOutcome = { shard, samples: r.samples, epochs: r.epochs, converged: r.converged, final_misses: r.misses.at(-1) ?? 0, visits: r.visits, seconds: round(r.seconds, 3) };
      return { state: shardState(base.settings, shard, model.toCheckpoint(), outcome), outcome };
    },
    assemble(states, source) {
      if (states.length !== shards) throw new DataError(`${source}: ${states.length} shard states for ${shards} shards`);
      const withPlanes = states.find((s) => s.tensors.planes);
      if (!withPlanes) throw new DataError(`${source}: every shard is empty; nothing was trained`);
      const width = Number(withPlanes.settings.width);
      const sums = new Float64Array(shards * classes * width);
      const counts = new Float64Array(shards * classes).fill(1);
      const planes = withPlanes.tensors.planes.data;
      const outcomes = states.map((s, k) => {
        const where = `${source}, shard ${k}`;
        if (s.kind !== SHARD_KIND || s.version !== SHARD_VERSION) throw new DataError(`${where}: not a sharded-lsh shard state (kind '${s.kind}' version ${s.version})`);
        const { shard, outcome, width: w, extra: _extra, ...settings } = s.settings as Record<string, unknown>;
        if (shard !== k) throw new DataError(`${where}: the state is shard ${String(shard)}'s`);
        assertSameSettings(settings, base.settings, where);
        if (s.tensors.planes) {
          if (w !== width || !sameBytes(s.tensors.planes.data, planes)) throw new DataError(`${where}: trained with other hash planes than shard ${withPlanes.settings.shard}`);
          sums.set(tensorOf(s, 'sums', [classes, width]), k * classes * width);
          counts.set(tensorOf(s, 'counts', [classes]), k * classes);
        }
        return outcome as ShardOutcome;
      });
      const router = routerFromPlanes(planes as Float32Array, width, base.settings.bits, shards);
      install(ShardedLshModel.fromCheckpoint(shardedLshCheckpoint({ settings: base.settings, router, sums, counts }), base.backend, source));
      return outcomes;
    },
  };
}

/** One shard's state: the model's settings and planes with that shard's sums and counts only. */
function shardState(settings: ShardedLshModel['settings'], shard: number, whole: Checkpoint | undefined, outcome: ShardOutcome, extra: Record<string, unknown> = {}): Checkpoint {
  const base = { kind: SHARD_KIND, version: SHARD_VERSION };
  if (!whole) return { ...base, settings: { ...settings, shard, outcome: { ...outcome }, extra }, tensors: {} };
  const width = Number(whole.settings.width);
  const { classes } = settings;
  const block = classes * width;
  return {
    ...base,
    settings: { ...settings, width, shard, outcome: { ...outcome }, extra },
    tensors: {
      planes: whole.tensors.planes,
      sums: { data: (whole.tensors.sums.data as Float64Array).slice(shard * block, (shard + 1) * block), shape: [classes, width] },
      counts: { data: (whole.tensors.counts.data as Float64Array).slice(shard * classes, (shard + 1) * classes), shape: [classes] },
    },
  };
}

function sameBytes(a: ArrayBufferView, b: ArrayBufferView): boolean {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  return x.length === y.length && x.every((v, i) => v === y[i]);
}
