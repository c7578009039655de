import { describe, expect, it } from 'vitest';
import { createBackend, listBackends } from '../../src/backends/index.js';
import { KERNEL_NAMES } from '../../src/backends/kernel.js';
import { gapsOf, getKernel, kernelsFor, registerKernel } from '../../src/backends/registry.js';
import { main, type CliIo } from '../../src/cli/main.js';

async function cli(...argv: string[]) {
  let out = '';
  const io: CliIo = { out: (t) => (out += t), err: () => {}, interactive: false };
  const code = await main(argv, io);
  return { code, out };
}

describe('kernel registry', () => {
  it('throws on a kernel a backend has not registered, naming the kernel and the backend', async () => {
    await createBackend('cpu');
    expect(() => getKernel('lshCodes', 'nowhere')).toThrow(/kernel 'lshCodes' is not registered for backend 'nowhere'/);
    registerKernel({ kernelName: 'lshCodes', backendName: 'nowhere', kernelFunc: () => new Uint32Array(0) });
    expect(() => getKernel('nearestPrototypes', 'nowhere')).toThrow(/kernel 'nearestPrototypes' is not registered for backend 'nowhere' \(registered: lshCodes\)/);
    expect(() => registerKernel({ kernelName: 'lshCodes', backendName: 'nowhere', kernelFunc: () => new Uint32Array(0) })).toThrow(/already registered/);
  });

  it("derives a backend's gaps from its registrations", async () => {
    await createBackend('wasm');
    expect(Object.keys(gapsOf('wasm'))).toEqual(['hopfieldRecall']);
    expect(Object.keys(gapsOf('cpu'))).toEqual([]);
  });
});

// f64 is a backend added as one folder (src/backends/f64/) plus its name in BACKEND_NAMES: the
// registry, the gaps, `amem-flow backends` and the parity suite (parity.test.ts) pick it up.
describe('a backend added as one folder: f64', () => {
  it('registers every kernel, its own two and the cpu kernels as gaps with the reason', async () => {
    const b = await createBackend('f64');
    expect(kernelsFor('f64').map((c) => c.kernelName)).toEqual([...KERNEL_NAMES]);
    expect(Object.keys(b.gaps).sort()).toEqual(KERNEL_NAMES.filter((k) => k !== 'lshCodes' && k !== 'nearestPrototypes').sort());
    for (const reason of Object.values(b.gaps)) expect(reason).toMatch(/runs the cpu kernel/);
  });

  it('is listed by listBackends and `amem-flow backends`, with its gaps', async () => {
    const f64 = (await listBackends()).find((s) => s.name === 'f64');
    expect(f64?.available).toBe(true);
    const r = await cli('backends');
    expect(r.code).toBe(0);
    expect(r.out).toMatch(/^f64\s+available\s+float64 reference kernels/m);
    expect(r.out).toMatch(/^\s+trainPrototypes: runs the cpu kernel/m);
  });
});

describe('tensor engines', () => {
  it('never switch behind a backend: another backend made current makes `tf` throw until activate()', async () => {
    const wasm = await createBackend('wasm');
    await listBackends();
    expect(wasm.tf.getBackend()).toBe('wasm');
    const cpu = await createBackend('cpu');
    expect(() => wasm.tf).toThrow(/current engine is 'cpu', not 'wasm'; call 'await backend.activate\(\)'/);
    expect(cpu.tf.getBackend()).toBe('cpu');
    await wasm.activate();
    expect(wasm.tf.getBackend()).toBe('wasm');
  });

  it('load on demand: the own kernels run at once without one, a tensor kernel loads it first', async () => {
    await createBackend('cpu'); // another engine current, as in a process where tfjs-wasm was never set up
    const wasm = await createBackend('wasm', { engine: 'on-demand' });
    expect(() => wasm.tf).toThrow(/backend 'wasm': its tensor engine loads when first needed; call 'await backend.activate\(\)'/);
    const codes = wasm.run('lshCodes', { x: new Float32Array([1, -1]), rows: 1, width: 2, planes: new Float32Array([1, 0]), bits: 1 });
    expect(codes instanceof Promise).toBe(false);
    expect(() => wasm.tf).toThrow(/loads when first needed/);
    const K = 2;
    const args = { xi: new Float32Array(K * 5).fill(0.1), x: new Float32Array(3).fill(0.5), rows: 1, width: 3, classes: 2, memories: K, power: 2, temperature: 1 };
    const activations = wasm.run('denseAmActivations', args);
    expect(activations instanceof Promise).toBe(true);
    expect((await activations).length).toBe(2);
    expect(wasm.tf.getBackend()).toBe('wasm');
  });
});
