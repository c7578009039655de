/**
 * The `gpu` backend: TensorFlow's C library with CUDA, through `@tensorflow/tfjs-node-gpu`
 * (tfjs backend `tensorflow`), an optional peer dependency loaded only when asked for.
 *
 * Tensor ops and the tensor-shaped fused kernels (hashing, nearest prototype) run on the GPU. The
 * sequential shard trainer does not map to GPU kernels and runs on the host with the wasm kernels
 * (listed in `gaps`).
 */
import { BackendUnavailable, type BackendDefinition } from '../backend.js';
import { importOptional, isInstalled } from '../node/optionalPackage.js';

const PACKAGE = '@tensorflow/tfjs-node-gpu';

/** How to get this backend, for error messages. */
export const GPU_INSTALL_ADVICE =
  `install it with 'npm i ${PACKAGE}@4.22.0' on Linux x86-64 with an NVIDIA driver, CUDA 11.2 and cuDNN 8.1 ` +
  '(its install script downloads libtensorflow 2.9.1 from Google storage; set TFJS_NODE_CDN_STORAGE to use a mirror)';

const gpu: BackendDefinition = {
  name: 'gpu',
  description: 'TensorFlow C library with CUDA (@tensorflow/tfjs-node-gpu)',
  tfjsBackend: 'tensorflow',
  threadable: false,
  workerKernels: 'wasm',
  /** Loads the optional packages and starts the engine, or explains why it cannot run here. */
  async load() {
    if (!isInstalled(PACKAGE)) throw new BackendUnavailable('gpu', `${PACKAGE} is not installed; ${GPU_INSTALL_ADVICE}`);
    try {
      await importOptional(PACKAGE);
    } catch (err) {
      throw new BackendUnavailable(
        'gpu',
        `${PACKAGE} is installed but does not load (${(err as Error).message.split('\n')[0]}); reinstall it so its install script can fetch libtensorflow: ${GPU_INSTALL_ADVICE}`,
      );
    }
    const tf = await import('@tensorflow/tfjs-core');
    if (!(await tf.setBackend('tensorflow'))) throw new BackendUnavailable('gpu', `${PACKAGE} loaded but its 'tensorflow' backend did not initialise`);
    const device = tf.backend() as unknown as { isUsingGpuDevice?: boolean };
    if (device.isUsingGpuDevice === false) throw new BackendUnavailable('gpu', 'libtensorflow loaded but found no CUDA device (check nvidia-smi, CUDA 11.2 and cuDNN 8.1)');
    return tf;
  },
};
export default gpu;
