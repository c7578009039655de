/**
 * The wasm kernels' bytes in a browser bundle, where `node/kernelBytes.ts` is replaced by this
 * file: a page fetches `kernels.wasm` (`loadBrowserAssets` in the browser entry does) and hands the
 * bytes over before the wasm backend starts, since the module is compiled synchronously.
 */
let bytes: Uint8Array<ArrayBuffer> | undefined;

/** Gives the bundle the module's bytes (fetched by the page). */
export function setKernelBytes(b: Uint8Array<ArrayBuffer>): void {
  bytes = b;
}

/**
 * The module's bytes; throws, saying what to call, when the page has not fetched them.
 * @public (imported as `node/kernelBytes.js` in the browser bundle, see tools/build-browser.mjs)
 */
export function readKernelBytes(): Uint8Array<ArrayBuffer> {
  if (!bytes) throw new Error("the wasm kernels are not loaded in this page; call loadBrowserAssets(baseUrl) from amem-flow's browser bundle before createBackend('wasm')");
  return bytes;
}
