import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, toArray } from 'rxjs';
import { features, sampleIds, withIntColumn } from '../../../src/data/batch.js';
import { readArrow } from '../../../src/io/node/arrowReader.js';
import { writeArrow } from '../../../src/io/node/arrowWriter.js';
import { testBatch } from '../../helpers/batches.js';

const dir = mkdtempSync(join(tmpdir(), 'amem-arrow-'));

describe('Arrow IPC reader and writer', () => {
  const batches = [testBatch(3), testBatch(4, { firstId: 3 }), testBatch(2, { firstId: 7 }).slice(1)];

  it.each(['file', 'stream'] as const)('round-trip batches and feature metadata in %s format', async (format) => {
    const path = join(dir, `rt.${format}.arrow`);
    const written = await writeArrow(path, from(batches), { format });
    expect(written).toEqual({ batches: 3, rows: 8 });
    const back = await lastValueFrom(readArrow(path).pipe(toArray()));
    expect(back.map((b) => b.numRows)).toEqual([3, 4, 1]);
    expect(Array.from(sampleIds(back[2]))).toEqual([8]);
    expect(features(back[1])).toMatchObject({ shape: [2, 3], range: [0, 255], encoding: 'raw' });
    expect(Array.from(features(back[2]).values)).toEqual(Array.from(features(batches[2]).values));
  });

  it('streams through Node streams', async () => {
    const pipe = new PassThrough();
    const reading = lastValueFrom(readArrow(pipe).pipe(toArray()));
    await writeArrow(pipe, batches);
    const back = await reading;
    expect(back.reduce((n, b) => n + b.numRows, 0)).toBe(8);
  });

  it('rejects truncated and foreign files with a clear error', async () => {
    const path = join(dir, 'whole.arrow');
    await writeArrow(path, batches, { format: 'file' });
    const bytes = readFileSync(path);
    writeFileSync(join(dir, 'cut.arrow'), bytes.subarray(0, bytes.length - 40));
    writeFileSync(join(dir, 'text.arrow'), 'hello, not arrow');
    await expect(lastValueFrom(readArrow(join(dir, 'cut.arrow')).pipe(toArray()))).rejects.toThrow(/not valid Arrow IPC data or is truncated/);
    await expect(lastValueFrom(readArrow(join(dir, 'text.arrow')).pipe(toArray()))).rejects.toThrow(/not valid Arrow IPC data/);
    await expect(lastValueFrom(readArrow(join(dir, 'missing.arrow')))).rejects.toThrow(/cannot open Arrow file .* ENOENT/);
  });

  it('refuses a schema change mid-stream and leaves no partial file', async () => {
    const mixed = [batches[0], withIntColumn(batches[1], 'shard', new Int32Array(4))];
    const path = join(dir, 'mixed.arrow');
    await expect(writeArrow(path, mixed)).rejects.toThrow(/batch 1 has columns .* one Arrow stream holds one schema/);
    expect(() => readFileSync(path)).toThrow(/ENOENT/);
  });
});
