/**
 * The dashboard page's script (bundled by esbuild into dist/dashboard/app.js): one column per
 * run, redrawn from each state the server sends. The charts come from the same Vega-Lite specs as
 * the PNG figures. It only reads: nothing here talks back to the run.
 */
import * as vega from 'vega';
import { compile, type TopLevelSpec } from 'vega-lite';
import { lineChartSpec, shardSpec, type SeriesPoint } from '../../plots/specs.js';
import type { RunView } from '../liveState.js';

const COUNTERS = ['received', 'trained', 'dead_lettered', 'duplicates_skipped', 'prequential_accuracy', 'window_accuracy', 'samples_per_s'] as const;

function el<K extends keyof HTMLElementTagNameMap>(tag: K, attrs: Record<string, string> = {}, text?: string): HTMLElementTagNameMap[K] {
  const e = document.createElement(tag);
  for (const [k, v] of Object.entries(attrs)) e.setAttribute(k, v);
  if (text !== undefined) e.textContent = text;
  return e;
}

const format = (v: unknown): string => (typeof v === 'number' ? (Number.isInteger(v) ? v.toLocaleString('en-US') : v.toFixed(4)) : String(v ?? ''));

/** A chart slot that redraws only when its spec's data changed; `data-points` says how many points it shows. */
class Chart {
  private last = '';
  private view: vega.View | undefined;
  constructor(readonly node: HTMLElement) {}

  async draw(spec: TopLevelSpec | undefined, points: number): Promise<void> {
    const key = spec ? JSON.stringify(spec) : '';
    if (key === this.last) return;
    this.last = key;
    this.view?.finalize();
    this.view = undefined;
    this.node.replaceChildren();
    this.node.dataset.points = String(spec ? points : 0);
    if (!spec) return;
    const host = el('div');
    this.node.append(host);
    this.view = new vega.View(vega.parse(compile(spec).spec), { renderer: 'svg', container: host, hover: false });
    await this.view.runAsync();
  }
}

/** One run's column. */
class RunPanel {
  private readonly status = el('span', { class: 'status' });
  private readonly counters = el('table', { class: 'block counters' });
  private readonly phases = el('div', { class: 'block phases' });
  private readonly evaluations = el('table', { class: 'block evaluations' });
  private readonly warnings = el('div', { class: 'block warnings' });
  private readonly figures = el('div', { class: 'block figures' });
  private readonly settings = el('pre', { class: 'settings' });
  private readonly charts = {
    curve: new Chart(el('div', { class: 'chart', id: 'curve' })),
    stream: new Chart(el('div', { class: 'chart', id: 'stream' })),
    throughput: new Chart(el('div', { class: 'chart', id: 'throughput' })),
    shards: new Chart(el('div', { class: 'chart', id: 'shards' })),
    capacity: new Chart(el('div', { class: 'chart', id: 'capacity' })),
  };

  constructor(
    readonly id: number,
    readonly root: HTMLElement,
  ) {
    const title = el('h2');
    root.append(title, this.phases, this.counters, this.evaluations, this.warnings);
    for (const chart of Object.values(this.charts)) root.append(chart.node);
    const details = el('details');
    details.append(el('summary', {}, 'graph and resolved settings'), this.settings);
    root.append(this.figures, details);
    title.append(el('span', { class: 'title' }), this.status);
  }

  async render(view: RunView): Promise<void> {
    const m = view.metrics;
    this.root.querySelector('.title')!.textContent = `${view.title}${m.pipeline ? ` · ${m.pipeline}` : ''}${m.backend ? ` on ${m.backend}` : ''}`;
    this.status.dataset.status = view.status;
    this.status.textContent = view.error ? `${view.status}: ${view.error}` : view.status;
    this.root.dataset.status = view.status;

    this.phases.replaceChildren(
      ...Object.entries(view.phases).map(([phase, p]) => {
        const row = el('div', { class: 'phase', 'data-phase': phase }, `${phase} `);
        // A stream of unknown length has no total: the bar says "going" rather than "full".
        const bar = p.total > 0 ? el('progress', { max: String(p.total), value: String(p.value) }) : el('progress', p.done ? { max: '1', value: '1' } : {});
        row.append(bar, document.createTextNode(` ${p.detail}`));
        return row;
      }),
    );
    const stream = m.stream ?? {};
    this.counters.replaceChildren(
      ...COUNTERS.filter((k) => k in stream).map((k) => {
        const tr = el('tr');
        tr.append(el('th', {}, k.replace(/_/g, ' ')), el('td', { class: 'num', 'data-counter': k }, format(stream[k])));
        return tr;
      }),
    );
    this.evaluations.replaceChildren(
      ...Object.entries(m.evaluations).map(([name, e]) => {
        const tr = el('tr');
        tr.append(el('th', {}, `${name} accuracy`), el('td', { class: 'num', 'data-evaluation': name }, e.accuracy.toFixed(4)), el('td', {}, `n = ${e.n}`));
        return tr;
      }),
    );
    this.warnings.replaceChildren(...m.warnings.slice(-20).map((w) => el('div', {}, `warning: ${w}`)));
    this.settings.textContent = `${view.graph}\n\n${JSON.stringify(m.settings ?? {}, null, 2)}`;
    this.renderFigures(view);
    await this.renderCharts(view);
  }

