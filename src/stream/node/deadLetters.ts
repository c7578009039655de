/**
 * The dead-letter sink: every sample a stream could not use, with its id, the batch it came in
 * and the reason, written as an Arrow IPC stream file (columns `id` Int32, `batch` Int32,
 * `reason` Utf8) while the stream runs, so nothing bad is silently dropped.
 */
import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs';
import { dirname } from 'node:path';
import { makeVector, RecordBatchStreamWriter, Table, Utf8, vectorFromArray } from 'apache-arrow';
import type { Rejection } from '../validate.js';

/** Writes rejections to `path` as they come; `close()` ends the file. */
export class DeadLetterSink {
  private writer: RecordBatchStreamWriter | undefined;
  private file: WriteStream | undefined;
  private count = 0;
  /** Rejections per kind of reason (numbers masked, so alike reasons count together), with the first one seen. */
  private readonly tally = new Map<string, { count: number; example: string }>();

  constructor(readonly path: string) {}

  /** Rejections written so far. */
  get written(): number {
    return this.count;
  }

  /** Appends rejections found in stream batch `batch`. */
  write(batch: number, rejections: readonly Rejection[]): void {
    if (rejections.length === 0) return;
    if (!this.writer) {
      mkdirSync(dirname(this.path), { recursive: true });
      this.file = createWriteStream(this.path);
      this.writer = new RecordBatchStreamWriter();
      this.writer.toNodeStream().pipe(this.file);
    }
    // Plain Utf8 reasons: tableFromArrays would dictionary-encode them with a new dictionary per
    // call, which changes the schema and makes arrow's writer close the stream.
    const table = new Table({
      id: makeVector(Int32Array.from(rejections, (r) => r.id)),
      batch: makeVector(new Int32Array(rejections.length).fill(batch)),
      reason: vectorFromArray(
        rejections.map((r) => r.reason),
        new Utf8(),
      ),
    });
    for (const b of table.batches) this.writer.write(b);
    this.count += rejections.length;
    for (const r of rejections) {
      const key = r.reason.replace(/-?\d+(\.\d+)?/g, 'N');
      const kind = this.tally.get(key);
      if (kind) kind.count++;
      else this.tally.set(key, { count: 1, example: r.reason });
    }
  }

  /** The most common kinds of reason with an example each, e.g. "12× label 42 is outside [0, 10)"; empty when nothing was rejected. */
  reasons(max = 3): string {
    const top = [...this.tally.values()].sort((a, b) => b.count - a.count);
    const shown = top.slice(0, max).map((k) => `${k.count}× ${k.example}`);
    return [...shown, ...(top.length > max ? [`${top.length - max} more kinds`] : [])].join('; ');
  }

  /** Finishes the file (waits until it is flushed). */
  async close(): Promise<void> {
    if (!this.writer || !this.file) return;
    const done = new Promise<void>((resolve, reject) => {
      this.file!.on('finish', resolve);
      this.file!.on('error', reject);
    });
    this.writer.close();
    await done;
  }
}
