/**
 * The currents' weights of the competing units: sign(w)·|w|^(p−1) of each unit, transposed
 * (width × hidden), the layout the currents kernels read (one input's weights across units).
 */

/** The exponent p − 1 when it is a small integer (powers by repeated multiplication), else undefined. */
export function integerExponent(p: number): number | undefined {
  const e = p - 1;
  return Number.isInteger(e) && e >= 1 && e <= 8 ? e : undefined;
}

/**
 * Writes sign(w)·|w|^(p−1) of the given units (all when absent) transposed into `wT`, whose rows
 * are `stride` units apart (default: the number of units); integer powers by multiplication in
 * float64, rounded to float32 once.
 */
export function writePowersT(w: Float32Array, wT: Float32Array, width: number, p: number, units?: ArrayLike<number>, stride = w.length / width): void {
  const H = w.length / width;
  const e = p - 1;
  const integer = integerExponent(p) !== undefined;
  const each = (h: number) => {
    for (let j = 0; j < width; j++) {
      const v = w[h * width + j];
      let r = v;
      if (integer) {
        const a = Math.abs(v);
        for (let i = 1; i < e; i++) r *= a;
      } else {
        r = Math.sign(v) * Math.abs(v) ** e;
      }
      wT[j * stride + h] = r;
    }
  };
  if (units) for (let i = 0; i < units.length; i++) each(units[i]);
  else for (let h = 0; h < H; h++) each(h);
}
