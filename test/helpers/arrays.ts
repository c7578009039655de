/** Fast exact comparison of large arrays for tests (vitest's deep equality is slow on millions of elements). */

/** Index of the first element where `a` and `b` differ bit for bit (-1 if none; the shorter length if lengths differ). */
export function firstDifference(a: ArrayBufferView, b: ArrayBufferView): number {
  const x = new Uint8Array(a.buffer, a.byteOffset, a.byteLength);
  const y = new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
  if (x.length !== y.length) return Math.min(x.length, y.length);
  if (Buffer.compare(x, y) === 0) return -1;
  for (let i = 0; i < x.length; i++) if (x[i] !== y[i]) return i;
  return -1;
}
