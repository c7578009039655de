/**
 * WebGPU in Node: Dawn (the `webgpu` npm package) installed as `navigator.gpu`, which is where
 * tfjs's webgpu backend looks for it. Dawn reaches a GPU through Vulkan on Linux; without one, the
 * software adapter that `npm run setup:webgpu` unpacks (SwiftShader, a CPU implementation of
 * Vulkan, with its Vulkan loader) is used when asked for by name.
 */
import { existsSync } from 'node:fs';
import { constants } from 'node:os';
import { fileURLToPath } from 'node:url';
import { BackendUnavailable } from '../../backend.js';
import { describeAdapter, type AdapterInfo, type GpuAdapterInfo } from '../adapterInfo.js';
import { importOptional, isInstalled } from '../../node/optionalPackage.js';

interface Dawn {
  create(flags: string[]): GPU;
  globals: Record<string, unknown>;
}
interface GPU {
  requestAdapter(): Promise<{ info?: GpuAdapterInfo } | null>;
}

/** Where `npm run setup:webgpu` puts the software adapter (AMEM_FLOW_WEBGPU_DIR overrides it). */
export function softwareAdapterDir(): string {
  return process.env.AMEM_FLOW_WEBGPU_DIR ?? fileURLToPath(new URL('../../../../.cache/webgpu/', import.meta.url));
}

const RTLD_NODELETE = 0x1000; // glibc: keep the library loaded after Node closes the handle

/** Loads the system's Vulkan loader, or the unpacked one; false when neither exists. */
function loadVulkan(dir: string): 'system' | 'unpacked' | false {
  const flags = constants.dlopen.RTLD_NOW | constants.dlopen.RTLD_GLOBAL | RTLD_NODELETE;
  for (const [where, path] of [
    ['system', 'libvulkan.so.1'],
    ['unpacked', `${dir}/libvulkan.so.1`],
  ] as const) {
    if (where === 'unpacked' && !existsSync(path)) continue;
    try {
      process.dlopen({ exports: {} }, path, flags);
    } catch (err) {
      // A plain shared library is not a Node addon: loaded (and kept), then refused as one.
      if (!/did not self-register/.test((err as Error).message)) continue;
    }
    return where;
  }
  return false;
}

let found: Promise<AdapterInfo> | undefined;

/** Makes `navigator.gpu` a Dawn instance with an adapter; `allowSoftware: false` refuses a CPU adapter (for `--backend auto`). */
export function installDawn(allowSoftware: boolean): Promise<AdapterInfo> {
  found ??= findAdapter();
  return found.then((info) => {
    if (info.software && !allowSoftware) {
      throw new BackendUnavailable('webgpu', `its only adapter here is ${info.name}, a software adapter slower than wasm, so 'auto' skips it; ask for it with --backend webgpu`);
    }
    return info;
  });
}

async function findAdapter(): Promise<AdapterInfo> {
  const missing = ['webgpu', '@tensorflow/tfjs-backend-webgpu'].filter((p) => !isInstalled(p));
  if (missing.length > 0) throw new BackendUnavailable('webgpu', `${missing.join(' and ')} not installed; install with 'npm i webgpu @tensorflow/tfjs-backend-webgpu@4.22.0'`);
  const dir = softwareAdapterDir();
  const icd = `${dir}/vk_swiftshader_icd.json`;
  if (process.platform === 'linux' && !process.env.VK_ICD_FILENAMES) {
    const vulkan = loadVulkan(dir);
    if (!vulkan)
      throw new BackendUnavailable('webgpu', "no Vulkan loader (libvulkan.so.1) and no GPU adapter; run 'npm run setup:webgpu' for a software adapter (SwiftShader), or install a GPU driver");
    // Without a system GPU driver, point the loader at SwiftShader.
    if (vulkan === 'unpacked' && existsSync(icd)) process.env.VK_ICD_FILENAMES = icd;
  }
  const dawn = await importOptional<Dawn>('webgpu');
  Object.assign(globalThis, dawn.globals);
  let gpu = dawn.create([]);
  let adapter = await gpu.requestAdapter();
  if (!adapter && process.platform === 'linux' && !process.env.VK_ICD_FILENAMES && existsSync(icd)) {
    process.env.VK_ICD_FILENAMES = icd;
    gpu = dawn.create([]);
    adapter = await gpu.requestAdapter();
  }
  if (!adapter) {
    throw new BackendUnavailable('webgpu', "Dawn found no GPU adapter (on Linux it needs a Vulkan driver; run 'npm run setup:webgpu' for a software adapter)");
  }
  const g = globalThis as { navigator?: { gpu?: unknown } };
  g.navigator ??= {};
  g.navigator.gpu = gpu;
  return describeAdapter(adapter.info ?? {}, 'unnamed adapter');
}
