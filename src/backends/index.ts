/**
 * The backend factory: turns a name from the closed `BackendName` union into a backend, and says
 * which backends this machine can run and why not.
 */
import type { Backend, BackendName } from './backend.js';
import { cpuBackend } from './cpu/index.js';
import { UsageError } from '../util/errors.js';

/** Every backend name, in order of preference for `auto` (fastest first). */
export const BACKEND_NAMES: readonly BackendName[] = ['cpu'];

/** Whether a backend can run here, and why not. */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  description: string;
  reason?: string;
}

/** Creates the named backend (`auto`: the fastest available); throws a UsageError naming the alternatives. */
export async function createBackend(name: BackendName | 'auto'): Promise<Backend> {
  if (name === 'auto') return createBackend(BACKEND_NAMES[0]);
  switch (name) {
    case 'cpu':
      return cpuBackend;
    default:
      throw new UsageError(`unknown backend '${String(name satisfies never)}'; available: ${BACKEND_NAMES.join(', ')} (or auto)`);
  }
}

/** Checks every backend and reports availability with reasons. */
export async function listBackends(): Promise<BackendStatus[]> {
  return BACKEND_NAMES.map((name) => {
    switch (name) {
      case 'cpu':
        return { name, available: true, description: cpuBackend.description };
      default:
        return name satisfies never;
    }
  });
}

/** Parses a user-supplied backend name. */
export function parseBackendName(value: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName | 'auto';
  throw new UsageError(`unknown backend '${value}'; choose one of: auto, ${BACKEND_NAMES.join(', ')} ('amem-flow backends' lists what runs here)`);
}
