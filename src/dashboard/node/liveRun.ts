/**
 * One run as the dashboard serves it: its view, and who to tell when it changes. A live run is
 * fed by the run's reporter (`watch`); a finished run is read from its output folder.
 */
import type { LiveEvent } from '../../util/liveEvents.js';
import type { Progress, Reporter } from '../../util/reporter.js';
import { applyEvent, type LiveMetrics, type RunView } from '../liveState.js';

/** A run the dashboard shows. */
export class DashboardRun {
  private readonly listeners = new Set<() => void>();

  constructor(
    public view: RunView,
    /** The output folder its figures are served from. */
    public readonly dir: string | undefined,
  ) {}

  /** Calls `fn` after each change; returns the function that stops it. */
  subscribe(fn: () => void): () => void {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Tells every subscriber that the view changed. */
  changed(): void {
    for (const fn of this.listeners) fn();
  }

  /** Folds a live event into the view. */
  record(event: LiveEvent): void {
    applyEvent(this.view, event);
    this.changed();
  }

  /** A reporter that does what `inner` does and also feeds this run's view (progress, warnings, results). */
  watch(inner: Reporter): Reporter {
    return {
      start: (phase, total): Progress => {
        const bar = inner.start(phase, total);
        const state = (this.view.phases[phase] = { value: 0, total, detail: '', done: false });
        this.changed();
        return {
          update: (value, detail) => {
            bar.update(value, detail);
            Object.assign(state, { value, detail: detail ?? '' });
            this.changed();
          },
          done: (summary) => {
            bar.done(summary);
            Object.assign(state, { value: Math.max(state.value, total), detail: summary ?? state.detail, done: true });
            this.changed();
          },
        };
      },
      info: (message) => inner.info(message),
      warn: (message) => {
        inner.warn(message);
        this.view.metrics.warnings.push(message);
        this.changed();
      },
      record: (event) => {
        inner.record?.(event);
        this.record(event);
      },
    };
  }

  /** Ends the run: the final metrics replace what was gathered live (or the error is shown). */
  finish(outcome: { metrics: LiveMetrics } | { error: string }): void {
    if ('metrics' in outcome) {
      this.view.metrics = { ...outcome.metrics, warnings: outcome.metrics.warnings ?? [] };
      this.view.status = 'finished';
    } else {
      this.view.status = 'failed';
      this.view.error = outcome.error;
    }
    this.changed();
  }
}
