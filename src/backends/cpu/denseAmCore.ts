/**
 * The Dense AM's elementwise core in TypeScript (the reference for the wasm SIMD kernel); the
 * math is documented in `../denseAm.ts`.
 */
import type { DenseAmCoreArgs, DenseAmCoreResult } from '../denseAm.js';

/** The Dense AM elementwise core in TypeScript (see `../denseAm.ts`). */
export function denseAmCore({ a, lab, K, B, classes: Nc, power: n, temperature: T, targets, lossPower }: DenseAmCoreArgs): DenseAmCoreResult {
  const act = new Float32Array(Nc * B);
  const keep = targets !== undefined;
  const P = keep ? new Float32Array(Nc * K * B) : undefined;
  const Q = keep ? new Float32Array(K * B) : undefined;
  for (let mu = 0; mu < K; mu++) {
    for (let b = 0; b < B; b++) {
      const r0 = Math.max(a[mu * B + b], 0) / T;
      const q = powInt(r0, n - 1);
      if (Q) Q[mu * B + b] = q;
      for (let c = 0; c < Nc; c++) act[c * B + b] -= q * r0;
    }
  }
  for (let c = 0; c < Nc; c++) {
    for (let mu = 0; mu < K; mu++) {
      const shift = 2 * lab[mu * Nc + c];
      for (let b = 0; b < B; b++) {
        const r = Math.max(a[mu * B + b] + shift, 0) / T;
        const p = powInt(r, n - 1);
        if (P) P[(c * K + mu) * B + b] = p;
        act[c * B + b] += p * r;
      }
    }
  }
  if (!targets || !P || !Q) return { activations: act };
  const m = lossPower ?? 1;
  let emax = 0;
  const cs = new Float32Array(Nc * B);
  for (let k = 0; k < Nc * B; k++) {
    cs[k] = Math.tanh(act[k]);
    emax = Math.max(emax, Math.abs(targets[k] - cs[k]));
  }
  const inv = emax > 1e-30 ? 1 / emax : 1e30;
  const g = new Float32Array(Nc * B);
  for (let k = 0; k < Nc * B; k++) g[k] = powInt((targets[k] - cs[k]) * inv, 2 * m - 1) * (1 - cs[k] * cs[k]);
  const h = new Float32Array(K * B);
  const dLab = new Float32Array(K * Nc);
  for (let mu = 0; mu < K; mu++) {
    for (let b = 0; b < B; b++) {
      let gsum = 0;
      for (let c = 0; c < Nc; c++) gsum += g[c * B + b];
      h[mu * B + b] = -gsum * Q[mu * B + b];
    }
    for (let c = 0; c < Nc; c++) {
      let acc = 0;
      for (let b = 0; b < B; b++) {
        const gp = g[c * B + b] * P[(c * K + mu) * B + b];
        acc += gp;
        h[mu * B + b] += gp;
      }
      dLab[mu * Nc + c] = 2 * acc;
    }
    let hs = 0;
    for (let b = 0; b < B; b++) hs += h[mu * B + b];
    for (let c = 0; c < Nc; c++) dLab[mu * Nc + c] -= hs;
  }
  return { activations: act, h, dLab, emax };
}

/** x^k for k >= 1 by repeated squaring. */
function powInt(x: number, k: number): number {
  let result = 1;
  let base = x;
  for (let e = k; e > 0; e >>= 1) {
    if (e & 1) result *= base;
    if (e > 1) base *= base;
  }
  return result;
}
