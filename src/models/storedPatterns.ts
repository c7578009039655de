/**
 * What the classical and dense recall models share: a set of stored ±1 patterns, checked once,
 * and a call of the backend's fused `hopfieldRecall` kernel on a checked probe.
 */
import type { Backend } from '../backends/backend.js';
import { DataError, UsageError } from '../util/errors.js';
import type { RecallResult, RecallRule } from '../backends/kernel.js';

/** Options of one recall. */
export interface RecallOptions {
  schedule: 'async' | 'sync';
  /** Seed of the asynchronous visiting order. */
  seed: number;
  maxSweeps: number;
  /** Record energy and Hamming distances after every update. */
  trace?: boolean;
}

/** Stored ±1 patterns and the checks every recall model needs. */
export abstract class StoredPatterns {
  protected patterns: Int8Array | undefined;
  protected count = 0;
  protected width = 0;

  constructor(
    readonly backend: Backend,
    private readonly who: string,
  ) {}

  /** Stores P patterns of N values, each ±1 (P × N, row-major). */
  store(patterns: Int8Array, count: number, width: number): this {
    if (!(count >= 1 && width >= 1) || patterns.length !== count * width) throw new UsageError(`${this.who}: ${patterns.length} values do not make ${count} patterns of ${width} units`);
    const bad = patterns.findIndex((v) => v !== 1 && v !== -1);
    if (bad >= 0) throw new DataError(`${this.who}: pattern ${Math.floor(bad / width)}, unit ${bad % width} is ${patterns[bad]}; states must be ±1 (add { op: 'binarize', values: 'pm1' })`);
    this.patterns = patterns.slice();
    this.count = count;
    this.width = width;
    return this;
  }

  protected async run(probe: Int8Array, rule: RecallRule, o: RecallOptions): Promise<RecallResult> {
    if (!this.patterns) throw new UsageError(`${this.who}: store patterns before recalling`);
    if (probe.length !== this.width) throw new DataError(`${this.who}: the probe has ${probe.length} units, the stored patterns ${this.width}`);
    const bad = probe.findIndex((v) => v !== 1 && v !== -1);
    if (bad >= 0) throw new DataError(`${this.who}: probe unit ${bad} is ${probe[bad]}; states must be ±1`);
    if (!(Number.isInteger(o.maxSweeps) && o.maxSweeps >= 1)) throw new UsageError(`${this.who}: maxSweeps must be a positive integer, got ${o.maxSweeps}`);
    return this.backend.run('hopfieldRecall', {
      patterns: this.patterns,
      count: this.count,
      width: this.width,
      probe,
      rule,
      schedule: o.schedule,
      seed: o.seed,
      maxSweeps: o.maxSweeps,
      trace: o.trace,
    });
  }
}
