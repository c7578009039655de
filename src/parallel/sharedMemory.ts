/** Copies of arrays in shared memory, which worker threads read without copying them again. */

/** `x` itself when it already lives in a SharedArrayBuffer, else a shared copy of it. */
export function sharedCopy(x: Float32Array): Float32Array & { buffer: SharedArrayBuffer } {
  if (x.buffer instanceof SharedArrayBuffer) return x as Float32Array & { buffer: SharedArrayBuffer };
  const out = new Float32Array(new SharedArrayBuffer(x.byteLength));
  out.set(x);
  return out as Float32Array & { buffer: SharedArrayBuffer };
}
