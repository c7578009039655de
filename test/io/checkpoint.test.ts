import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromIPC } from 'apache-arrow';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../../src/io/checkpoint.js';
import { loadCheckpoint, saveCheckpoint } from '../../src/io/node/checkpointFile.js';

const dir = mkdtempSync(join(tmpdir(), 'amem-ckpt-'));

describe('checkpoints', () => {
  const ckpt: Checkpoint = {
    kind: 'demo',
    version: 3,
    settings: { a: 1, b: 'two' },
    tensors: {
      w: { data: Float64Array.from([Math.PI, -0, 1e-310, Number.MAX_VALUE, NaN, -Infinity]), shape: [2, 3] },
      p: { data: Float32Array.from([0.1, -2]), shape: [2] },
      n: { data: Int32Array.from([-1, 2, 3]), shape: [3, 1] },
    },
  };

  it('round-trip every value bit for bit', () => {
    const back = decodeCheckpoint(encodeCheckpoint(ckpt));
    expect(back.kind).toBe('demo');
    expect(back.version).toBe(3);
    expect(back.settings).toEqual({ a: 1, b: 'two' });
    for (const [name, t] of Object.entries(ckpt.tensors)) {
      expect(back.tensors[name].shape).toEqual(t.shape);
      expect(new Uint8Array(back.tensors[name].data.buffer, back.tensors[name].data.byteOffset, back.tensors[name].data.byteLength)).toEqual(
        new Uint8Array(t.data.buffer, t.data.byteOffset, t.data.byteLength),
      );
    }
  });

  it('are plain Arrow IPC files', () => {
    saveCheckpoint(join(dir, 'c.arrow'), ckpt);
    const table = tableFromIPC(readFileSync(join(dir, 'c.arrow')));
    expect(table.schema.metadata.get('amem.kind')).toBe('demo');
    expect(table.schema.fields.map((f) => f.name)).toEqual(['w', 'p', 'n']);
  });

  it('explain truncated, foreign and mismatched files', () => {
    const bytes = encodeCheckpoint(ckpt);
    writeFileSync(join(dir, 'cut.arrow'), bytes.subarray(0, bytes.length / 2));
    expect(() => loadCheckpoint(join(dir, 'cut.arrow'))).toThrow(/not a readable checkpoint .* truncated/);
    saveCheckpoint(join(dir, 'd.arrow'), ckpt);
    expect(() => loadCheckpoint(join(dir, 'd.arrow'), 'sharded-lsh')).toThrow(/is a 'demo' checkpoint, not 'sharded-lsh'/);
    expect(() => loadCheckpoint(join(dir, 'none.arrow'))).toThrow(/cannot read checkpoint .* ENOENT/);
  });
});
