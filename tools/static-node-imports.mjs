// Lists Node built-ins our own modules reach from an entry by static imports only (dynamic imports are the
// lazy, Node-only paths): `node tools/static-node-imports.mjs src/index.ts` prints one chain per hit.
import { build } from 'esbuild';

const entry = process.argv[2] ?? 'src/index.ts';
const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'neutral', format: 'esm', external: ['node:*'], packages: 'external', logLevel: 'silent' });
const inputs = result.metafile.inputs;
const parent = new Map([[entry, null]]);
const queue = [entry];
const hits = [];
while (queue.length > 0) {
  const file = queue.shift();
  for (const imp of inputs[file]?.imports ?? []) {
    if (imp.kind !== 'import-statement' && imp.kind !== 'require-call') continue;
    if (imp.external && !imp.path.startsWith('node:')) continue;
    if (imp.path.startsWith('node:')) {
      hits.push([imp.path, file]);
      continue;
    }
    if (!parent.has(imp.path)) {
      parent.set(imp.path, file);
      queue.push(imp.path);
    }
  }
}
for (const [mod, file] of hits) {
  const chain = [];
  for (let f = file; f; f = parent.get(f)) chain.unshift(f);
  console.log(`${mod} <- ${chain.join(' <- ')}`);
}
process.exitCode = hits.length > 0 ? 1 : 0;