  private renderFigures(view: RunView): void {
    const key = view.figures.map((f) => `${f.name}@${f.version}`).join(',');
    if (this.figures.dataset.key === key) return;
    this.figures.dataset.key = key;
    this.figures.replaceChildren(...view.figures.map((f) => el('img', { src: `/runs/${this.id}/files/${encodeURIComponent(f.name)}?v=${f.version}`, alt: f.name, title: f.name })));
  }

  private async renderCharts(view: RunView): Promise<void> {
    const m = view.metrics;
    const curve: SeriesPoint[] = m.epochs.flatMap((e) => [
      ...(e.train_error === undefined ? [] : [{ x: e.epoch!, y: 100 * e.train_error, series: 'train error' }]),
      ...(e.test_error === undefined ? [] : [{ x: e.epoch!, y: 100 * e.test_error, series: 'test error' }]),
    ]);
    const s = view.streamSeries;
    const accuracy: SeriesPoint[] = s.flatMap((l) => [
      { x: l.trained, y: l.prequential_accuracy, series: 'prequential accuracy (test, then train)' },
      { x: l.trained, y: l.window_accuracy, series: 'window accuracy' },
    ]);
    const throughput: SeriesPoint[] = s.map((l) => ({ x: l.trained, y: l.samples_per_s, series: 'samples per second' }));
    const shards = (m.training?.shards ?? []).map((r) => ({ shard: Number(r.shard), epochs: Number(r.epochs), converged: Boolean(r.converged) }));
    const table = (m.training?.table ?? []).map((r) => ({ x: Number(r.patterns), y: Number(r.exact_fraction), series: String(r.model) }));
    await Promise.all([
      this.charts.curve.draw(curve.length ? lineChartSpec(curve, { x: 'epoch', y: 'error, %', title: 'learning curve', logY: true, width: 480, height: 220 }) : undefined, curve.length),
      this.charts.stream.draw(
        accuracy.length ? lineChartSpec(accuracy, { x: 'samples learned', y: 'accuracy', title: 'stream accuracy', zeroY: false, width: 480, height: 220 }) : undefined,
        accuracy.length,
      ),
      this.charts.throughput.draw(throughput.length ? lineChartSpec(throughput, { x: 'samples learned', y: 'samples/s', title: 'throughput', width: 480, height: 160 }) : undefined, throughput.length),
      this.charts.shards.draw(shards.length ? shardSpec(shards, 'shards: epochs run') : undefined, shards.length),
      this.charts.capacity.draw(
        table.length ? lineChartSpec(table, { x: 'stored patterns P', y: 'fraction recalled exactly', title: 'capacity', logX: true, dashed: true, width: 480, height: 220 }) : undefined,
        table.length,
      ),
    ]);
  }
}

async function main(): Promise<void> {
  const runs = (await (await fetch('/runs.json')).json()) as { id: number; title: string; persistent: boolean }[];
  const host = document.getElementById('runs')!;
  for (const { id, persistent } of runs) {
    const root = el('section', { class: 'run', 'data-run': String(id) });
    host.append(root);
    const panel = new RunPanel(id, root);
    const events = new EventSource(`/runs/${id}/events`);
    let drawing = Promise.resolve();
    events.addEventListener('state', (e) => {
      const view = JSON.parse((e as MessageEvent<string>).data) as RunView;
      drawing = drawing.then(() => panel.render(view)).catch((err: unknown) => console.error(err));
      // A live run's server stops when the run ends: the page keeps its last state and stops listening.
      if (view.status !== 'running' && !persistent) events.close();
    });
  }
}

void main();
