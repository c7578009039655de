// Worker-thread entry: Node 20 cannot load TypeScript by itself, so register tsx in this thread,
// then load the TypeScript task module named in workerData and hand its default export to piscina.
import { register } from 'tsx/esm/api';
import { workerData } from 'node:worker_threads';

register();
const mod = await import(workerData.entry);
export default mod.default;
