/** Registers the gpu backend's kernels: the device kernels the GPU backends share, and their host gaps. */
import { registerKernels } from '../registry.js';
import { deviceKernelConfigs } from '../tfjs/deviceKernels.js';

registerKernels(deviceKernelConfigs('gpu'));
