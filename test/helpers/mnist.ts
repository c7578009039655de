/** Real-MNIST fixtures for tests: small, fixed slices of the bundled data. */
import { loadMnist } from '../../src/io/node/mnist.js';

/** The first `n` training digits (optionally only some classes) as float32 rows and int labels. */
export function mnistRows(n: number, opts: { split?: 'train' | 'test'; classes?: number[]; start?: number } = {}) {
  const data = loadMnist(opts.split ?? 'train');
  const rows: number[] = [];
  for (let r = opts.start ?? 0; r < data.y.length && rows.length < n; r++) if (!opts.classes || opts.classes.includes(data.y[r])) rows.push(r);
  const x = new Float32Array(rows.length * 784);
  rows.forEach((r, i) => x.set(data.x.subarray(r * 784, (r + 1) * 784), i * 784));
  const y = Int32Array.from(rows, (r) => (opts.classes ? opts.classes.indexOf(data.y[r]) : data.y[r]));
  return { x, y, n: rows.length };
}
