// AssemblyScript source of the wasm backend's fused kernels (compiled by `npm run build:wasm`).
//
// Each class's (or plane's) dot product is summed in float64, sequentially over the non-zero
// pixels in pixel order, exactly as the TypeScript reference (src/backends/cpu) does, and with
// the same expressions for scores, norms and drifts: the results are bit-identical to `cpu`.
// SIMD goes across classes (f64x2 = two classes per instruction), never across pixels, because
// that would change the order of the additions.
//
// Memory: the JS side lays out every array in linear memory from heapBase() and passes byte
// offsets; nothing here allocates.

export function heapBase(): usize {
  return __heap_base;
}

// dots[c] = sum_e M[cols[e]*K + c] * vals[e], for every c < K (M pixel-major, width × K).
function allDots(M: usize, K: i32, cols: usize, vals: usize, e0: i32, e1: i32, dots: usize): void {
  const rowBytes = <usize>K << 3;
  let c: i32 = 0;
  // Ten classes per pass: five independent chains of additions hide the latency of each.
  for (; c + 10 <= K; c += 10) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    let a4 = f64x2.splat(0);
    const off = <usize>c << 3;
    for (let e = e0; e < e1; e++) {
      const p = M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes + off;
      const v = v128.load64_splat(vals + (<usize>e << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), v));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), v));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), v));
      a4 = f64x2.add(a4, f64x2.mul(v128.load(p, 64), v));
    }
    const d = dots + off;
    v128.store(d, a0);
    v128.store(d, a1, 16);
    v128.store(d, a2, 32);
    v128.store(d, a3, 48);
    v128.store(d, a4, 64);
  }
  for (; c + 8 <= K; c += 8) {
    let a0 = f64x2.splat(0);
    let a1 = f64x2.splat(0);
    let a2 = f64x2.splat(0);
    let a3 = f64x2.splat(0);
    const off = <usize>c << 3;
    for (let e = e0; e < e1; e++) {
      const p = M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes + off;
      const v = v128.load64_splat(vals + (<usize>e << 3));
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), v));
      a1 = f64x2.add(a1, f64x2.mul(v128.load(p, 16), v));
      a2 = f64x2.add(a2, f64x2.mul(v128.load(p, 32), v));
      a3 = f64x2.add(a3, f64x2.mul(v128.load(p, 48), v));
    }
    const d = dots + off;
    v128.store(d, a0);
    v128.store(d, a1, 16);
    v128.store(d, a2, 32);
    v128.store(d, a3, 48);
  }
  for (; c + 2 <= K; c += 2) {
    let a0 = f64x2.splat(0);
    const off = <usize>c << 3;
    for (let e = e0; e < e1; e++) {
      const p = M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes + off;
      a0 = f64x2.add(a0, f64x2.mul(v128.load(p), f64x2.splat(load<f64>(vals + (<usize>e << 3)))));
    }
    v128.store(dots + off, a0);
  }
  if (c < K) store<f64>(dots + (<usize>c << 3), oneDot(M, K, c, cols, vals, e0, e1));
}

function oneDot(M: usize, K: i32, c: i32, cols: usize, vals: usize, e0: i32, e1: i32): f64 {
  const rowBytes = <usize>K << 3;
  const off = <usize>c << 3;
  let a: f64 = 0;
  for (let e = e0; e < e1; e++) a += load<f64>(M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes + off) * load<f64>(vals + (<usize>e << 3));
  return a;
}

// With exact dots (integer pixels, sums multiples of ½, every partial sum below 2^52: see
// module.ts's `exactDots`) the order of the additions cannot change a bit, so one class's dot runs
// as four interleaved chains, not one chain bound by the latency of each addition.
function oneDotExact(M: usize, K: i32, c: i32, cols: usize, vals: usize, e0: i32, e1: i32): f64 {
  const rowBytes = <usize>K << 3;
  const off = <usize>c << 3;
  let a0: f64 = 0;
  let a1: f64 = 0;
  let a2: f64 = 0;
  let a3: f64 = 0;
  let e = e0;
  for (; e + 4 <= e1; e += 4) {
    const q = cols + (<usize>e << 2);
    const w = vals + (<usize>e << 3);
    a0 += load<f64>(M + <usize>load<i32>(q) * rowBytes + off) * load<f64>(w);
    a1 += load<f64>(M + <usize>load<i32>(q, 4) * rowBytes + off) * load<f64>(w, 8);
    a2 += load<f64>(M + <usize>load<i32>(q, 8) * rowBytes + off) * load<f64>(w, 16);
    a3 += load<f64>(M + <usize>load<i32>(q, 12) * rowBytes + off) * load<f64>(w, 24);
  }
  for (; e < e1; e++) a0 += load<f64>(M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes + off) * load<f64>(vals + (<usize>e << 3));
  return a0 + a1 + (a2 + a3);
}

// Two classes' exact dots, each as two interleaved chains (see oneDotExact).
function twoDotsExact(M: usize, K: i32, c1: i32, c2: i32, cols: usize, vals: usize, e0: i32, e1: i32, dots: usize): void {
  const rowBytes = <usize>K << 3;
  const o1 = <usize>c1 << 3;
  const o2 = <usize>c2 << 3;
  let a0: f64 = 0;
  let a1: f64 = 0;
  let b0: f64 = 0;
  let b1: f64 = 0;
  let e = e0;
  for (; e + 2 <= e1; e += 2) {
    const r0 = M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes;
    const r1 = M + <usize>load<i32>(cols + (<usize>e << 2), 4) * rowBytes;
    const v0 = load<f64>(vals + (<usize>e << 3));
    const v1 = load<f64>(vals + (<usize>e << 3), 8);
    a0 += load<f64>(r0 + o1) * v0;
    b0 += load<f64>(r0 + o2) * v0;
    a1 += load<f64>(r1 + o1) * v1;
    b1 += load<f64>(r1 + o2) * v1;
  }
  if (e < e1) {
    const r0 = M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes;
    const v0 = load<f64>(vals + (<usize>e << 3));
    a0 += load<f64>(r0 + o1) * v0;
    b0 += load<f64>(r0 + o2) * v0;
  }
  store<f64>(dots + o1, a0 + a1);
  store<f64>(dots + o2, b0 + b1);
}

