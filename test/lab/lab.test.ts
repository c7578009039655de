/**
 * The recall lab through its public entry points: a recall run writes its figures and metrics,
 * a capacity sweep on random patterns shows the classical transition near 0.138 N, and bad
 * settings are refused with messages that name them.
 */
import { existsSync, mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { runLab } from '../../src/lab/run.js';
import { resolveLab } from '../../src/lab/spec.js';
import { describeAny } from '../../src/pipeline/dispatch.js';

describe('recall lab', () => {
  it('recalls one corrupted digit with each model and writes images, energy and distance plots', async () => {
    const out = mkdtempSync(join(tmpdir(), 'amem-lab-'));
    const spec = resolveLab({ name: 'r', lab: 'recall', count: 3, models: [{ kind: 'classical' }, { kind: 'dense', power: 20 }] });
    const r = await runLab(spec, { outDir: out });
    expect(Object.keys(r.metrics.evaluations)).toEqual(['classical', 'dense-n20']);
    expect(r.metrics.evaluations['dense-n20'].accuracy).toBe(1);
    const models = r.metrics.training.models as Record<string, { energy_end: number; energy_start: number; converged: boolean }>;
    expect(models.classical.energy_end).toBeLessThan(models.classical.energy_start);
    for (const f of ['metrics.json', 'recall.png', 'stored.png', 'energy-classical.png', 'distance-classical.png', 'energy-dense-n20.png', 'distance-dense-n20.png'])
      expect(existsSync(join(out, f)), f).toBe(true);
    expect(describeAny(spec)).toContain('store 3 MNIST training digits (first), binarized at 0.5; flip 5% of pattern 0; recall with classical, dense-n20');
  });

  it('capacity on random patterns: the classical net holds 40 of 784 and loses them well above 0.138 N = 108', async () => {
    const spec = resolveLab({ name: 'c', lab: 'capacity', patterns: { source: 'random' }, counts: [40, 200], trials: 20, models: [{ kind: 'classical' }] });
    const r = await runLab(spec);
    expect(r.metrics.evaluations['classical@40'].accuracy).toBeGreaterThanOrEqual(0.95);
    expect(r.metrics.evaluations['classical@200'].accuracy).toBe(0);
    const table = r.metrics.training.table as { patterns: number; mean_hamming: number }[];
    expect(table[1].mean_hamming).toBeGreaterThan(100);
  });

  it('refuses bad settings and names them', async () => {
    expect(() => resolveLab({ name: 'x', lab: 'recall', models: [{ kind: 'dense', power: 1 }] })).toThrow(/models\[0\]\.power|power/);
    expect(() => resolveLab({ name: 'x', lab: 'maze' } as never)).toThrow(/lab/);
    await expect(runLab(resolveLab({ name: 'x', lab: 'recall', count: 11, patterns: { select: 'distinct' } }))).rejects.toThrow(/at most 10; got 11/);
    await expect(runLab(resolveLab({ name: 'x', lab: 'recall', count: 2, probe: 5 }))).rejects.toThrow(/probe 5 is not a stored pattern \(there are 2\)/);
  });
});
