/** What a WebGPU adapter reports about itself, in a browser (`navigator.gpu`) and from Dawn in Node. */

/** GPUAdapter's `info`, as far as it is read here. */
export interface GpuAdapterInfo {
  description?: string;
  vendor?: string;
  architecture?: string;
  isFallbackAdapter?: boolean;
}

/** The adapter: its name, and whether it is a software (CPU) implementation such as SwiftShader or lavapipe. */
export interface AdapterInfo {
  name: string;
  software: boolean;
}

/** Names an adapter, marking a software one (flagged as fallback, or a known CPU implementation) "(software adapter)". */
export function describeAdapter(i: GpuAdapterInfo, fallbackName: string): AdapterInfo {
  const software = i.isFallbackAdapter === true || /swiftshader|llvmpipe|lavapipe/i.test(`${i.vendor} ${i.architecture} ${i.description}`);
  const name = i.description || [i.vendor, i.architecture].filter(Boolean).join(' ') || fallbackName;
  return { name: `${name}${software ? ' (software adapter)' : ''}`, software };
}
