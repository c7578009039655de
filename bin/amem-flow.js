#!/usr/bin/env node
// The amem-flow command: runs the built CLI (dist/, made by `npm run build`, which `npm install`
// runs in a clone and `npm pack` runs before packing).
import { main } from '../dist/cli/main.js';

// A reader that goes away (`amem-flow … | head`) ends the command quietly, with the status a
// process killed by SIGPIPE has (141), as other command-line tools do; no stack trace.
for (const stream of [process.stdout, process.stderr]) {
  stream.on('error', (err) => {
    if (err.code !== 'EPIPE') throw err;
    process.exit(141);
  });
}

process.exitCode = await main(process.argv.slice(2));
