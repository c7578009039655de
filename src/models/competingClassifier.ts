/**
 * The competing hidden units with a supervised read-out on their currents: a classifier that
 * meets the model contract. `learn` trains the units without labels (one step per minibatch);
 * `fitHead` fits the read-out on a labelled data set; `predict` scores a batch with both. Its
 * checkpoint is the units' with the read-out added (`head` settings, `readout` tensor).
 *
 * @example
 * const clf = new CompetingClassifier(new CompetingUnits({ outputs: 100, epochs: 200 }, backend), { classes: 10, power: 4.5, ridge: 1e-4, normalize: 'unit' });
 * await clf.units.fit(train);
 * clf.fitHead(train);
 * const accuracy = (await lastValueFrom(test$.pipe(evaluate(clf)))).accuracy;
 */
import type { RecordBatch } from 'apache-arrow';
import type { Backend } from '../backends/backend.js';
import type { Checkpoint } from '../io/checkpoint.js';
import type { StepOptions } from '../operators/trainStep.js';
import { UsageError } from '../util/errors.js';
import { COMPETING_KIND } from './competingCheckpoint.js';
import { CompetingUnits } from './competingUnits.js';
import { checkedInputs } from './inputs.js';
import type { Matrix } from './matrix.js';
import type { Model } from './model.js';
import { fitReadout, readoutPredict, type ReadoutSettings, type ReadoutState } from './readoutHead.js';

/** The competing hidden units and their read-out, as a classifier. */
export class CompetingClassifier implements Model<{ rows: number }> {
  readonly kind = COMPETING_KIND;
  /** The fitted read-out, once `fitHead` ran. */
  head: ReadoutState | undefined;

  constructor(
    public units: CompetingUnits,
    readonly headSettings: ReadoutSettings,
  ) {}

  get classes(): number {
    return this.headSettings.classes;
  }

  /** One unsupervised step of the units per minibatch of the batch. */
  learn(batch: RecordBatch, opts?: StepOptions): Promise<{ rows: number }> {
    return this.units.learn(batch, opts);
  }

  /** Fits the read-out on the units' currents of labelled data; returns the training predictions (computed from the same currents). */
  async fitHead(data: RecordBatch): Promise<{ predicted: Int32Array; labels: Int32Array }> {
    const { x, y, rows, width } = checkedInputs(data, 'competing-units read-out', { classes: this.classes, checked: true, fix: '' });
    // The training currents serve both the fit and the train-error score: computed once.
    const currents = await this.units.transform({ values: x, rows, cols: width });
    this.head = await fitReadout(this.units.backend, currents, y, this.headSettings);
    return { predicted: readoutPredict(this.head, currents), labels: y };
  }

  /** The read-out's class for each sample of the batch. */
  predict(batch: RecordBatch): Promise<Int32Array> {
    const { x, rows, width } = checkedInputs(batch, 'competing-units predict', { checked: true, fix: '' });
    return this.predictMatrix({ values: x, rows, cols: width });
  }

  /** The read-out's class for each row of a matrix of inputs. */
  async predictMatrix(X: Matrix): Promise<Int32Array> {
    if (!this.head) throw new UsageError('competing-units: predict needs the read-out, which training fits');
    return readoutPredict(this.head, await this.units.transform(X));
  }

  /** Units and read-out as one checkpoint. */
  toCheckpoint(): Checkpoint {
    if (!this.head) throw new UsageError('competing-units: nothing to save before training');
    const c = this.units.toCheckpoint();
    const h = this.head;
    return {
      ...c,
      settings: { ...c.settings, head: { settings: h.settings, scale: h.scale, hidden: h.hidden } },
      tensors: { ...c.tensors, readout: { data: h.beta, shape: [h.hidden + 1, this.classes] } },
    };
  }

  /** Rebuilds a classifier from `toCheckpoint`'s output (the units alone when it holds no read-out). */
  static fromCheckpoint(ckpt: Checkpoint, backend: Backend, headSettings: ReadoutSettings, source = 'checkpoint'): CompetingClassifier {
    const clf = new CompetingClassifier(CompetingUnits.fromCheckpoint(ckpt, backend, source), headSettings);
    const saved = ckpt.settings.head as Omit<ReadoutState, 'beta'> | undefined;
    const beta = ckpt.tensors.readout;
    if (saved && beta) clf.head = { ...saved, beta: beta.data instanceof Float64Array ? beta.data : Float64Array.from(beta.data) };
    return clf;
  }
}
