/**
 * Fused kernels written with tfjs ops, for the GPU backends (gpu, webgpu): hashing and
 * nearest-prototype search are tensor-shaped (one matmul each), so they run on the device.
 * Written once against the op set, they are tested here on tfjs's cpu and wasm backends.
 *
 * Numerics: float32 on the device. Hash codes are exact for integer-valued inputs (projections
 * of pixels ≤ 255 on ±1 planes stay below 2^24). Nearest-prototype scores ‖M_c‖² − 2 M_c·x are
 * float32, so a near-tie can resolve differently from the float64 reference (the equivalence
 * suite bounds how often).
 */
import type { FeatureArray } from '../data/batch.js';
import type { Backend, CompetingCurrentsArgs, Kernels, NearestPrototypesArgs, TensorOps } from './backend.js';
import { deviceDenseAm } from './denseAmDevice.js';
import { loadWasmKernels } from './wasm/kernels.js';

/** Device implementations of the tensor-shaped kernels; `host` provides the sequential ones. */
export function tfjsKernels(tf: TensorOps, host: Kernels): Kernels {
  return {
    lshCodes(x: FeatureArray, rows: number, width: number, planes: Float32Array, bits: number): Uint32Array {
      const codes = tf.tidy(() => {
        const proj = tf.matMul(tf.tensor2d(Float32Array.from(x), [rows, width]), tf.tensor2d(planes, [bits, width]), false, true);
        const weights = tf.tensor1d(Int32Array.from({ length: bits }, (_, b) => 2 ** (bits - 1 - b)), 'int32');
        return tf.sum(tf.mul(tf.cast(tf.greater(proj, 0), 'int32'), weights), 1);
      });
      const out = Uint32Array.from(codes.dataSync());
      codes.dispose();
      return out;
    },
    nearestPrototypes({ x, rows, width, groups, sums, counts, classes: K }: NearestPrototypesArgs): Int32Array {
      const G = counts.length / K;
      const protos = new Float32Array(G * K * width);
      const norms = new Float32Array(G * K);
      for (let gc = 0; gc < G * K; gc++) {
        let s = 0;
        for (let j = 0; j < width; j++) {
          const m = sums[gc * width + j] / counts[gc];
          protos[gc * width + j] = m;
          s += m * m;
        }
        norms[gc] = s;
      }
      // Row i's candidates are columns groups[i]·K + c of the rows × (G·K) product: one flat gather.
      const pick = new Int32Array(rows * K);
      const norm = new Float32Array(rows * K);
      for (let i = 0; i < rows; i++) {
        for (let c = 0; c < K; c++) {
          const gc = (groups ? groups[i] : 0) * K + c;
          pick[i * K + c] = i * G * K + gc;
          norm[i * K + c] = norms[gc];
        }
      }
      const best = tf.tidy(() => {
        const dots = tf.matMul(tf.tensor2d(Float32Array.from(x), [rows, width]), tf.tensor2d(protos, [G * K, width]), false, true);
        const mine = tf.reshape(tf.gather(tf.reshape(dots, [rows * G * K]), tf.tensor1d(pick, 'int32')), [rows, K]);
        return tf.argMin(tf.sub(tf.tensor2d(norm, [rows, K]), tf.mul(mine, 2)), 1);
      });
      const out = Int32Array.from(best.dataSync());
      best.dispose();
      return out;
    },
    trainPrototypes: host.trainPrototypes,
    denseAmCore: host.denseAmCore,
    hopfieldRecall: host.hopfieldRecall,
    competingUpdate: host.competingUpdate,
    competingCurrents({ wT, hidden, x, rows, width }: CompetingCurrentsArgs): Float32Array {
      // One rows × width by width × hidden product on the device (dense; rounding differs from the host kernels').
      const out = tf.tidy(() => tf.matMul(tf.tensor2d(x, [rows, width]), tf.tensor2d(wT, [width, hidden])));
      const currents = out.dataSync() as Float32Array;
      out.dispose();
      return currents;
    },
  };
}

/** What the GPU backends (gpu, webgpu) share: device kernels, the Dense AM step on the device, and the host kernels they fall back to (listed as gaps). */
export function gpuBackendParts(tf: TensorOps): Pick<Backend, 'threadable' | 'workerKernels' | 'gaps' | 'denseAm' | keyof Kernels> {
  return {
    threadable: false,
    workerKernels: 'wasm',
    gaps: {
      trainPrototypes: 'runs on the host with the wasm kernels: per-sample sequential updates do not map to GPU kernels',
      hopfieldRecall: 'runs on the host (TypeScript): sequential unit updates do not map to GPU kernels',
      competingUpdate: 'runs on the host with the wasm kernels: a few hundred rows per minibatch, not worth a device round trip',
    },
    denseAm: deviceDenseAm(tf),
    ...tfjsKernels(tf, loadWasmKernels()),
  };
}