// The dots of classes c1 and c2 in one pass (two chains side by side), each summed as oneDot sums it.
function twoDots(M: usize, K: i32, c1: i32, c2: i32, cols: usize, vals: usize, e0: i32, e1: i32, dots: usize): void {
  const rowBytes = <usize>K << 3;
  const o1 = <usize>c1 << 3;
  const o2 = <usize>c2 << 3;
  let a: f64 = 0;
  let b: f64 = 0;
  for (let e = e0; e < e1; e++) {
    const row = M + <usize>load<i32>(cols + (<usize>e << 2)) * rowBytes;
    const v = load<f64>(vals + (<usize>e << 3));
    a += load<f64>(row + o1) * v;
    b += load<f64>(row + o2) * v;
  }
  store<f64>(dots + o1, a);
  store<f64>(dots + o2, b);
}

// @ts-ignore: decorator
@inline
function prototypeScore(norm: f64, count: f64, dot: f64): f64 {
  return norm / (count * count) - (2 * dot) / count;
}

// Non-zero entries of row x[offset .. offset+width) into (cols, vals); returns how many.
// @ts-ignore: decorator
@inline
function nonZeros<T>(x: usize, offset: usize, width: i32, cols: usize, vals: usize): i32 {
  const row = x + (offset << alignof<T>());
  let n = 0;
  let j = 0;
  // Sixteen bytes at a time: skip all-zero runs (most of an MNIST digit), else take each value
  // without a branch (stored at n, kept by advancing n only when it is not 0).
  const step = 16 >> alignof<T>();
  for (; j + step <= width; j += step) {
    if (!v128.any_true(v128.load(row + (<usize>j << alignof<T>())))) continue;
    for (let k = j; k < j + step; k++) {
      const v = <f64>load<T>(row + (<usize>k << alignof<T>()));
      store<i32>(cols + (<usize>n << 2), k);
      store<f64>(vals + (<usize>n << 3), v);
      n += i32(v != 0);
    }
  }
  for (; j < width; j++) {
    const v = <f64>load<T>(row + (<usize>j << alignof<T>()));
    store<i32>(cols + (<usize>n << 2), j);
    store<f64>(vals + (<usize>n << 3), v);
    n += i32(v != 0);
  }
  return n;
}

// ---- nearest prototype: out[i] = argmin_c score over the prototypes of row i's group ----
function nearest<T>(x: usize, rows: i32, width: i32, groups: usize, sums: usize, norms: usize, counts: usize, K: i32, cols: usize, vals: usize, dots: usize, out: usize): void {
  const groupBytes = <usize>width * <usize>K << 3;
  for (let i = 0; i < rows; i++) {
    const g = groups ? load<i32>(groups + (<usize>i << 2)) : 0;
    const nnz = nonZeros<T>(x, <usize>i * <usize>width, width, cols, vals);
    allDots(sums + <usize>g * groupBytes, K, cols, vals, 0, nnz, dots);
    let best: f64 = Infinity;
    let arg = 0;
    for (let c = 0; c < K; c++) {
      const gc = (<usize>g * <usize>K + <usize>c) << 3;
      const s = prototypeScore(load<f64>(norms + gc), load<f64>(counts + gc), load<f64>(dots + (<usize>c << 3)));
      if (s < best) {
        best = s;
        arg = c;
      }
    }
    store<i32>(out + (<usize>i << 2), arg);
  }
}

export function nearestU8(x: usize, rows: i32, width: i32, groups: usize, sums: usize, norms: usize, counts: usize, K: i32, cols: usize, vals: usize, dots: usize, out: usize): void {
  nearest<u8>(x, rows, width, groups, sums, norms, counts, K, cols, vals, dots, out);
}

export function nearestF32(x: usize, rows: i32, width: i32, groups: usize, sums: usize, norms: usize, counts: usize, K: i32, cols: usize, vals: usize, dots: usize, out: usize): void {
  nearest<f32>(x, rows, width, groups, sums, norms, counts, K, cols, vals, dots, out);
}

// ---- LSH codes: sign bits of the projections on `bits` planes (pixel-major), MSB first ----
function lsh<T>(x: usize, rows: i32, width: i32, planes: usize, bits: i32, cols: usize, vals: usize, proj: usize, out: usize): void {
  for (let i = 0; i < rows; i++) {
    const nnz = nonZeros<T>(x, <usize>i * <usize>width, width, cols, vals);
    allDots(planes, bits, cols, vals, 0, nnz, proj);
    let code: u32 = 0;
    for (let b = 0; b < bits; b++) code = (code << 1) | (load<f64>(proj + (<usize>b << 3)) > 0 ? 1 : 0);
    store<u32>(out + (<usize>i << 2), code);
  }
}

export function lshU8(x: usize, rows: i32, width: i32, planes: usize, bits: i32, cols: usize, vals: usize, proj: usize, out: usize): void {
  lsh<u8>(x, rows, width, planes, bits, cols, vals, proj, out);
}

