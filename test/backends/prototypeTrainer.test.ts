/**
 * The epoch engines keep each class's squared norm equal, bit for bit, to its pixel-order sum:
 * updated in place while the sums are exact (integer pixels, norms below 2^50), recomputed
 * otherwise. A norm off by one rounding would decide near-ties unlike the brute-force rule.
 */
import { describe, expect, it } from 'vitest';
import { trainPrototypesWith, type EpochEngine } from '../../src/backends/prototypeTrainer.js';
import { cpuEpochEngine } from '../../src/backends/cpu/trainEpoch.js';
import { squaredNorm } from '../../src/backends/cpu/prototypeScore.js';
import { wasmEpochEngine } from '../../src/backends/wasm/module.js';
import { Rng } from '../../src/util/random.js';
import { mnistRows } from '../helpers/mnist.js';

/** Wraps an engine to check every norm against its pixel-order sum after each epoch. */
function checkingNorms(engine: EpochEngine, seen: { epochs: number; largest: number }): EpochEngine {
  return {
    allocate: (...a) => engine.allocate(...a),
    runEpoch(st, record) {
      const r = engine.runEpoch(st, record);
      for (let c = 0; c < st.K; c++) {
        const want = squaredNorm(st.S, c, st.K, st.D);
        expect(st.norm[c], `class ${c} after epoch ${seen.epochs + 1}`).toBe(want);
        seen.largest = Math.max(seen.largest, want);
      }
      seen.epochs++;
      return r;
    },
  };
}

const { x } = mnistRows(300, { start: 3000 });
const rng = new Rng(8);
const y = Int32Array.from({ length: 300 }, () => rng.int(3));
const cases = [
  { name: 'raw pixels (exact: in place)', x, exact: true, past: false },
  { name: 'pixels / 255 (recomputed)', x: x.map((v) => v / 255), exact: false, past: false },
  { name: 'pixels × 251 (exact, then past 2^53)', x: x.map((v) => v * 251), exact: true, past: true },
];

describe.each([
  ['cpu', () => cpuEpochEngine],
  ['wasm', wasmEpochEngine],
] as const)('%s epoch engine', (_name, makeEngine) => {
  it.each(cases)('keeps every squared norm equal to its pixel-order sum: $name', ({ x: xs, exact, past }) => {
    const seen = { epochs: 0, largest: 0 };
    const engine = checkingNorms(makeEngine(), seen);
    let flagged = -1;
    const probe: EpochEngine = {
      allocate: (...a) => engine.allocate(...a),
      runEpoch(st, record) {
        flagged = st.exactSums[0];
        return engine.runEpoch(st, record);
      },
    };
    const r = trainPrototypesWith(probe, { x: xs, y, width: 784, classes: 3, sums: new Float64Array(3 * 784), counts: new Float64Array(3).fill(1), maxEpochs: 25 });
    expect(r.misses.every((m) => m > 0)).toBe(true);
    expect(seen.epochs).toBe(25);
    expect(flagged).toBe(exact ? 1 : 0);
    if (past) expect(seen.largest).toBeGreaterThan(2 ** 53);
    else expect(seen.largest).toBeLessThan(2 ** 48);
  });
});
