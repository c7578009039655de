/**
 * The front door of a stream: counts every sample received, validates it (bad samples go to the
 * dead-letter sink with their id and reason, whole batches when the schema changes mid-stream),
 * and skips samples whose id was already learned or is already on its way to the model.
 */
import type { RecordBatch } from 'apache-arrow';
import { features, sampleIds, takeRows } from '../data/batch.js';
import type { DeadLetterSink } from './node/deadLetters.js';
import { IdSet } from './idSet.js';
import type { SourceEvent } from './node/sources.js';
import { validateBatch } from './validate.js';
import type { StreamState } from './state.js';

/** Validation, de-duplication and dead letters for a stream feeding `state`. */
export class StreamIngest {
  private readonly inFlight = new IdSet();
  private firstSchema: string | undefined;

  constructor(
    private readonly state: StreamState,
    private readonly classes: number,
    private readonly deadLetters: DeadLetterSink,
  ) {}

  /** Samples accepted but not yet learned. */
  get pending(): number {
    return this.inFlight.size;
  }

  /** The usable, not yet learned rows of an event (undefined when there are none). */
  accept(event: SourceEvent): RecordBatch | undefined {
    const c = this.state.counters;
    const index = c.batches++;
    if ('error' in event) {
      this.deadLetters.write(index, [{ id: -1, reason: event.error }]);
      c.dead_lettered++;
      return undefined;
    }
    const batch = event.batch;
    c.received += batch.numRows;
    // Checks with specific reasons first (width, labels, values); any other schema change after them.
    const { good, rejected } = validateBatch(batch, { width: this.state.width, classes: this.classes });
    this.deadLetters.write(index, rejected);
    c.dead_lettered += rejected.length;
    if (!good) return undefined;
    const schema = good.schema.fields.map((f) => `${f.name}:${String(f.type)}`).join(',');
    this.firstSchema ??= schema;
    if (schema !== this.firstSchema) {
      this.deadLetters.write(
        index,
        Array.from(sampleIds(good), (id) => ({ id, reason: `schema changed mid-stream: (${schema}) after (${this.firstSchema})` })),
      );
      c.dead_lettered += good.numRows;
      return undefined;
    }
    this.state.width ??= features(good).width;
    const ids = sampleIds(good);
    const keep: number[] = [];
    for (let i = 0; i < ids.length; i++) {
      if (this.state.seen.has(ids[i]) || !this.inFlight.add(ids[i])) c.duplicates_skipped++;
      else keep.push(i);
    }
    if (keep.length === 0) return undefined;
    return keep.length === ids.length ? good : takeRows(good, keep);
  }

  /** Marks rows as learned. */
  learned(ids: Int32Array): void {
    for (const id of ids) {
      this.inFlight.delete(id);
      this.state.seen.add(id);
    }
    this.state.counters.trained += ids.length;
  }
}
