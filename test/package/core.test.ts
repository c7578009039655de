/** The core entry (`amem-flow`) must bundle for a browser: no Node built-in reachable by static imports. */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';

describe('the core entry', () => {
  it('reaches no Node built-in through static imports (Node-only code loads lazily or sits in amem-flow/node)', () => {
    const out = execFileSync(process.execPath, ['tools/static-node-imports.mjs', 'src/index.ts'], { encoding: 'utf8' });
    expect(out).toBe('');
  });

  it('loads only Arrow (with its FlatBuffers), RxJS and a hash by static imports (the schema, chart and tensor libraries load when used), so it imports quickly', () => {
    const out = execFileSync(process.execPath, ['tools/static-node-imports.mjs', '--packages', 'src/index.ts'], { encoding: 'utf8' });
    expect(out.trim().split('\n')).toEqual(['@noble/hashes', 'apache-arrow', 'flatbuffers', 'rxjs']);
  });

  it('the node entry does reach them, so the check can fail', () => {
    let out = '';
    try {
      execFileSync(process.execPath, ['tools/static-node-imports.mjs', 'src/node.ts'], { encoding: 'utf8' });
    } catch (err) {
      out = String((err as { stdout?: string }).stdout);
    }
    expect(out).toMatch(/^node:fs <- src\/node.ts <- /m);
  });

  it('bundles for a browser with esbuild (npm run build:browser): cpu, wasm and webgpu inside, no Node built-in, Node-only modules as stubs that throw', () => {
    const out = execFileSync(process.execPath, ['tools/build-browser.mjs'], { encoding: 'utf8' });
    expect(out).toMatch(/build:browser: amem-flow\.js [\d.]+ MB, demo\.js [\d.]+ MB/);
    const bundle = readFileSync('examples/browser/dist/amem-flow.js', 'utf8');
    expect(bundle).not.toMatch(/["']node:[a-z_/]+["']/);
    expect(bundle).toContain('is Node-only (worker threads, files) and not in the browser bundle');
    for (const backend of ["name: 'cpu'", "name: 'wasm'", "name: 'webgpu'"]) expect(bundle.replace(/"/g, "'")).toContain(backend);
  });
});
