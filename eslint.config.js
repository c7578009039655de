// ESLint: typescript-eslint's recommended rules, no explicit any, no import cycles, and the layer
// order cli → pipeline/lab → stream → models → operators → backends → data/io/util (nothing imports
// a layer above its own). Node built-ins only in node/ folders and in the Node applications
// (cli, pipeline, lab). Run with `npm run lint`.
import tseslint from 'typescript-eslint';
import { importX } from 'eslint-plugin-import-x';
import { createTypeScriptImportResolver } from 'eslint-import-resolver-typescript';

/** Each layer and the layers above it, which it must not import. */
const LAYERS = [
  ['pipeline', ['cli']],
  ['lab', ['cli']],
  ['stream', ['cli', 'pipeline', 'lab']],
  ['models', ['cli', 'pipeline', 'lab', 'stream']],
  ['operators', ['cli', 'pipeline', 'lab', 'stream', 'models']],
  ['backends', ['cli', 'pipeline', 'lab', 'stream', 'models', 'operators']],
  ['parallel', ['cli', 'pipeline', 'lab', 'stream', 'models', 'operators']],
  ['data', ['cli', 'pipeline', 'lab', 'stream', 'models', 'operators', 'backends', 'parallel']],
  ['io', ['cli', 'pipeline', 'lab', 'stream', 'models', 'operators', 'backends', 'parallel']],
  ['util', ['cli', 'pipeline', 'lab', 'stream', 'models', 'operators', 'backends', 'parallel', 'plots']],
  ['plots', ['cli', 'pipeline', 'lab', 'stream', 'models', 'operators', 'backends', 'parallel']],
];
const NODE_ONLY = ['node:*', 'piscina'];

export default tseslint.config(
  { ignores: ['node_modules/', 'runs/', 'src/backends/wasm/assembly/', 'examples/browser/dist/', '**/*.mjs', '**/*.cjs'] },
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_', destructuredArrayIgnorePattern: '^_' }],
      '@typescript-eslint/no-non-null-assertion': 'off',
    },
  },
  {
    files: ['src/**/*.ts'],
    plugins: { 'import-x': importX },
    settings: {
      ...importX.flatConfigs.typescript.settings,
      'import-x/resolver-next': [createTypeScriptImportResolver({ project: './tsconfig.json' })],
    },
    rules: { 'import-x/no-cycle': ['error', { ignoreExternal: true }] },
  },
  ...LAYERS.map(([layer, above]) => ({
    files: [`src/${layer}/**/*.ts`],
    ignores: [`src/${layer}/**/node/**`],
    rules: {
      'no-restricted-imports': [
        'error',
        {
          patterns: [
            ...above.map((up) => ({
              group: [`**/${up}/*`, `**/${up}/**`],
              message: `${layer} must not import ${up}: layers point one way (cli → pipeline/lab → stream → models → operators → backends → data/io/util)`,
            })),
            ...(['pipeline', 'lab'].includes(layer) ? [] : [{ group: NODE_ONLY, message: 'Node-only modules belong in a node/ folder' }]),
          ],
        },
      ],
    },
  })),
  ...LAYERS.map(([layer, above]) => ({
    files: [`src/${layer}/**/node/**/*.ts`],
    rules: {
      'no-restricted-imports': ['error', { patterns: above.map((up) => ({ group: [`**/${up}/*`, `**/${up}/**`], message: `${layer} must not import ${up}` })) }],
    },
  })),
);
