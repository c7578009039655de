#!/usr/bin/env node
// `npm run build:browser`: bundles the browser entry (src/browser.ts) and the demo page's script
// with esbuild into examples/browser/dist/ (ignored by git, not packed), and copies the wasm binaries a page needs beside them (tfjs's
// and the project's kernels.wasm). Imports of Node-only modules (`node/` folders: worker threads,
// files) become modules that throw when loaded, so a bundle holds no Node built-in; the wasm
// kernels' bytes come from `loadBrowserAssets` instead of the file system.
import { copyFileSync, mkdirSync, readdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const out = join(root, 'examples', 'browser', 'dist');

/** Node-only modules out of the bundle. */
const nodeOnly = {
  name: 'node-only',
  setup(build) {
    build.onResolve({ filter: /(^|\/)node\/kernelBytes\.js$/ }, () => ({ path: join(root, 'src/backends/wasm/browserKernelBytes.ts') }));
    build.onResolve({ filter: /^\.{1,2}\/.*node\/[^/]+\.js$/ }, (args) => ({ path: args.path, namespace: 'node-only', pluginData: args.importer }));
    build.onLoad({ filter: /.*/, namespace: 'node-only' }, (args) => ({
      contents: `throw new Error(${JSON.stringify(`amem-flow: ${args.path} is Node-only (worker threads, files) and not in the browser bundle; in a page, train with workers: 1`)});`,
      loader: 'js',
    }));
  },
};

const result = await esbuild.build({
  absWorkingDir: root,
  entryPoints: { 'amem-flow': 'src/browser.ts', demo: 'examples/browser/demo.ts' },
  outdir: out,
  bundle: true,
  format: 'esm',
  platform: 'browser',
  target: 'es2022',
  sourcemap: true,
  metafile: true,
  logLevel: 'warning',
  plugins: [nodeOnly],
});

const nodeImports = Object.values(result.metafile.inputs).flatMap((i) => i.imports.filter((im) => im.path.startsWith('node:')).map((im) => im.path));
if (nodeImports.length > 0) throw new Error(`the browser bundle reaches Node built-ins: ${[...new Set(nodeImports)].join(', ')}`);

mkdirSync(out, { recursive: true });
const require = createRequire(import.meta.url);
const tfWasm = dirname(require.resolve('@tensorflow/tfjs-backend-wasm/package.json'));
for (const f of readdirSync(join(tfWasm, 'dist')).filter((n) => n.endsWith('.wasm'))) copyFileSync(join(tfWasm, 'dist', f), join(out, f));
copyFileSync(join(root, 'src/backends/wasm/kernels.wasm'), join(out, 'kernels.wasm'));
const sizes = Object.entries(result.metafile.outputs)
  .filter(([f]) => f.endsWith('.js'))
  .map(([f, o]) => `${f.split('/').pop()} ${(o.bytes / 1e6).toFixed(1)} MB`);
console.log(`build:browser: ${sizes.join(', ')} and the .wasm files in ${out}`);
