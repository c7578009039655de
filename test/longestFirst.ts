/**
 * Runs the longest test files first, so that the two workers finish together instead of one
 * starting a 20-second file when the other is done. Vitest orders by the durations it cached on
 * an earlier run; a fresh clone (CI) has none, and file size says little here (a short file can
 * train a model), so the files measured longest (seconds in `npm test`, December 2026) lead.
 */
import { relative } from 'node:path';
import { BaseSequencer, type TestSpecification } from 'vitest/node';

const MEASURED_SECONDS: Record<string, number> = {
  'test/backends/equivalence.test.ts': 21,
  'test/pipelines/pipelines.test.ts': 20,
  'test/cli/online.test.ts': 18,
  'test/models/denseAm.test.ts': 16,
  'test/stream/onlineLearner.test.ts': 16,
  'test/cli/hostile.test.ts': 14,
  'test/cluster/scaleOut.test.ts': 14,
  'test/cluster/dataParallel.test.ts': 12,
  'test/dashboard/server.test.ts': 13,
  'test/pipeline/resume.test.ts': 12,
  'test/pipeline/figures.test.ts': 9,
  'test/operators/trainStep.test.ts': 8,
  'test/backends/parity.test.ts': 8,
};

export default class LongestFirst extends BaseSequencer {
  override async sort(files: TestSpecification[]): Promise<TestSpecification[]> {
    const sorted = await super.sort(files);
    const weight = (f: TestSpecification) => MEASURED_SECONDS[relative(this.ctx.config.root, f.moduleId)] ?? 0;
    // Stable: files without a measurement keep Vitest's order, after the measured ones.
    return sorted
      .map((f, i) => ({ f, i }))
      .sort((a, b) => weight(b.f) - weight(a.f) || a.i - b.i)
      .map(({ f }) => f);
  }
}
