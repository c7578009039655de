/**
 * What a compute backend is: a tensor engine (a tfjs backend, for tensor-shaped models written
 * against tfjs-core's op set) and the fused kernels registered for it (`registry.ts`), for steps
 * that are not tensor-shaped: one kernel call runs a whole loop instead of thousands of tiny op
 * dispatches.
 *
 * tfjs keeps one current engine per process. A backend never switches it behind the caller's
 * back: `activate()` makes its engine current, and `tf` refuses (throws) while another backend's
 * engine is current. Kernels that do not run on the backend's own device are registered with a
 * reason and listed in `gaps`; `amem-flow backends` shows that list.
 */
import type { Awaitable, KernelArgs, KernelName, KernelResult, TensorOps } from './kernel.js';

export type { TensorOps } from './kernel.js';

/** Every backend amem-flow knows, fastest first (the order `auto` tries them in); each is the folder `src/backends/<name>/`. */
export const BACKEND_NAMES = ['gpu', 'webgpu', 'wasm', 'cpu', 'f64'] as const;

/** The name of a backend: a closed union, one member per backend folder. */
export type BackendName = (typeof BACKEND_NAMES)[number];

/** A backend, created by `createBackend`. */
export interface Backend {
  readonly name: BackendName;
  /** One line for `amem-flow backends` and reports. */
  readonly description: string;
  /** The tfjs backend its tensor ops run on. */
  readonly engine: string;
  /** tfjs-core with this backend's engine current; throws when another engine has been made current since `activate()`. */
  readonly tf: TensorOps;
  /** Makes this backend's tensor engine the current one (tfjs allows one per process); returns it. */
  activate(): Promise<TensorOps>;
  /** Runs a registered kernel (await the result: device kernels are asynchronous); throws, naming the kernel and the backend, when it is not registered. */
  run<K extends KernelName>(kernel: K, args: KernelArgs<K>): Awaitable<KernelResult<K>>;
  /** Kernels that do not run on this backend's device: where they run instead, and why (from the registry). */
  readonly gaps: Partial<Record<KernelName, string>>;
  /** The backend whose tfjs-free kernels worker threads load to run this backend's fused kernels in parallel. */
  readonly workerKernels: BackendName;
  /** Whether worker threads may each run an instance of this backend (not for a single GPU). */
  readonly threadable: boolean;
  /** Releases the engine's tensors (the engine itself stays registered with tfjs). */
  dispose(): void;
}

/** What a backend folder's `index.ts` exports as its default: how to start its engine. */
export interface BackendDefinition {
  name: BackendName;
  description: string;
  /** The tfjs backend name of its engine. */
  tfjsBackend: string;
  threadable: boolean;
  workerKernels: BackendName;
  /**
   * Loads the engine's packages and registers the tfjs backend; throws `BackendUnavailable` when it
   * cannot run here, or (with `auto`) when what it found is slower than the next backend.
   */
  load(opts?: { auto?: boolean }): Promise<TensorOps>;
  /**
   * Present when the backend's own kernels run without its tensor engine: checks that they can run
   * here (throws `BackendUnavailable`), so that `load` may wait until a tensor op is needed.
   */
  check?(): void;
}

/** Thrown when a backend cannot run on this machine; `reason` says why and how to fix it. */
export class BackendUnavailable extends Error {
  override readonly name = 'BackendUnavailable';
  constructor(
    readonly backend: BackendName,
    readonly reason: string,
  ) {
    super(`backend '${backend}' is unavailable: ${reason}`);
  }
}

/** The part of a backend that runs kernels (what operators and worker threads need). */
export type KernelRunner = Pick<Backend, 'run'>;
