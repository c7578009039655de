/**
 * The backend factory: turns a name from the closed `BackendName` union into a backend, picks the
 * fastest available one for `auto`, and says which backends this machine can run and why not.
 * Heavy optional packages are imported only when their backend is asked for.
 */
import { BackendUnavailable, type Backend, type BackendName, type Kernels } from './backend.js';
import { createCpuBackend } from './cpu/index.js';
import { createGpuBackend } from './gpu/index.js';
import { createWasmBackend } from './wasm/index.js';
import { createWebgpuBackend } from './webgpu/index.js';
import { UsageError } from '../util/errors.js';

/** Every backend, fastest first: the order `auto` tries them in. */
export const BACKEND_NAMES: readonly BackendName[] = ['gpu', 'webgpu', 'wasm', 'cpu'];

/** Whether a backend can run here, and why not. */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  description: string;
  reason?: string;
  gaps: Partial<Record<keyof Kernels, string>>;
}

/** Creates the named backend and activates its tfjs backend; `auto` takes the fastest available. */
export async function createBackend(name: BackendName | 'auto'): Promise<Backend> {
  if (name === 'auto') {
    for (const candidate of BACKEND_NAMES) {
      try {
        return await load(candidate);
      } catch (err) {
        if (!(err instanceof BackendUnavailable)) throw err;
      }
    }
    throw new UsageError('no backend is available; run amem-flow backends to see why');
  }
  try {
    return await load(name);
  } catch (err) {
    if (!(err instanceof BackendUnavailable)) throw err;
    const others = (await listBackends()).filter((b) => b.available).map((b) => b.name);
    throw new UsageError(`${err.message}. Available here: ${others.join(', ') || 'none'} (or --backend auto)`);
  }
}

function load(name: BackendName): Promise<Backend> {
  switch (name) {
    case 'cpu':
      return createCpuBackend();
    case 'wasm':
      return createWasmBackend();
    case 'gpu':
      return createGpuBackend();
    case 'webgpu':
      return createWebgpuBackend();
    default:
      return name satisfies never;
  }
}

/** Checks every backend and reports availability with reasons (leaves cpu active). */
export async function listBackends(): Promise<BackendStatus[]> {
  const out: BackendStatus[] = [];
  for (const name of BACKEND_NAMES) {
    try {
      const b = await load(name);
      out.push({ name, available: true, description: b.description, gaps: b.gaps });
    } catch (err) {
      if (!(err instanceof BackendUnavailable)) throw err;
      out.push({ name, available: false, description: '', reason: err.reason, gaps: {} });
    }
  }
  await createCpuBackend();
  return out;
}

/** Parses a user-supplied backend name. */
export function parseBackendName(value: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName | 'auto';
  throw new UsageError(`unknown backend '${value}'; choose one of: auto, ${BACKEND_NAMES.join(', ')} ('amem-flow backends' lists what runs here)`);
}
