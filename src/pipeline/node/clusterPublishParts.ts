/**
 * `amem-flow publish SOURCE --pipeline P` for models that train data-parallel (dense-am,
 * competing-units): the validated training rows (before the pipeline's steps, which each worker
 * applies to its part) go to the object store as Arrow IPC chunks of `CHUNK_ROWS` rows, then a
 * manifest with their sizes and a hash of them all. Chunk c belongs to worker c mod W. The same
 * data published again changes nothing; other data are refused while a run uses the old.
 */
import { createHash } from 'node:crypto';
import { from, lastValueFrom, tap } from 'rxjs';
import { Table, tableToIPC, type RecordBatch } from 'apache-arrow';
import { clusterNames, type ClusterTransport } from '../../cluster/node/transport.js';
import { takeRows } from '../../data/batch.js';
import { collectBatch } from '../../io/collect.js';
import { UsageError } from '../../util/errors.js';
import { round } from '../../util/round.js';
import { silentReporter, type Reporter } from '../../util/reporter.js';
import { streamAsTrainingSet } from '../online.js';
import type { ResolvedPipeline } from '../spec.js';
import { readRunState } from './clusterRounds.js';

/** Rows per data chunk: the unit a worker's part is made of. */
const CHUNK_ROWS = 1000;

/** The data set as published. */
export interface DataManifest {
  samples: number;
  chunkRows: number[];
  /** SHA-256 of the chunks' bytes, in order. */
  hash: string;
}

/** What publishing the data set did. */
export interface PartsReport {
  samples: number;
  chunks: number;
  bytes: number;
  /** True when the store held these data already (nothing was written). */
  unchanged: boolean;
  seconds: number;
  stream: Record<string, unknown>;
}

/** Publishes `source`'s training rows for data-parallel workers. */
export async function publishParts(spec: ResolvedPipeline, source: string, transport: ClusterTransport, opts: { outDir: string; reporter?: Reporter }): Promise<PartsReport> {
  const started = performance.now();
  const reporter = opts.reporter ?? silentReporter;
  const names = clusterNames(spec.name);
  const rows = await streamAsTrainingSet(source, spec.model.classes, opts.outDir);
  const bar = reporter.start('publish', 0);
  const batches: RecordBatch[] = [];
  await lastValueFrom(rows.batches.pipe(tap((b) => b.numRows > 0 && batches.push(b))), { defaultValue: undefined });
  const stream = await rows.finish();
  if (batches.length === 0) throw new UsageError(`'${source}' gave no samples to publish (${String(stream.dead_lettered)} dead-lettered: ${String(stream.dead_letter_reasons) || 'none'})`);
  const data = await collectBatch(from(batches), spec.model.kind);
  const chunks: Uint8Array[] = [];
  const hash = createHash('sha256');
  for (let at = 0; at < data.numRows; at += CHUNK_ROWS) {
    const n = Math.min(CHUNK_ROWS, data.numRows - at);
    const bytes = tableToIPC(
      new Table(
        takeRows(
          data,
          Int32Array.from({ length: n }, (_, i) => at + i),
        ),
      ),
      'stream',
    );
    hash.update(bytes);
    chunks.push(bytes);
  }
  const manifest: DataManifest = { samples: data.numRows, chunkRows: chunks.map((_, c) => Math.min(CHUNK_ROWS, data.numRows - c * CHUNK_ROWS)), hash: hash.digest('hex') };
  const bytes = chunks.reduce((n, c) => n + c.length, 0);
  const old = await transport.getObject(names.bucket, names.dataManifest);
  const previous = old ? (JSON.parse(new TextDecoder().decode(old)) as DataManifest) : undefined;
  const finish = (unchanged: boolean): PartsReport => {
    const seconds = round((performance.now() - started) / 1000, 3);
    bar.done(`${manifest.samples} samples in ${chunks.length} chunks (${(bytes / 2 ** 20).toFixed(1)} MiB) ${unchanged ? 'were there already' : 'stored'} in ${seconds} s`);
    return { samples: manifest.samples, chunks: chunks.length, bytes, unchanged, seconds, stream };
  };
  if (previous?.hash === manifest.hash) return finish(true);
  if (previous && (await readRunState(await transport.kv(names.runBucket))))
    throw new UsageError(
      `the cluster at ${transport.url} holds a training run of '${spec.name}' on other data (${previous.samples} samples): publish under another pipeline name (--set name=...) or clear the server's JetStream store`,
    );
  for (let c = 0; c < chunks.length; c++) {
    await transport.putObject(names.bucket, names.dataObject(c), chunks[c]);
    bar.update(Math.min(manifest.samples, (c + 1) * CHUNK_ROWS), `chunk ${c + 1} of ${chunks.length}`);
  }
  // The manifest last: a worker that sees it finds every chunk.
  await transport.putObject(names.bucket, names.dataManifest, new TextEncoder().encode(JSON.stringify(manifest)));
  return finish(false);
}
