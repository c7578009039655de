/**
 * Error types that carry how the CLI should exit and what the user can do about them.
 *
 * A `UsageError` is the caller's mistake (bad option, missing file, bad `--set`): exit code 2.
 * A `DataError` is bad input found while running (corrupt file, NaN, wrong width): exit code 1.
 * Every message names the problem and, where one exists, the fix.
 */

/** The caller asked for something that cannot be done as asked (exit code 2). */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** Input data is malformed or inconsistent (exit code 1). */
export class DataError extends Error {
  override readonly name = 'DataError';
}
