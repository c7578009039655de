// The few WebAssembly JS-API types the wasm backend uses. Node has the API at run time, but
// neither lib.es2023 nor @types/node 20 declares it (lib.dom does, with much else we do not want).
declare namespace WebAssembly {
  class Memory {
    readonly buffer: ArrayBuffer;
    grow(delta: number): number;
  }
  class Module {
    constructor(bytes: BufferSource);
  }
  class Instance {
    constructor(module: Module, imports?: Record<string, Record<string, unknown>>);
    readonly exports: Record<string, unknown>;
  }
}
type BufferSource = ArrayBufferView | ArrayBuffer;
