#!/usr/bin/env node
// Node 20 cannot import TypeScript by itself: register tsx, then run the CLI from src/.
import { register } from 'tsx/esm/api';

register();
const { main } = await import('../src/cli/main.ts');
process.exitCode = await main(process.argv.slice(2));
