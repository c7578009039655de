import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { lastValueFrom, toArray } from 'rxjs';
import { readArrow } from '../../src/io/node/arrowReader.js';
import { DeadLetterSink } from '../../src/stream/node/deadLetters.js';

describe('DeadLetterSink', () => {
  it('keeps every rejection across many writes (regression: dictionary-encoded reasons closed the stream after one)', async () => {
    const sink = new DeadLetterSink(join(mkdtempSync(join(tmpdir(), 'amem-dl-')), 'dead.arrow'));
    for (let b = 0; b < 6; b++)
      sink.write(b, [
        { id: 10 * b, reason: `reason ${b}` },
        { id: 10 * b + 1, reason: 'same reason' },
      ]);
    sink.write(6, []);
    await sink.close();
    expect(sink.written).toBe(12);
    const batches = await lastValueFrom(readArrow(sink.path).pipe(toArray()));
    const rows = batches.flatMap((t) => Array.from({ length: t.numRows }, (_, i) => [t.getChild('id')!.get(i), t.getChild('batch')!.get(i), t.getChild('reason')!.get(i)]));
    expect(rows).toHaveLength(12);
    expect(rows[10]).toEqual([50, 5, 'reason 5']);
    expect(rows[11]).toEqual([51, 5, 'same reason']);
  });
});
