// Lists Node built-ins our own modules reach from an entry by static imports only (dynamic imports are the
// lazy, Node-only paths): `node tools/static-node-imports.mjs src/index.ts` prints one chain per hit.
// With `--packages` it prints instead the npm packages the entry loads by static imports, one per line
// (what an `import` of the entry costs at start-up).
import { build } from 'esbuild';

const entry = process.argv.slice(2).find((a) => !a.startsWith('--')) ?? 'src/index.ts';
const packages = new Set();
const result = await build({ entryPoints: [entry], bundle: true, write: false, metafile: true, platform: 'neutral', format: 'esm', external: ['node:*'], packages: 'external', logLevel: 'silent' });
const inputs = result.metafile.inputs;
const parent = new Map([[entry, null]]);
const queue = [entry];
const hits = [];
while (queue.length > 0) {
  const file = queue.shift();
  for (const imp of inputs[file]?.imports ?? []) {
    if (imp.kind !== 'import-statement' && imp.kind !== 'require-call') continue;
    if (imp.external && !imp.path.startsWith('node:')) {
      packages.add(
        imp.path
          .split('/')
          .slice(0, imp.path.startsWith('@') ? 2 : 1)
          .join('/'),
      );
      continue;
    }
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
if (process.argv.includes('--packages')) {
  console.log([...packages].sort().join('\n'));
  process.exit(0);
}
for (const [mod, file] of hits) {
  const chain = [];
  for (let f = file; f; f = parent.get(f)) chain.unshift(f);
  console.log(`${mod} <- ${chain.join(' <- ')}`);
}
process.exitCode = hits.length > 0 ? 1 : 0;
