/** Rounds for reports and metrics.json (e.g. seconds to milliseconds). */
export function round(v: number, digits = 3): number {
  const f = 10 ** digits;
  return Math.round(v * f) / f;
}
