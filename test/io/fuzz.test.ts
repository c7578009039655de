/**
 * Seeded fuzzing of every reader of outside bytes and of `--set`: any input ends in a clear,
 * typed error (or valid data), never a hang, a crash with an internal message, or a polluted
 * prototype. A hang shows up as this file's test timeout; the case counts are fixed and seeded.
 */
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import fc from 'fast-check';
import { lastValueFrom, toArray } from 'rxjs';
import { tableFromArrays, tableToIPC } from 'apache-arrow';
import { describe, expect, it } from 'vitest';
import { decodeCheckpoint, encodeCheckpoint } from '../../src/io/checkpoint.js';
import { decodeIdx, encodeIdx } from '../../src/io/node/idx.js';
import { readArrow } from '../../src/io/node/arrowReader.js';
import { applySettings, resolvePipeline } from '../../src/pipeline/resolve.js';
import { DataError, UsageError } from '../../src/util/errors.js';
import type { PipelineSpec } from '../../src/pipeline/spec.js';

const dir = mkdtempSync(join(tmpdir(), 'amem-fuzz-'));
const RUNS = { seed: 20261202, numRuns: 500 };

/** Bytes of a valid input with a few bytes changed (the usual way real files go bad). */
const mutated = (valid: Uint8Array) =>
  fc.array(fc.tuple(fc.nat(valid.length - 1), fc.integer({ min: 1, max: 255 })), { minLength: 1, maxLength: 8 }).map((flips) => {
    const bad = valid.slice();
    for (const [at, x] of flips) bad[at] ^= x;
    return bad;
  });

const clearError = (err: unknown) => err instanceof DataError || err instanceof UsageError;

describe('fuzzing the readers', () => {
  const table = tableFromArrays({ id: Int32Array.from([1, 2, 3]), y: Int32Array.from([0, 1, 2]), v: Float32Array.from([0.5, 1, 2]) });

  it.each(['file', 'stream'] as const)('Arrow %s format: random and damaged bytes end in a DataError or batches, never a hang', async (format) => {
    const valid = tableToIPC(table, format);
    let n = 0;
    await fc.assert(
      fc.asyncProperty(fc.oneof(fc.uint8Array({ maxLength: 200 }), mutated(valid)), async (bytes) => {
        const path = join(dir, `a${n++}.arrow`);
        writeFileSync(path, bytes);
        try {
          await lastValueFrom(readArrow(path).pipe(toArray()));
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(DataError);
        }
      }),
      RUNS,
    );
  });

  it('IDX, plain and gzip: random and damaged bytes end in a DataError or a tensor of the declared size', () => {
    const tensor = { dtype: 'uint8' as const, dims: [4, 3, 3], data: Uint8Array.from({ length: 36 }, (_, i) => i) };
    const inputs = fc.oneof(
      fc.uint8Array({ maxLength: 120 }),
      mutated(encodeIdx(tensor)),
      mutated(encodeIdx(tensor, true)),
      fc.uint8Array({ maxLength: 120 }).map((b) => gzipSync(b)),
    );
    fc.assert(
      fc.property(inputs, (bytes) => {
        try {
          const t = decodeIdx(bytes, 'fuzz.idx');
          expect(t.data.length).toBe(t.dims.reduce((a, b) => a * b, 1));
        } catch (err) {
          expect(clearError(err), String(err)).toBe(true);
        }
      }),
      RUNS,
    );
  });

  it('checkpoints: every damaged copy is refused with a DataError', () => {
    const valid = encodeCheckpoint({ kind: 'demo', version: 1, settings: { a: 1 }, tensors: { w: { data: Float32Array.from([1, 2, 3, 4]), shape: [2, 2] } } });
    fc.assert(
      fc.property(fc.oneof(mutated(valid), fc.uint8Array({ maxLength: 200 })), (bytes) => {
        expect(() => decodeCheckpoint(bytes, 'fuzz.arrow')).toThrow(DataError);
      }),
      RUNS,
    );
  });
});

describe('fuzzing --set', () => {
  const base: PipelineSpec = { name: 'fuzz', data: { kind: 'mnist' }, model: { kind: 'sharded-lsh' }, evaluate: [{ name: 'test', partition: 'test' }] } as PipelineSpec;
  const segment = fc.constantFrom(
    'model',
    'data',
    'train',
    'evaluate',
    'stream',
    'outputs',
    'kind',
    'shards',
    'bits',
    'memories',
    'window',
    '0',
    '1',
    '4294967294',
    '__proto__',
    'constructor',
    'prototype',
    'toString',
    'x',
  );
  const value = fc.constantFrom('1', '-1', '0', '1e308', '2000000000', 'true', 'null', '[]', '{}', '{"__proto__":{"a":1}}', 'abc', '1,2,3', '"sharded-lsh"', 'dense-am', 'NaN');
  const set = fc.tuple(fc.array(segment, { minLength: 1, maxLength: 4 }), value).map(([path, v]) => `${path.join('.')}=${v}`);

  it('any key=value either resolves or is refused with a UsageError, and no prototype is touched', () => {
    fc.assert(
      fc.property(fc.array(set, { minLength: 1, maxLength: 3 }), (sets) => {
        try {
          resolvePipeline(applySettings(base, sets), 'fuzz.ts');
        } catch (err) {
          expect(err, String(err)).toBeInstanceOf(UsageError);
        }
        expect(Object.getOwnPropertyNames(Object.prototype)).not.toContain('x');
        expect(({} as Record<string, unknown>).toString).toBe(Object.prototype.toString);
      }),
      { seed: 20261202, numRuns: 400 },
    );
  });
});
