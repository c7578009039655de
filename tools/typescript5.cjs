// typescript-eslint needs TypeScript's JavaScript API, which TypeScript 7 (the native compiler this
// project type-checks with) no longer ships. ESLint runs with this preload, which resolves
// `typescript` to the 5.9 release installed as `typescript-5`.
const Module = require('node:module');
const resolve = Module._resolveFilename;
Module._resolveFilename = function (request, ...rest) {
  if (request === 'typescript' || request.startsWith('typescript/')) request = request.replace(/^typescript/, 'typescript-5');
  return resolve.call(this, request, ...rest);
};
