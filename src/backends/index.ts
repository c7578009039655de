/**
 * The backend factory: turns a name from `BACKEND_NAMES` into a backend (its folder's engine
 * definition plus the kernels its folder registers), picks the fastest available one for `auto`,
 * and says which backends this machine can run and why not. A backend's folder is imported only
 * when that backend is asked for, so heavy optional packages load on demand.
 */
import { BACKEND_NAMES, BackendUnavailable, type Backend, type BackendDefinition, type BackendName } from './backend.js';
import type { KernelContext, KernelName, TensorOps } from './kernel.js';
import { loadKernelModule, markKernelModuleLoaded } from './kernelModules.js';
import { gapsOf, kernelConfig } from './registry.js';
import { UsageError } from '../util/errors.js';

/** Whether a backend can run here, and why not. */
export interface BackendStatus {
  name: BackendName;
  available: boolean;
  description: string;
  /** The tfjs engine it runs tensor ops on ('' when unavailable). */
  engine: string;
  reason?: string;
  /** Whether `--backend auto` takes it (the first available backend not too slow to be picked). */
  auto: boolean;
  gaps: Partial<Record<KernelName, string>>;
}

/** Options of `createBackend`. */
export interface CreateBackendOptions {
  /**
   * `on-demand`: a backend whose own kernels run without its tensor engine (wasm) loads tfjs only
   * when a kernel or `activate()` first needs it (until then `backend.tf` throws, saying to call
   * `activate()`). Default `eager`: the engine is loaded and current on return.
   */
  engine?: 'eager' | 'on-demand';
}

/** Creates the named backend and makes its engine current; `auto` takes the fastest available. */
export async function createBackend(name: BackendName | 'auto', opts: CreateBackendOptions = {}): Promise<Backend> {
  const onDemand = opts.engine === 'on-demand';
  if (name === 'auto') {
    for (const candidate of BACKEND_NAMES) {
      try {
        return await load(candidate, true, onDemand);
      } catch (err) {
        if (!(err instanceof BackendUnavailable)) throw err;
      }
    }
    throw new UsageError('no backend is available; run amem-flow backends to see why');
  }
  try {
    return await load(name, false, onDemand);
  } catch (err) {
    if (!(err instanceof BackendUnavailable)) throw err;
    const others = (await listBackends()).filter((b) => b.available).map((b) => b.name);
    throw new UsageError(`${err.message}. Available here: ${others.join(', ') || 'none'} (or --backend auto)`);
  }
}

const provided = new Map<BackendName, BackendDefinition>();

/**
 * Makes backends available without importing their folders by name (a bundle cannot follow
 * `import('./' + name)`): the browser entry passes the definitions it bundles, having imported
 * their `kernels.ts` too. Other backends stay unavailable there.
 */
export function provideBackends(defs: BackendDefinition[]): void {
  for (const def of defs) {
    provided.set(def.name, def);
    markKernelModuleLoaded(def.name);
  }
}

async function definition(name: BackendName): Promise<BackendDefinition> {
  const def = provided.get(name);
  if (def) return def;
  if (provided.size > 0) throw new BackendUnavailable(name, `this bundle includes only ${[...provided.keys()].join(', ')}`);
  const path = `./${name}/index.js`;
  return ((await import(/* @vite-ignore */ path)) as { default: BackendDefinition }).default;
}

async function load(name: BackendName, auto = false, onDemand = false): Promise<Backend> {
  const def = await definition(name);
  let engine: TensorOps | undefined;
  let loading: Promise<TensorOps> | undefined;
  const ensure = (): Promise<TensorOps> => (loading ??= def.load({ auto }).then((e) => (engine = e)));
  if (onDemand && def.check) def.check();
  else await ensure();
  await loadKernelModule(name);
  const current = (): string | null => (engine ? (engine.engine().backendName as string | null) : null);
  const backend: Backend = {
    name,
    description: def.description,
    engine: def.tfjsBackend,
    threadable: def.threadable,
    workerKernels: def.workerKernels,
    gaps: gapsOf(name),
    get tf() {
      if (!engine) throw new Error(`backend '${name}': its tensor engine loads when first needed; call 'await backend.activate()' before using backend.tf`);
      if (current() !== def.tfjsBackend) {
        throw new Error(`backend '${name}': tfjs's current engine is '${current()}', not '${def.tfjsBackend}'; call 'await backend.activate()' before using this backend`);
      }
      return engine;
    },
    async activate() {
      const e = await ensure();
      if (current() !== def.tfjsBackend && !(await e.setBackend(def.tfjsBackend))) throw new Error(`backend '${name}': tfjs could not make '${def.tfjsBackend}' current again`);
      return e;
    },
    run(kernel, args) {
      const config = kernelConfig(kernel, name);
      if (config.tensors && !engine) return backend.activate().then(() => config.kernelFunc(args, ctx));
      return config.kernelFunc(args, ctx);
    },
    dispose() {
      if (engine && current() === def.tfjsBackend) engine.disposeVariables();
    },
  };
  const ctx: KernelContext = {
    get tf() {
      return backend.tf;
    },
  };
  return backend;
}

/** Checks every backend and reports availability with reasons; the engine that was current before stays current. */
export async function listBackends(): Promise<BackendStatus[]> {
  // tfjs-core loads here, not when the package is imported.
  const tf = await import('@tensorflow/tfjs-core');
  const before = tf.engine().backendName as string | null;
  const out: BackendStatus[] = [];
  let autoFound = false;
  for (const name of BACKEND_NAMES) {
    try {
      const b = await load(name);
      const auto: boolean =
        !autoFound &&
        (await load(name, true).then(
          () => true,
          (err: unknown) => (err instanceof BackendUnavailable ? false : Promise.reject(err)),
        ));
      autoFound ||= auto;
      out.push({ name, available: true, description: b.description, engine: b.engine, auto, gaps: b.gaps });
    } catch (err) {
      if (!(err instanceof BackendUnavailable)) throw err;
      out.push({ name, available: false, description: '', engine: '', reason: err.reason, auto: false, gaps: {} });
    }
  }
  if (before && tf.getBackend() !== before) await tf.setBackend(before);
  return out;
}

/** Parses a user-supplied backend name. */
export function parseBackendName(value: string): BackendName | 'auto' {
  if (value === 'auto' || (BACKEND_NAMES as readonly string[]).includes(value)) return value as BackendName | 'auto';
  throw new UsageError(`unknown backend '${value}'; choose one of: auto, ${BACKEND_NAMES.join(', ')} ('amem-flow backends' lists what runs here)`);
}