export function lshF32(x: usize, rows: i32, width: i32, planes: usize, bits: i32, cols: usize, vals: usize, proj: usize, out: usize): void {
  lsh<f32>(x, rows, width, planes, bits, cols, vals, proj, out);
}

// ---- one epoch of the sharded prototype rule (see src/backends/cpu/trainPrototypes.ts) ----
const MARGIN: f64 = 1e-9;
// As in prototypeTrainer.ts and cpu/trainEpoch.ts.
const EXACT_LIMIT: f64 = 1125899906842624; // 2^50
const ROUNDING: f64 = 8 * f64.EPSILON;

// How far M_y moves when x joins it, from sums at hand (as cpu/trainEpoch.ts's moveFromSums).
function moveFromSums(normNew: f64, dotNew: f64, xn: f64, t0: f64, t1: f64, D: i32): f64 {
  const r0 = 1 / t0;
  const dr = 1 / t1 - r0;
  const a = dr * dr * normNew;
  const b = 2 * dr * r0 * dotNew;
  const c = r0 * r0 * xn;
  const size = a + 2 * Math.abs(dr) * r0 * Math.sqrt(normNew * xn) + c;
  return Math.sqrt(Math.max(a + b + c + <f64>(2 * D + 16) * f64.EPSILON * size, 0));
}

// The rule's update for a miss on sample i (label y predicted as p), as cpu/trainEpoch.ts's
// learnFromMiss: norms in place with exact sums, else recomputed in pixel order.
function learnFromMiss(
  i: i32, y: i32, p: i32, D: i32, K: i32,
  rowStart: usize, cols: usize, vals: usize, xNorm: usize, x: usize,
  S: usize, T: usize, norm: usize, drift: usize, exact: bool, xBytes: bool,
): void {
  const e0 = load<i32>(rowStart + (<usize>i << 2));
  const e1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
  const xn = load<f64>(xNorm + (<usize>i << 3));
  const oy = <usize>y << 3;
  const op = <usize>p << 3;
  const t0 = load<f64>(T + oy);
  const t1 = t0 + 1;
  store<f64>(T + oy, t1);
  let dot: f64 = 0;
  for (let e = e0; e < e1; e++) {
    const o = ((<usize>load<i32>(cols + (<usize>e << 2)) * <usize>K) << 3) + oy;
    const v = load<f64>(vals + (<usize>e << 3));
    const before = load<f64>(S + o);
    dot += before * v;
    store<f64>(S + o, before + v);
  }
  const normY0 = load<f64>(norm + oy);
  let movedY: f64 = 0;
  let normY: f64 = 0;
  const denseY = !(exact && t0 > 0 && normY0 < EXACT_LIMIT / 4 && xn < EXACT_LIMIT / 4);
  if (!denseY) {
    // ||S_y + x||² = ||S_y||² + 2 S_y·x + ||x||², and M_y moves by (x − M_y)/t1.
    const a = normY0 / (t0 * t0);
    const b = (2 * dot) / t0;
    movedY = Math.sqrt(Math.max(xn + a - b + ROUNDING * (xn + a + b), 0)) / t1;
    normY = normY0 + 2 * dot + xn;
  }
  let movedP: f64 = 0;
  const tp = load<f64>(T + op);
  const normP0 = load<f64>(norm + op);
  let normP: f64 = normP0;
  for (let e = e0; e < e1; e++) {
    const o = ((<usize>load<i32>(cols + (<usize>e << 2)) * <usize>K) << 3) + op;
    const before = load<f64>(S + o);
    const after = Math.max(before - load<f64>(vals + (<usize>e << 3)) / 2, 0);
    store<f64>(S + o, after);
    const dm = (after - before) / tp;
    movedP += dm * dm;
    normP += after * after - before * before;
  }
  const denseP = !(exact && normP0 < EXACT_LIMIT);
  if (denseY || denseP) {
    // One pass for the squared norms not updated in place: two independent chains, each summed in
    // pixel order as the reference's squaredNorm sums them (zero terms change no bit).
    let nY: f64 = 0;
    let nP: f64 = 0;
    const rowBytes = <usize>K << 3;
    let ay = S + oy;
    let ap = S + op;
    for (let j = 0; j < D; j++) {
      const now = load<f64>(ay);
      const vp = load<f64>(ap);
      nY += now * now;
      nP += vp * vp;
      ay += rowBytes;
      ap += rowBytes;
    }
    if (denseY) {
      normY = nY;
      if (t0 > 0) movedY = moveFromSums(nY, dot + xn, xn, t0, t1, D);
      else {
        // An empty class: the reference's quotients (and their NaN) exactly.
        let moved2: f64 = 0;
        const xo = <usize>i * <usize>D;
        let at = S + oy;
        for (let j = 0; j < D; j++) {
          const now = load<f64>(at);
          const xj = xBytes ? <f64>load<u8>(x + xo + <usize>j) : <f64>load<f32>(x + ((xo + <usize>j) << 2));
          const dm = now / t1 - (now - xj) / t0;
          moved2 += dm * dm;
          at += rowBytes;
        }
        movedY = Math.sqrt(moved2);
      }
    }
    if (denseP) normP = nP;
  }
  store<f64>(norm + oy, normY);
  store<f64>(norm + op, normP);
  // Round drifts up a little so accumulated rounding can only loosen the bounds.
  store<f64>(drift + oy, load<f64>(drift + oy) + movedY * (1 + 1e-12));
  store<f64>(drift + op, load<f64>(drift + op) + Math.sqrt(movedP) * (1 + 1e-12));
}

