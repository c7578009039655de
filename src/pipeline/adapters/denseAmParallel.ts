/**
 * The Dense AM trained data-parallel (see `dataParallel.ts`): a round's state is the model's
 * checkpoint (memories, momentum, epoch). States average weighted by the rows each worker
 * trained: the memories in float64 then rounded to float32, the momenta in the log domain of
 * their scales (the scales can pass float64's range at large n). One state of weight 1 comes
 * back unchanged, so one worker's rounds are the single-process run.
 */
import type { RecordBatch } from 'apache-arrow';
import type { Checkpoint } from '../../io/checkpoint.js';
import { denseAmCheckpoint, readDenseAmCheckpoint } from '../../models/denseAmCheckpoint.js';
import { DenseAmModel } from '../../models/denseAm.js';
import type { DataParallelTraining } from '../dataParallel.js';

/** Data-parallel training of `model`'s settings; `install` makes a state the model the pipeline uses. */
export function denseAmParallel(model: DenseAmModel, install: (m: DenseAmModel) => void): DataParallelTraining {
  const { backend, settings } = model;
  return {
    seed: settings.seed,
    wholeBatches: false,
    initial(width) {
      const fresh = new DenseAmModel(settings, backend);
      fresh.initialize(width);
      return fresh.toCheckpoint();
    },
    async steps(state, minibatches, epoch) {
      const m = DenseAmModel.fromCheckpoint(state, backend, 'the round state');
      m.epoch = epoch;
      let rows = 0;
      let correct = 0;
      for await (const batch of minibatches) {
        const r = await m.learn(batch);
        rows += r.rows;
        correct += r.correct;
      }
      return { state: m.toCheckpoint(), rows, correct };
    },
    combine(states, weights, epoch) {
      const read = states.map((s, w) => readDenseAmCheckpoint(s, `worker ${w}'s state`));
      const n = read[0].memories.length;
      const memories = new Float32Array(n);
      const velocity = new Float32Array(n);
      const logScale = Math.max(...read.map((s, w) => (weights[w] > 0 ? s.logScale : -Infinity)));
      // exp(L_w − L) scales each momentum to the common scale exp(L); a worker without momentum adds nothing.
      const factors = read.map((s, w) => (weights[w] > 0 && s.logScale > -Infinity ? weights[w] * Math.exp(s.logScale - logScale) : 0));
      for (let k = 0; k < n; k++) {
        let m = 0;
        let v = 0;
        for (let w = 0; w < read.length; w++) {
          m += weights[w] * read[w].memories[k];
          v += factors[w] * read[w].velocity[k];
        }
        memories[k] = m;
        velocity[k] = v;
      }
      return denseAmCheckpoint({ settings: read[0].settings, width: read[0].width, epoch, memories, velocity, logScale });
    },
    async install(state: Checkpoint, source: string, _trainData: () => Promise<RecordBatch>) {
      install(DenseAmModel.fromCheckpoint(state, backend, source));
    },
  };
}
