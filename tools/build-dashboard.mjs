// Bundles the dashboard page's script (src/dashboard/page/app.ts, with Vega and Vega-Lite) into
// dist/dashboard/app.js, which `amem-flow run --dashboard` and `amem-flow dashboard` serve.
import { build } from 'esbuild';

await build({
  entryPoints: ['src/dashboard/page/app.ts'],
  outfile: 'dist/dashboard/app.js',
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: 'es2022',
  legalComments: 'none',
  logLevel: 'warning',
});
