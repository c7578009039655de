/** "Did you mean …?" for mistyped setting keys: the nearest valid key by edit distance. */
import type { z } from 'zod';
import { flattenSettings } from './settings.js';

/** Levenshtein distance between two strings. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row[j] = Math.min(prev[j] + 1, row[j - 1] + 1, prev[j - 1] + (a[i - 1] === b[j - 1] ? 0 : 1));
    prev = row;
  }
  return prev[b.length];
}

/** The candidate nearest to `word`, when it is close enough to be a typo (at most a third of its length away). */
export function nearest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestDistance = Infinity;
  for (const c of candidates) {
    const d = distance(word, c);
    if (d < bestDistance) [best, bestDistance] = [c, d];
  }
  return bestDistance <= Math.max(2, Math.floor(word.length / 3)) ? best : undefined;
}

/**
 * Lines naming the nearest valid key for each key a schema did not recognise in `spec`: the
 * keys it knows are those of `spec` resolved without the unknown ones (defaults filled in).
 */
export function suggestKeys(schema: z.ZodType, spec: unknown, error: z.ZodError): string[] {
  const unknown = error.issues.flatMap((i) => (i.code === 'unrecognized_keys' ? i.keys.map((k) => [...i.path.map(String), k]) : []));
  if (unknown.length === 0) return [];
  const cleaned = structuredClone(spec) as Record<string, unknown>;
  for (const path of unknown) {
    let node: unknown = cleaned;
    for (const p of path.slice(0, -1)) node = (node as Record<string, unknown> | undefined)?.[p];
    if (node && typeof node === 'object') delete (node as Record<string, unknown>)[path.at(-1)!];
  }
  const resolved = schema.safeParse(cleaned);
  if (!resolved.success) return [];
  const known = flattenSettings(resolved.data).map(([k]) => k);
  return unknown.flatMap((path) => {
    const key = path.join('.');
    const near = nearest(key, known);
    return near ? [`did you mean '${near}' (for '${key}')?`] : [];
  });
}
