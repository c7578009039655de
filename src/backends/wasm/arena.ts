/**
 * A bump allocator over a WebAssembly module's linear memory: each kernel call lays out all its
 * arrays at once (so the memory grows at most once and no view is detached afterwards), fills
 * them through typed-array views, and passes byte offsets to the module.
 */

type ViewKind = 'i32' | 'u32' | 'f32' | 'f64' | 'u8' | 'i64';
const BYTES: Record<ViewKind, number> = { i32: 4, u32: 4, f32: 4, f64: 8, u8: 1, i64: 8 };

/** Views and offsets of one call's arrays. */
export interface Layout<K extends string> {
  offset: Record<K, number>;
  i32(name: K): Int32Array;
  u32(name: K): Uint32Array;
  f32(name: K): Float32Array;
  f64(name: K): Float64Array;
  u8(name: K): Uint8Array;
  i64(name: K): BigInt64Array;
}

/** Lays out `arrays` (name → [kind, length]) from the module's heap base, growing memory if needed. */
export function layout<K extends string>(memory: WebAssembly.Memory, heapBase: number, arrays: Record<K, [ViewKind, number]>): Layout<K> {
  const offset = {} as Record<K, number>;
  let top = heapBase;
  for (const name of Object.keys(arrays) as K[]) {
    const [kind, length] = arrays[name];
    top = (top + 15) & ~15;
    offset[name] = top;
    top += BYTES[kind] * Math.max(1, length);
  }
  const pages = Math.ceil(top / 65536) - memory.buffer.byteLength / 65536;
  if (pages > 0) memory.grow(pages);
  const view =
    <T>(Ctor: new (b: ArrayBuffer, o: number, n: number) => T) =>
    (name: K) =>
      new Ctor(memory.buffer, offset[name], arrays[name][1]);
  return {
    offset,
    i32: view(Int32Array),
    u32: view(Uint32Array),
    f32: view(Float32Array),
    f64: view(Float64Array),
    u8: view(Uint8Array),
    i64: view(BigInt64Array),
  };
}
