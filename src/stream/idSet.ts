/**
 * A set of Int32 sample ids, for exactly-once training: which ids a model has learned from.
 *
 * Ids live in bitmap blocks of 65536 (like Roaring bitmaps without the run/array containers):
 * O(1) add, has and delete, 8 KB per block touched, so MNIST's 70000 ids take 16 KB however
 * they arrive. It round-trips through checkpoint tensors.
 */

const BLOCK_BITS = 16;
const WORDS = (1 << BLOCK_BITS) / 32;

/** Sample ids seen so far. */
export class IdSet {
  private readonly blocks = new Map<number, Uint32Array>();
  private count = 0;

  /** Number of ids in the set. */
  get size(): number {
    return this.count;
  }

  has(id: number): boolean {
    const block = this.blocks.get(id >> BLOCK_BITS);
    const bit = id & 0xffff;
    return block !== undefined && (block[bit >>> 5] & (1 << (bit & 31))) !== 0;
  }

  /** Adds `id`; returns false if it was already there. */
  add(id: number): boolean {
    let block = this.blocks.get(id >> BLOCK_BITS);
    if (!block) this.blocks.set(id >> BLOCK_BITS, (block = new Uint32Array(WORDS)));
    const bit = id & 0xffff;
    const mask = 1 << (bit & 31);
    if (block[bit >>> 5] & mask) return false;
    block[bit >>> 5] |= mask;
    this.count++;
    return true;
  }

  /** Removes `id`; returns false if it was not there. */
  delete(id: number): boolean {
    const block = this.blocks.get(id >> BLOCK_BITS);
    const bit = id & 0xffff;
    const mask = 1 << (bit & 31);
    if (!block || !(block[bit >>> 5] & mask)) return false;
    block[bit >>> 5] &= ~mask;
    this.count--;
    return true;
  }

  /** The set as two Int32 tensors: block numbers, and their bitmaps back to back. */
  toTensors(): { blocks: Int32Array; bits: Int32Array } {
    const keys = [...this.blocks.keys()].sort((a, b) => a - b);
    const bits = new Int32Array(Math.max(1, keys.length) * WORDS);
    keys.forEach((k, i) => bits.set(new Int32Array(this.blocks.get(k)!.buffer), i * WORDS));
    return { blocks: Int32Array.from(keys.length > 0 ? keys : [0]), bits };
  }

  /** Rebuilds a set from `toTensors`. */
  static fromTensors(blocks: Int32Array, bits: Int32Array): IdSet {
    const set = new IdSet();
    if (bits.length !== blocks.length * WORDS) throw new Error(`IdSet: ${blocks.length} blocks need ${blocks.length * WORDS} words, got ${bits.length}`);
    blocks.forEach((k, i) => {
      const words = new Uint32Array(bits.slice(i * WORDS, (i + 1) * WORDS).buffer);
      let n = 0;
      for (const w of words) n += popcount(w);
      if (n > 0) {
        set.blocks.set(k, words);
        set.count += n;
      }
    });
    return set;
  }
}

function popcount(v: number): number {
  let x = v - ((v >>> 1) & 0x55555555);
  x = (x & 0x33333333) + ((x >>> 2) & 0x33333333);
  return (((x + (x >>> 4)) & 0x0f0f0f0f) * 0x01010101) >>> 24;
}