// Returns the epoch's misses; adds the distance evaluations done to the i64 at evalsOut; when pred
// is not 0, writes each visit's prediction (before training on the sample) there.
export function trainEpoch(
  n: i32, D: i32, K: i32,
  rowStart: usize, cols: usize, vals: usize, xNorm: usize, x: usize, labels: usize,
  S: usize, T: usize, norm: usize, version: usize, drift: usize,
  score: usize, dist: usize, seenVersion: usize, seenDrift: usize,
  lower: usize, stale: usize, dots: usize, evalsOut: usize, pred: usize, exact: bool, exactDots: bool,
  xBytes: bool,
): i32 {
  let misses = 0;
  let evals: i64 = 0;
  for (let i = 0; i < n; i++) {
    const base = <usize>i * <usize>K;
    let bestUpper: f64 = Infinity;
    for (let c = 0; c < K; c++) {
      const k = base + <usize>c;
      const seen = load<i32>(seenVersion + (k << 2));
      const dk = load<f64>(dist + (k << 3));
      if (seen == load<i32>(version + (<usize>c << 2))) {
        store<f64>(lower + (<usize>c << 3), dk);
        if (dk < bestUpper) bestUpper = dk;
      } else if (seen < 0) {
        store<f64>(lower + (<usize>c << 3), -Infinity);
      } else {
        const slack = load<f64>(drift + (<usize>c << 3)) - load<f64>(seenDrift + (k << 3));
        store<f64>(lower + (<usize>c << 3), dk - slack);
        if (dk + slack < bestUpper) bestUpper = dk + slack;
      }
    }
    const limit = bestUpper + MARGIN * (bestUpper + 1);
    let m = 0;
    for (let c = 0; c < K; c++) {
      if (load<f64>(lower + (<usize>c << 3)) <= limit && load<i32>(seenVersion + ((base + <usize>c) << 2)) != load<i32>(version + (<usize>c << 2))) {
        store<i32>(stale + (<usize>m << 2), c);
        m++;
      }
    }
    const e0 = load<i32>(rowStart + (<usize>i << 2));
    const e1 = load<i32>(rowStart + (<usize>(i + 1) << 2));
    if (m > 0) {
      // With more than two stale classes, all K at two per instruction cost less than one by one.
      if (m > 2) allDots(S, K, cols, vals, e0, e1, dots);
      else if (m == 2) {
        if (exactDots) twoDotsExact(S, K, load<i32>(stale), load<i32>(stale + 4), cols, vals, e0, e1, dots);
        else twoDots(S, K, load<i32>(stale), load<i32>(stale + 4), cols, vals, e0, e1, dots);
      } else {
        const c = load<i32>(stale);
        store<f64>(dots + (<usize>c << 3), exactDots ? oneDotExact(S, K, c, cols, vals, e0, e1) : oneDot(S, K, c, cols, vals, e0, e1));
      }
      for (let t = 0; t < m; t++) {
        const c = load<i32>(stale + (<usize>t << 2));
        const dot = load<f64>(dots + (<usize>c << 3));
        const k = base + <usize>c;
        const s = prototypeScore(load<f64>(norm + (<usize>c << 3)), load<f64>(T + (<usize>c << 3)), dot);
        store<f64>(score + (k << 3), s);
        const d2 = s + load<f64>(xNorm + (<usize>i << 3));
        store<f64>(dist + (k << 3), d2 > 0 ? Math.sqrt(d2) : 0);
        store<i32>(seenVersion + (k << 2), load<i32>(version + (<usize>c << 2)));
        store<f64>(seenDrift + (k << 3), load<f64>(drift + (<usize>c << 3)));
      }
      evals += m;
    }
    let p = 0;
    let best: f64 = Infinity;
    for (let c = 0; c < K; c++) {
      if (load<f64>(lower + (<usize>c << 3)) > limit) continue;
      const s = load<f64>(score + ((base + <usize>c) << 3));
      if (s < best) {
        best = s;
        p = c;
      }
    }
    if (pred) store<i32>(pred + (<usize>i << 2), p);
    const label = load<i32>(labels + (<usize>i << 2));
    if (p != label) {
      misses++;
      learnFromMiss(i, label, p, D, K, rowStart, cols, vals, xNorm, x, S, T, norm, drift, exact, xBytes);
      store<i32>(version + (<usize>label << 2), load<i32>(version + (<usize>label << 2)) + 1);
      store<i32>(version + (<usize>p << 2), load<i32>(version + (<usize>p << 2)) + 1);
    }
  }
  store<i64>(evalsOut, load<i64>(evalsOut) + evals);
  return misses;
}

// ---- Dense Associative Memory: the elementwise core of one minibatch (see src/backends/denseAm.ts) ----
// With a = ξ·U overlaps (K × B) and lab = ξ_lab (K × Nc): for every class α, memory μ and sample b,
// r = relu(a + 2·lab[μ,α]) / T; act[α,b] += r^n, P[α,μ,b] = r^(n−1); and r0 = relu(a)/T gives
// Q = r0^(n−1), act[α,b] −= Σ_μ r0^n. SIMD runs along the batch (four samples per instruction).

// x^k for k >= 1 by repeated squaring, four lanes at a time.
// @ts-ignore: decorator
@inline
function powv(x: v128, k: i32): v128 {
  let result = f32x4.splat(1);
  let base = x;
  for (let e = k; e > 0; e >>= 1) {
    if (e & 1) result = f32x4.mul(result, base);
    if (e > 1) base = f32x4.mul(base, base);
  }
  return result;
}

