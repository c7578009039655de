/**
 * The competing hidden units trained data-parallel (see `dataParallel.ts`): a round's state is
 * the units' checkpoint; states average weighted by the rows each worker trained (float64 sums,
 * rounded to float32), so one state of weight 1 comes back unchanged. The read-out, which needs
 * labels, is fitted once on the assembled units (`install`).
 */
import type { Backend } from '../../backends/backend.js';
import { competingCheckpoint, readCompetingCheckpoint } from '../../models/competingCheckpoint.js';
import type { CompetingClassifier } from '../../models/competingClassifier.js';
import { CompetingUnits } from '../../models/competingUnits.js';
import type { CompetingUnitsInput } from '../../models/competingUnitsOptions.js';
import type { DataParallelTraining } from '../dataParallel.js';

/** Data-parallel training of units with `options` (the schedule's epochs and minibatch set); `clf` receives the assembled units and their read-out. */
export function competingUnitsParallel(backend: Backend, options: CompetingUnitsInput, clf: CompetingClassifier): DataParallelTraining {
  const units = () => new CompetingUnits({ ...options, workers: 1 }, backend);
  const seed = units().getParams().randomState;
  return {
    seed,
    wholeBatches: true,
    initial: (width) => units().initialize(width).toCheckpoint(),
    async steps(state, minibatches, epoch) {
      const m = CompetingUnits.fromCheckpoint(state, backend, 'the round state');
      m.epoch = epoch;
      let rows = 0;
      for await (const batch of minibatches) rows += (await m.learn(batch)).rows;
      return { state: m.toCheckpoint(), rows, correct: null };
    },
    combine(states, weights, epoch) {
      const read = states.map((s, w) => readCompetingCheckpoint(s, `worker ${w}'s state`));
      const n = read[0].weights.length;
      const averaged = new Float32Array(n);
      for (let k = 0; k < n; k++) {
        let sum = 0;
        for (let w = 0; w < read.length; w++) sum += weights[w] * read[w].weights[k];
        averaged[k] = sum;
      }
      return competingCheckpoint({ ...read[0], epoch, weights: averaged });
    },
    async install(state, source, trainData) {
      clf.units = CompetingUnits.fromCheckpoint(state, backend, source);
      await clf.fitHead(await trainData());
    },
  };
}
