/**
 * How a run tells the user what it is doing. The CLI draws progress bars on a terminal and plain
 * lines elsewhere; tests and library callers use `silentReporter` or their own.
 */
import type { LiveEvent } from './liveEvents.js';

/** A progress bar (or its stand-in) for one phase. */
export interface Progress {
  /** Sets the bar to `value` (of the phase's total) with an optional detail text. */
  update(value: number, detail?: string): void;
  /** Ends the phase with an optional summary. */
  done(summary?: string): void;
}

/** Receives the run's progress, notes and warnings. */
export interface Reporter {
  start(phase: string, total: number): Progress;
  info(message: string): void;
  warn(message: string): void;
  /** Receives results as they become known (the live dashboard listens; the terminal does not). */
  record?(event: LiveEvent): void;
}

/** A reporter that says nothing (warnings are still collected in the results). */
export const silentReporter: Reporter = {
  start: () => ({ update() {}, done() {} }),
  info() {},
  warn() {},
};