// Forward: act (Nc × B) = Σ_μ [r^n − r0^n]; when P is not 0, also P (Nc × K × B) and Q (K × B).
export function damForward(a: usize, lab: usize, K: i32, B: i32, Nc: i32, n: i32, invT: f32, P: usize, Q: usize, act: usize): void {
  const zero = f32x4.splat(0);
  const scale = f32x4.splat(invT);
  const rowBytes = <usize>B << 2;
  memory.fill(act, 0, <usize>Nc * rowBytes);
  // −Σ_μ r0^n into every class row, and Q
  for (let mu = 0; mu < K; mu++) {
    const ar = a + <usize>mu * rowBytes;
    for (let b = 0; b < B; b += 4) {
      const r0 = f32x4.mul(f32x4.max(v128.load(ar + (<usize>b << 2)), zero), scale);
      const q = powv(r0, n - 1);
      if (Q) v128.store(Q + <usize>mu * rowBytes + (<usize>b << 2), q);
      const rn = f32x4.mul(q, r0);
      for (let c = 0; c < Nc; c++) {
        const p = act + <usize>c * rowBytes + (<usize>b << 2);
        v128.store(p, f32x4.sub(v128.load(p), rn));
      }
    }
  }
  for (let c = 0; c < Nc; c++) {
    const actRow = act + <usize>c * rowBytes;
    for (let mu = 0; mu < K; mu++) {
      const shift = f32x4.splat(2 * load<f32>(lab + ((<usize>mu * <usize>Nc + <usize>c) << 2)));
      const ar = a + <usize>mu * rowBytes;
      const pr = P + (<usize>c * <usize>K + <usize>mu) * rowBytes;
      for (let b = 0; b < B; b += 4) {
        const r = f32x4.mul(f32x4.max(f32x4.add(v128.load(ar + (<usize>b << 2)), shift), zero), scale);
        const p = powv(r, n - 1);
        if (P) v128.store(pr + (<usize>b << 2), p);
        const o = actRow + (<usize>b << 2);
        v128.store(o, f32x4.add(v128.load(o), f32x4.mul(p, r)));
      }
    }
  }
}

// Backward: H (K × B) = Σ_α g[α,b]·P[α,μ,b] − (Σ_α g[α,b])·Q[μ,b];
// dLab (K × Nc) = 2 Σ_b g[α,b]·P[α,μ,b] − Σ_b H[μ,b]. gsum (B) is scratch.
export function damBackward(P: usize, Q: usize, g: usize, K: i32, B: i32, Nc: i32, H: usize, dLab: usize, gsum: usize): void {
  const rowBytes = <usize>B << 2;
  memory.fill(gsum, 0, rowBytes);
  for (let c = 0; c < Nc; c++) {
    for (let b = 0; b < B; b += 4) {
      const o = gsum + (<usize>b << 2);
      v128.store(o, f32x4.add(v128.load(o), v128.load(g + <usize>c * rowBytes + (<usize>b << 2))));
    }
  }
  for (let mu = 0; mu < K; mu++) {
    const hr = H + <usize>mu * rowBytes;
    const qr = Q + <usize>mu * rowBytes;
    for (let b = 0; b < B; b += 4) v128.store(hr + (<usize>b << 2), f32x4.neg(f32x4.mul(v128.load(gsum + (<usize>b << 2)), v128.load(qr + (<usize>b << 2)))));
    for (let c = 0; c < Nc; c++) {
      const gr = g + <usize>c * rowBytes;
      const pr = P + (<usize>c * <usize>K + <usize>mu) * rowBytes;
      let acc = f32x4.splat(0);
      for (let b = 0; b < B; b += 4) {
        const gp = f32x4.mul(v128.load(gr + (<usize>b << 2)), v128.load(pr + (<usize>b << 2)));
        acc = f32x4.add(acc, gp);
        const o = hr + (<usize>b << 2);
        v128.store(o, f32x4.add(v128.load(o), gp));
      }
      store<f32>(dLab + ((<usize>mu * <usize>Nc + <usize>c) << 2), 2 * (f32x4.extract_lane(acc, 0) + f32x4.extract_lane(acc, 1) + f32x4.extract_lane(acc, 2) + f32x4.extract_lane(acc, 3)));
    }
    let hs = f32x4.splat(0);
    for (let b = 0; b < B; b += 4) hs = f32x4.add(hs, v128.load(hr + (<usize>b << 2)));
    const hsum = f32x4.extract_lane(hs, 0) + f32x4.extract_lane(hs, 1) + f32x4.extract_lane(hs, 2) + f32x4.extract_lane(hs, 3);
    for (let c = 0; c < Nc; c++) {
      const o = dLab + ((<usize>mu * <usize>Nc + <usize>c) << 2);
      store<f32>(o, load<f32>(o) - hsum);
    }
  }
}

