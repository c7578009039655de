#!/usr/bin/env node
// The amem-flow command: runs the built CLI (dist/, made by `npm run build`, which `npm install`
// runs in a clone and `npm pack` runs before packing).
import { main } from '../dist/cli/main.js';

process.exitCode = await main(process.argv.slice(2));
