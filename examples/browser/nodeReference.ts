/** The demo's sharded-lsh training run in Node (wasm) on the first `train`/`test` digits: what `npm run test:browser` compares the tab with. */
import { arraysSource, createBackend, loadMnist, selectRows } from '../../src/node.js';
import { trainShardedLsh, type DemoResult } from './train.js';

/** The Node run's score. */
export async function nodeShardedLsh(train: number, test: number): Promise<DemoResult> {
  const data = (split: 'train' | 'test', n: number) => arraysSource(loadMnist(split), { rows: selectRows(loadMnist(split), { end: n }), batchSize: 1000 });
  const { model: _model, ...result } = await trainShardedLsh(await createBackend('wasm'), data('train', train), data('test', test));
  return result;
}