// The error terms between forward and backward: c = tanh(act), e = t − c over the first `valid`
// samples (padding gets g = 0), emax = max|e|, g = (e/emax)^(2m−1)·(1 − c²). Returns emax.
function damErrors(act: usize, targets: usize, g: usize, Bp: i32, valid: i32, Nc: i32, m: i32): f32 {
  let emax: f32 = 0;
  for (let c = 0; c < Nc; c++) {
    for (let b = 0; b < valid; b++) {
      const o = ((<usize>c * <usize>Bp + <usize>b) << 2);
      const e = load<f32>(targets + o) - <f32>Math.tanh(<f64>load<f32>(act + o));
      if (Mathf.abs(e) > emax) emax = Mathf.abs(e);
    }
  }
  const inv: f32 = emax > 1e-30 ? 1 / emax : 1e30;
  for (let c = 0; c < Nc; c++) {
    for (let b = 0; b < Bp; b++) {
      const o = ((<usize>c * <usize>Bp + <usize>b) << 2);
      if (b >= valid) {
        store<f32>(g + o, 0);
        continue;
      }
      const cv = <f32>Math.tanh(<f64>load<f32>(act + o));
      const ratio = (load<f32>(targets + o) - cv) * inv;
      let result: f32 = 1;
      let base = ratio;
      for (let e = 2 * m - 1; e > 0; e >>= 1) {
        if (e & 1) result *= base;
        if (e > 1) base *= base;
      }
      store<f32>(g + o, result * (1 - cv * cv));
    }
  }
  return emax;
}

// One minibatch: forward, error terms and backward. Returns max|t − c|.
export function damStep(a: usize, lab: usize, targets: usize, K: i32, Bp: i32, valid: i32, Nc: i32, n: i32, m: i32, invT: f32, P: usize, Q: usize, act: usize, g: usize, H: usize, dLab: usize, gsum: usize): f32 {
  damForward(a, lab, K, Bp, Nc, n, invT, P, Q, act);
  const emax = damErrors(act, targets, g, Bp, valid, Nc, m);
  damBackward(P, Q, g, K, Bp, Nc, H, dLab, gsum);
  return emax;
}

// ---- competing hidden units: out[b*Hp + h] = sum over non-zero x[b, j], ascending j, of wT[j*Hp + h] * x[b, j] ----
// float32 products and sums in the same order as the TypeScript reference (bit-identical); SIMD goes
// across hidden units, never across inputs. Units are taken in blocks whose slice of wT stays in
// the L2 cache while every sample of the batch runs over it. Hp is a multiple of 4 (zero-padded).
const UNIT_BLOCK: i32 = 128;

export function competingCurrents(wT: usize, Hp: i32, x: usize, rows: i32, D: i32, cols: usize, vals: usize, starts: usize, out: usize): void {
  // Non-zero inputs of every sample, once.
  let n = 0;
  for (let b = 0; b < rows; b++) {
    store<i32>(starts + (<usize>b << 2), n);
    const xb = x + ((<usize>b * <usize>D) << 2);
    for (let j = 0; j < D; j++) {
      const v = load<f32>(xb + (<usize>j << 2));
      if (v != 0) {
        store<i32>(cols + (<usize>n << 2), j);
        store<f32>(vals + (<usize>n << 2), v);
        n++;
      }
    }
  }
  store<i32>(starts + (<usize>rows << 2), n);
  for (let h0 = 0; h0 < Hp; h0 += UNIT_BLOCK) {
    const h1 = min(Hp, h0 + UNIT_BLOCK);
    for (let b = 0; b < rows; b++) {
      const o = out + ((<usize>b * <usize>Hp + <usize>h0) << 2);
      for (let h = h0; h < h1; h += 4) v128.store(o + (<usize>(h - h0) << 2), f32x4.splat(0));
      const e1 = load<i32>(starts + (<usize>(b + 1) << 2));
      let e = load<i32>(starts + (<usize>b << 2));
      const row = <usize>Hp << 2;
      // Four inputs per pass over the block: one load and one store of each accumulator instead of
      // four, with the additions still in ascending input order.
      for (; e + 3 < e1; e += 4) {
        const v0 = f32x4.splat(load<f32>(vals + (<usize>e << 2)));
        const v1 = f32x4.splat(load<f32>(vals + (<usize>e << 2), 4));
        const v2 = f32x4.splat(load<f32>(vals + (<usize>e << 2), 8));
        const v3 = f32x4.splat(load<f32>(vals + (<usize>e << 2), 12));
        const w0 = wT + <usize>load<i32>(cols + (<usize>e << 2)) * row + (<usize>h0 << 2);
        const w1 = wT + <usize>load<i32>(cols + (<usize>e << 2), 4) * row + (<usize>h0 << 2);
        const w2 = wT + <usize>load<i32>(cols + (<usize>e << 2), 8) * row + (<usize>h0 << 2);
        const w3 = wT + <usize>load<i32>(cols + (<usize>e << 2), 12) * row + (<usize>h0 << 2);
        for (let h = 0; h < h1 - h0; h += 4) {
          const q = <usize>h << 2;
          let a = v128.load(o + q);
          a = f32x4.add(a, f32x4.mul(v128.load(w0 + q), v0));
          a = f32x4.add(a, f32x4.mul(v128.load(w1 + q), v1));
          a = f32x4.add(a, f32x4.mul(v128.load(w2 + q), v2));
          a = f32x4.add(a, f32x4.mul(v128.load(w3 + q), v3));
          v128.store(o + q, a);
        }
      }
      for (; e < e1; e++) {
        const v = f32x4.splat(load<f32>(vals + (<usize>e << 2)));
        const w = wT + <usize>load<i32>(cols + (<usize>e << 2)) * row + (<usize>h0 << 2);
        for (let h = 0; h < h1 - h0; h += 4) {
          const q = <usize>h << 2;
          v128.store(o + q, f32x4.add(v128.load(o + q), f32x4.mul(v128.load(w + q), v)));
        }
      }
    }
  }
}

