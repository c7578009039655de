/**
 * Backpressure for pipelines fed by a reader: the source reads its next item only when every item
 * it emitted so far has been consumed. Operators in between may buffer (minibatch) or split
 * (routeByShard); the gate counts what reaches the consumer, so memory stays bounded by one
 * source item plus what operators hold.
 *
 * @example
 * const gate = new PullGate();
 * await lastValueFrom(gate.source(events).pipe(map(f), gate.consume(async (b) => learn(b))));
 */
import { Observable, concatMap, tap, type OperatorFunction } from 'rxjs';

/** Couples a pulled source to the consumer at the end of its pipeline. */
export class PullGate {
  private pending = 0;
  private wake: (() => void) | undefined;

  /** An Observable that pulls `items` one at a time, waiting for the consumer in between. */
  source<T>(items: AsyncIterable<T>): Observable<T> {
    return new Observable<T>((subscriber) => {
      let stopped = false;
      void (async () => {
        for await (const item of items) {
          if (stopped) break;
          subscriber.next(item);
          await this.idle();
        }
        subscriber.complete();
      })().catch((err: unknown) => subscriber.error(err));
      return () => {
        stopped = true;
      };
    });
  }

  /** The pipeline's last step: runs `fn` on each item, one at a time, and opens the gate when done. */
  consume<T, R>(fn: (item: T) => Promise<R> | R): OperatorFunction<T, R> {
    return (source) =>
      source.pipe(
        tap(() => this.pending++),
        concatMap(async (item) => {
          try {
            return await fn(item);
          } finally {
            this.pending--;
            if (this.pending === 0) this.wake?.();
          }
        }),
      );
  }

  private idle(): Promise<void> {
    if (this.pending === 0) return Promise.resolve();
    return new Promise((resolve) => (this.wake = resolve));
  }
}
