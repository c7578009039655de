// Worker-thread entry: load the task module named in workerData and hand its default export to
// piscina. From the TypeScript sources (tests, development), register tsx in this thread first:
// Node 20 cannot load TypeScript by itself.
import { workerData } from 'node:worker_threads';

if (workerData.entry.endsWith('.ts')) (await import('tsx/esm/api')).register();
const mod = await import(workerData.entry);
export default mod.default;