// ---- competing hidden units: the float64 update of the T units a minibatch names ----
// rows (T × D f32, in place): dW_t = −θ_t·w_t + Σ_hits g·x_b (hits of unit t in sample order), then
// w_t ← f32(f32(w_t·keep) + step·dW_t) with step = rate / max(max|dW|, precision); keep = 1 skips
// the decay. Same float64 operations in the same order as the TypeScript reference (bit-identical);
// SIMD goes across inputs j, which never reorders a sum. Returns max|dW| (NaN if any is NaN).
export function competingUpdateRows(rows: usize, T: i32, D: i32, theta: usize, hitStart: usize, hitSample: usize, hitCoef: usize, x: usize, dW: usize, rate: f64, precision: f64, keep: f64): f64 {
  let m0 = f64x2.splat(0);
  let nan = false;
  for (let t = 0; t < T; t++) {
    const w = rows + ((<usize>t * <usize>D) << 2);
    const d = dW + ((<usize>t * <usize>D) << 3);
    const th = f64x2.splat(-load<f64>(theta + (<usize>t << 3)));
    for (let j = 0; j < D; j += 2) v128.store(d + (<usize>j << 3), f64x2.mul(th, f64x2.promote_low_f32x4(v128.load64_zero(w + (<usize>j << 2)))));
    const e1 = load<i32>(hitStart + (<usize>(t + 1) << 2));
    for (let e = load<i32>(hitStart + (<usize>t << 2)); e < e1; e++) {
      const g = f64x2.splat(load<f64>(hitCoef + (<usize>e << 3)));
      const xb = x + ((<usize>load<i32>(hitSample + (<usize>e << 2)) * <usize>D) << 2);
      for (let j = 0; j < D; j += 2) {
        const p = d + (<usize>j << 3);
        v128.store(p, f64x2.add(v128.load(p), f64x2.mul(g, f64x2.promote_low_f32x4(v128.load64_zero(xb + (<usize>j << 2))))));
      }
    }
    for (let j = 0; j < D; j += 2) {
      const a = f64x2.abs(v128.load(d + (<usize>j << 3)));
      if (!v128.all_true<i64>(f64x2.eq(a, a))) nan = true;
      m0 = f64x2.pmax(m0, a);
    }
  }
  if (nan) return NaN;
  const maxUpdate = max(f64x2.extract_lane(m0, 0), f64x2.extract_lane(m0, 1));
  if (maxUpdate > 0 || keep != 1) {
    const s = f64x2.splat(maxUpdate > 0 ? rate / max(maxUpdate, precision) : 0);
    const k = f64x2.splat(keep);
    for (let t = 0; t < T; t++) {
      const w = rows + ((<usize>t * <usize>D) << 2);
      const d = dW + ((<usize>t * <usize>D) << 3);
      for (let j = 0; j < D; j += 2) {
        let wv = f64x2.promote_low_f32x4(v128.load64_zero(w + (<usize>j << 2)));
        if (keep != 1) wv = f64x2.promote_low_f32x4(f32x4.demote_f64x2_zero(f64x2.mul(wv, k)));
        const r = f32x4.demote_f64x2_zero(f64x2.add(wv, f64x2.mul(s, v128.load(d + (<usize>j << 3)))));
        v128.store64_lane(w + (<usize>j << 2), r, 0);
      }
    }
  }
  return maxUpdate;
}

// ---- competing hidden units: wT[j*Hp + h] = sign(w)·|w|^e of the listed units, transposed ----
// e a small integer: v·|v|^(e−1) by repeated float64 multiplication, rounded to float32 once, as
// the TypeScript reference (writePowersT) computes it, so the two agree bit for bit.
export function competingPowersT(w: usize, wT: usize, Hp: i32, D: i32, units: usize, T: i32, e: i32): void {
  for (let t = 0; t < T; t++) {
    const h = load<i32>(units + (<usize>t << 2));
    const src = w + ((<usize>h * <usize>D) << 2);
    const dst = wT + (<usize>h << 2);
    const stride = <usize>Hp << 2;
    for (let j = 0; j < D; j++) {
      const v = <f64>load<f32>(src + (<usize>j << 2));
      const a = abs(v);
      let r = v;
      for (let i = 1; i < e; i++) r *= a;
      store<f32>(dst + <usize>j * stride, <f32>r);
    }
  }
}

// ---- competing hidden units: each sample's winner and k-th ranked unit ----
// One pass over a row's H currents (rows stride apart) keeping its k best in val/idx (float64 and
// i32 scratch of k): strictly greater values move up, so ties go to the lower unit index, as in
// the TypeScript reference (rankRows). Four currents at a time are tested against the k-th best
// so far (float32 comparisons order float32 values as their float64 promotions do); a group with
// a greater or a NaN value is taken one by one, in order. Writes top/kth (i32) and their currents
// (f32) per row; returns -1, or b·H + h of the first NaN current met (the caller reports it).
export function competingRank(cur: usize, stride: i32, rows: i32, H: i32, k: i32, val: usize, idx: usize, top: usize, kth: usize, topCur: usize, kthCur: usize): i32 {
  const last = (<usize>(k - 1)) << 3;
  const H4 = H & ~3;
  for (let b = 0; b < rows; b++) {
    for (let i = 0; i < k; i++) {
      store<f64>(val + (<usize>i << 3), -Infinity);
      store<i32>(idx + (<usize>i << 2), -1);
    }
    const row = cur + ((<usize>b * <usize>stride) << 2);
    let thr = f32x4.splat(-Infinity);
    for (let h0 = 0; h0 < H; h0 += 4) {
      if (h0 < H4) {
        const v4 = v128.load(row + (<usize>h0 << 2));
        if (!v128.any_true(v128.or(f32x4.gt(v4, thr), f32x4.ne(v4, v4)))) continue;
      }
      const h1 = min(H, h0 + 4);
      for (let h = h0; h < h1; h++) {
        const v = <f64>load<f32>(row + (<usize>h << 2));
        if (!(v > load<f64>(val + last))) {
          if (v != v) return b * H + h;
          continue;
        }
        let j = k - 1;
        while (j > 0 && v > load<f64>(val + (<usize>(j - 1) << 3))) {
          store<f64>(val + (<usize>j << 3), load<f64>(val + (<usize>(j - 1) << 3)));
          store<i32>(idx + (<usize>j << 2), load<i32>(idx + (<usize>(j - 1) << 2)));
          j--;
        }
        store<f64>(val + (<usize>j << 3), v);
        store<i32>(idx + (<usize>j << 2), h);
      }
      thr = f32x4.splat(<f32>load<f64>(val + last));
    }
    store<i32>(top + (<usize>b << 2), load<i32>(idx));
    store<f32>(topCur + (<usize>b << 2), <f32>load<f64>(val));
    store<i32>(kth + (<usize>b << 2), load<i32>(idx + ((<usize>(k - 1)) << 2)));
    store<f32>(kthCur + (<usize>b << 2), <f32>load<f64>(val + last));
  }
  return -1;
}

