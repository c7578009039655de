/**
 * Every shipped pipeline resolves, describes itself, and passes its own reduced "smoke" run
 * (the settings and accuracy gates the pipeline file carries) on real data.
 */
import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { describeAny, resolveAny, runAny } from '../../src/pipeline/dispatch.js';
import { applySettings, loadPipelineFile } from '../../src/pipeline/resolve.js';

const files = readdirSync('pipelines').filter((f) => f.endsWith('.ts'));

describe.each(files)('pipelines/%s', (file) => {
  it('resolves and describes itself', async () => {
    const spec = resolveAny(await loadPipelineFile(join('pipelines', file)), file);
    expect(`${spec.name}.ts`).toBe(file);
    expect(describeAny(spec)).toContain('settings (change any with --set key=value):');
    expect(spec.smoke, 'every shipped pipeline carries a reduced run for the tests').toBeDefined();
  });

  it('passes its reduced run and gates', async () => {
    const raw = await loadPipelineFile(join('pipelines', file));
    // Figures are tested on their own (test/pipeline/figures.test.ts): drawing them here would double this file's time.
    const sets = [...Object.entries(raw.smoke!.set).map(([k, v]) => `${k}=${JSON.stringify(v)}`), 'outputs.plots=false'];
    const spec = resolveAny(applySettings(raw, sets), file);
    const result = await runAny({ ...spec, expect: spec.smoke!.expect }, { outDir: mkdtempSync(join(tmpdir(), `amem-${spec.name}-`)) });
    for (const gate of result.gates) expect(gate, `${gate.metric} = ${gate.value}`).toMatchObject({ passed: true });
    expect(result.gates.length).toBeGreaterThan(0);
  });
});
