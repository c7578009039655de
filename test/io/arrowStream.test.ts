/** `readArrowStream`: Arrow IPC from a web ReadableStream (a fetch body), as a page reads it. */
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { from, lastValueFrom, take, toArray } from 'rxjs';
import { features, sampleIds } from '../../src/data/batch.js';
import { readArrowStream } from '../../src/io/arrowStream.js';
import { writeArrow } from '../../src/io/node/arrowWriter.js';
import { testBatch } from '../helpers/batches.js';

/** A web stream that hands out `bytes` in chunks of `size`, recording whether it was cancelled. */
function webStream(bytes: Uint8Array, size: number) {
  let at = 0;
  const state = { cancelled: false };
  const stream = new ReadableStream<Uint8Array>({
    pull(c) {
      if (at >= bytes.length) return c.close();
      c.enqueue(bytes.slice(at, (at += size)));
    },
    cancel() {
      state.cancelled = true;
    },
  });
  return { stream, state };
}

describe('readArrowStream', () => {
  const batches = [testBatch(3), testBatch(4, { firstId: 3 })];
  const dir = mkdtempSync(join(tmpdir(), 'amem-arrow-web-'));

  it.each(['stream', 'file'] as const)('decodes the %s format from a web ReadableStream arriving in 7-byte chunks', async (format) => {
    const path = join(dir, `b.${format}.arrow`);
    await writeArrow(path, from(batches), { format });
    const back = await lastValueFrom(readArrowStream(webStream(readFileSync(path), 7).stream).pipe(toArray()));
    expect(back.map((b) => b.numRows)).toEqual([3, 4]);
    expect(Array.from(sampleIds(back[1]))).toEqual([3, 4, 5, 6]);
    expect(Array.from(features(back[1]).values)).toEqual(Array.from(features(batches[1]).values));
  });

  it('cancels the stream when the subscriber stops early', async () => {
    const path = join(dir, 'many.arrow');
    await writeArrow(path, from([...batches, ...batches, ...batches]), { format: 'stream' });
    const { stream, state } = webStream(readFileSync(path), 64);
    await lastValueFrom(readArrowStream(stream).pipe(take(1)));
    expect(state.cancelled).toBe(true);
  });

  it('names the source when the bytes are not Arrow', async () => {
    const { stream } = webStream(new TextEncoder().encode('<html>not found</html>'), 8);
    await expect(lastValueFrom(readArrowStream(stream, 'mnist-train.arrow'))).rejects.toThrow(/'mnist-train.arrow' (is not valid Arrow IPC data|holds no Arrow schema)/);
  });
});