// ---- ±1 noise keyed by (seed, sample id): src/util/random.ts's Rng.derive(seed, id).uint32(), bit for bit ----
// Signs of four lanes for each 4-bit nibble: lane k is +1 when bit k is set.
const SIGNS = memory.data<f32>([
  -1, -1, -1, -1, 1, -1, -1, -1, -1, 1, -1, -1, 1, 1, -1, -1,
  -1, -1, 1, -1, 1, -1, 1, -1, -1, 1, 1, -1, 1, 1, 1, -1,
  -1, -1, -1, 1, 1, -1, -1, 1, -1, 1, -1, 1, 1, 1, -1, 1,
  -1, -1, 1, 1, 1, -1, 1, 1, -1, 1, 1, 1, 1, 1, 1, 1,
]);
const GOLDEN: u32 = 0x9e3779b9;

// @ts-ignore: decorator
@inline
function splitmixOut(next: u32): u32 {
  let z = next;
  z = (z ^ (z >>> 16)) * 0x85ebca6b;
  z = (z ^ (z >>> 13)) * 0xc2b2ae35;
  return z ^ (z >>> 16);
}

// @ts-ignore: decorator
@inline
function mixNumber(h: u32, lo: u32, hi: u32): u32 {
  h = (h ^ lo) * 0x01000193;
  h = (h ^ hi) * 0x01000193;
  return splitmixOut(h + GOLDEN);
}

// out = x + (±1), row by row; T is the element type of x. seedLo/seedHi: the seed's two 32-bit halves.
function pm1<T>(x: usize, rows: i32, width: i32, ids: usize, seedLo: u32, seedHi: u32, out: usize): void {
  const keyed = mixNumber(0x811c9dc5, seedLo, seedHi);
  for (let i = 0; i < rows; i++) {
    const id = load<i32>(ids + (<usize>i << 2));
    const h = mixNumber(keyed, <u32>id, id < 0 ? 0xffffffff : 0);
    let st = mixNumber(0x811c9dc5, h, 0);
    st += GOLDEN;
    let s0 = splitmixOut(st);
    st += GOLDEN;
    let s1 = splitmixOut(st);
    st += GOLDEN;
    let s2 = splitmixOut(st);
    st += GOLDEN;
    let s3 = splitmixOut(st);
    if ((s0 | s1 | s2 | s3) == 0) s0 = 1;
    const src = x + ((<usize>i * <usize>width) << alignof<T>());
    const dst = out + ((<usize>i * <usize>width) << 2);
    for (let j0 = 0; j0 < width; j0 += 32) {
      const bits = rotl<u32>(s1 * 5, 7) * 9;
      const t = s1 << 9;
      s2 ^= s0;
      s3 ^= s1;
      s1 ^= s2;
      s0 ^= s3;
      s2 ^= t;
      s3 = rotl<u32>(s3, 11);
      const end = min(width, j0 + 32);
      let j = j0;
      for (; j + 4 <= end; j += 4) {
        const sign = v128.load(SIGNS + (<usize>((bits >>> <u32>(j - j0)) & 15) << 4));
        let v: v128;
        if (sizeof<T>() == 1) v = f32x4.convert_i32x4_u(i32x4.extend_low_i16x8_u(i16x8.extend_low_i8x16_u(v128.load32_zero(src + <usize>j))));
        else v = v128.load(src + (<usize>j << 2));
        // One float32 rounding of x ± 1, as the float64 sum stored into a Float32Array rounds it.
        v128.store(dst + (<usize>j << 2), f32x4.add(v, sign));
      }
      for (; j < end; j++) {
        const b = <f64>(((bits >>> <u32>(j - j0)) & 1) << 1);
        store<f32>(dst + (<usize>j << 2), <f32>(<f64>load<T>(src + (<usize>j << alignof<T>())) + b - 1));
      }
    }
  }
}

export function pm1U8(x: usize, rows: i32, width: i32, ids: usize, seedLo: u32, seedHi: u32, out: usize): void {
  pm1<u8>(x, rows, width, ids, seedLo, seedHi, out);
}

export function pm1F32(x: usize, rows: i32, width: i32, ids: usize, seedLo: u32, seedHi: u32, out: usize): void {
  pm1<f32>(x, rows, width, ids, seedLo, seedHi, out);
}
