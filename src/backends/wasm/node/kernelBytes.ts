/** Reads the compiled wasm kernels from beside the sources (Node; a browser build fetches them instead). */
import { readFileSync } from 'node:fs';

/** Where the compiled module lives. */
const KERNELS_WASM = new URL('../kernels.wasm', import.meta.url);

/** The module's bytes; throws, saying how to build them, when missing. */
export function readKernelBytes(): Uint8Array<ArrayBuffer> {
  try {
    return readFileSync(KERNELS_WASM);
  } catch {
    throw new Error("the wasm kernels are not built (src/backends/wasm/kernels.wasm is missing); run 'npm run build:wasm' (npm install does it)");
  }
}
