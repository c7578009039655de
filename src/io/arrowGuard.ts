/**
 * A guard on Arrow IPC decoding of untrusted bytes. Arrow's metadata is FlatBuffers, whose
 * JavaScript reader does not verify a buffer: a corrupt vector length (a flipped byte in a
 * footer, a schema or a batch header) is believed, and the decoder then loops over billions of
 * phantom record batches or fields, or allocates for them. Every vector element takes at least
 * one byte, so a length beyond the bytes the buffer holds is impossible in a valid buffer: this
 * module makes FlatBuffers' vector-length accessor throw on one, which Arrow reports as a decode
 * error. It patches the one FlatBuffers instance that Arrow and this package share (imported for
 * its side effect by every module that decodes Arrow IPC).
 */
import { ByteBuffer } from 'flatbuffers';

const GUARDED = Symbol.for('amem-flow.flatbuffers-guard');

type Guarded = typeof ByteBuffer.prototype & { [GUARDED]?: true };

const proto = ByteBuffer.prototype as Guarded;
if (!proto[GUARDED]) {
  const vectorLength = proto.__vector_len;
  proto.__vector_len = function (this: ByteBuffer, offset: number): number {
    const n = vectorLength.call(this, offset);
    if (n < 0 || n > this.capacity()) throw new RangeError(`corrupt Arrow metadata: a FlatBuffers vector claims ${n} elements in a ${this.capacity()}-byte buffer`);
    return n;
  };
  proto[GUARDED] = true;
}
