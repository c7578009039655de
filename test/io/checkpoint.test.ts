import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { tableFromArrays, tableFromIPC, tableToIPC } from 'apache-arrow';
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
    expect(() => loadCheckpoint(join(dir, 'cut.arrow'))).toThrow(/cut\.arrow' is damaged or truncated: its bytes do not match its checksum/);
    writeFileSync(join(dir, 'plain.arrow'), tableToIPC(tableFromArrays({ a: Float32Array.from([1, 2]) }), 'file'));
    expect(() => loadCheckpoint(join(dir, 'plain.arrow'))).toThrow(/plain\.arrow' carries no amem-flow checksum: it is truncated or damaged, .* or not an amem-flow checkpoint/);
    saveCheckpoint(join(dir, 'd.arrow'), ckpt);
    expect(() => loadCheckpoint(join(dir, 'd.arrow'), 'sharded-lsh')).toThrow(/is a 'demo' checkpoint, not 'sharded-lsh'/);
    expect(() => loadCheckpoint(join(dir, 'none.arrow'))).toThrow(/cannot read checkpoint .* ENOENT/);
  });

  it('refuse any flipped byte, naming the file and what to do', () => {
    const bytes = encodeCheckpoint(ckpt);
    // Every byte position, each flipped in turn: none may load as a (different) checkpoint.
    for (let at = 0; at < bytes.length; at++) {
      const bad = bytes.slice();
      bad[at] ^= 0x5a;
      expect(() => decodeCheckpoint(bad, 'c.arrow'), `byte ${at}`).toThrow(/'c\.arrow'/);
    }
    const data = bytes.slice();
    const at = data.length / 2;
    data[at] ^= 1;
    expect(() => decodeCheckpoint(data, 'c.arrow')).toThrow(/'c\.arrow' is damaged or truncated: .* delete it and train again \(without --resume\), or restore an intact copy/);
  });

  it('refuse a 0-byte file as empty, and a checkpoint without a checksum', () => {
    writeFileSync(join(dir, 'empty.arrow'), new Uint8Array(0));
    expect(() => loadCheckpoint(join(dir, 'empty.arrow'))).toThrow(/'.*empty\.arrow' is empty \(0 bytes\), not a checkpoint: delete it/);
  });

  it('remove temp files that an interrupted write left behind, and keep those of live writers', () => {
    const dead = spawnSync(process.execPath, ['-e', '0']).pid!; // a process that has exited
    const stale = join(dir, `.t.arrow.${dead}.1.tmp`);
    const live = join(dir, `.t.arrow.${process.ppid}.2.tmp`);
    writeFileSync(stale, 'half a checkpoint');
    writeFileSync(live, 'being written');
    saveCheckpoint(join(dir, 't.arrow'), ckpt);
    expect(existsSync(stale)).toBe(false);
    expect(existsSync(live)).toBe(true);
    expect(loadCheckpoint(join(dir, 't.arrow')).kind).toBe('demo');
  });
});
