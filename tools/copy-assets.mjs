// After tsc: copy what the built package needs beside its JavaScript (the wasm kernels, the
// worker-thread bootstrap), so dist/ mirrors src/.
import { copyFileSync, existsSync, mkdirSync } from 'node:fs';
import { dirname } from 'node:path';

const assets = ['backends/wasm/kernels.wasm', 'parallel/node/bootstrap.mjs'];
for (const file of assets) {
  const from = `src/${file}`;
  if (!existsSync(from)) {
    console.error(`copy-assets: ${from} is missing${file.endsWith('.wasm') ? " (run 'npm run build:wasm')" : ''}`);
    process.exit(1);
  }
  mkdirSync(dirname(`dist/${file}`), { recursive: true });
  copyFileSync(from, `dist/${file}`);
}
