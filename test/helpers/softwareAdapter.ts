/**
 * WebGPU on a software adapter (SwiftShader: shaders run on the CPU) is a correct but slow test
 * device: its parity and equivalence tests take ~60 s alone and twice that beside other test
 * files. `npm test` sets AMEM_FLOW_DEFER_SOFTWARE_WEBGPU and leaves them to `npm run test:webgpu`
 * (CI runs both); any other vitest run (`npx vitest run test/backends`) runs them.
 */
import type { BackendStatus } from '../../src/backends/index.js';

/** Why this backend's tests are left to `npm run test:webgpu` in this run, or undefined when they run here. */
export function deferredReason(status: BackendStatus): string | undefined {
  if (process.env.AMEM_FLOW_DEFER_SOFTWARE_WEBGPU !== '1' || !status.available || !/ \(software adapter\)$/.test(status.description)) return undefined;
  return 'software adapter: npm run test:webgpu runs these';
}
