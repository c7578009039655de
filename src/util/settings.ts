/** Settings as dotted paths: what `describe` lists and `--set` changes; and the checks every settings resolver shares. */
import type { z } from 'zod';
import { UsageError } from './errors.js';

/** Every setting as a dotted path and its JSON value. */
export function flattenSettings(value: unknown, prefix = ''): [string, string][] {
  if (Array.isArray(value) && value.every((v) => typeof v !== 'object')) return [[prefix, JSON.stringify(value)]];
  if (value !== null && typeof value === 'object') {
    const entries = Object.entries(value as Record<string, unknown>);
    if (entries.length === 0) return [[prefix, Array.isArray(value) ? '[]' : '{}']];
    return entries.flatMap(([k, v]) => flattenSettings(v, prefix ? `${prefix}.${k}` : k));
  }
  return [[prefix, JSON.stringify(value)]];
}

/** Keys that would reach an object's prototype instead of a setting. */
const FORBIDDEN_KEYS = new Set(['__proto__', 'prototype', 'constructor']);

/** Refuses `__proto__`, `prototype` and `constructor` as keys anywhere in settings (a path, or an object value). */
export function assertPlainKeys(value: unknown, where: string, path: string[] = []): void {
  if (Array.isArray(value) && path.length === 0 && value.every((v) => typeof v === 'string')) {
    const bad = value.find((k) => FORBIDDEN_KEYS.has(k));
    if (bad !== undefined) throw new UsageError(`${where}: '${bad}' cannot be a setting name (it would reach JavaScript's object prototype)`);
    return;
  }
  if (value === null || typeof value !== 'object') return;
  for (const key of Object.keys(value)) {
    if (FORBIDDEN_KEYS.has(key)) throw new UsageError(`${where}: '${[...path, key].join('.')}' cannot be a setting name (it would reach JavaScript's object prototype)`);
    assertPlainKeys((value as Record<string, unknown>)[key], where, [...path, key]);
  }
}

/** One line per schema issue, naming the setting, the problem and the value given. */
export function settingIssues(error: z.ZodError, spec: unknown): string {
  return error.issues
    .map((issue) => {
      let given: unknown = spec;
      for (const p of issue.path) given = given !== null && typeof given === 'object' ? (given as Record<PropertyKey, unknown>)[p as PropertyKey] : undefined;
      const value = given === undefined || typeof given === 'object' ? '' : ` (got ${JSON.stringify(given)})`;
      return `✖ ${issue.message}${value}\n  → at ${issue.path.map(String).join('.') || '(pipeline)'}`;
    })
    .join('\n');
}

/**
 * A deep copy of resolved settings whose objects have no prototype: a key read from settings is
 * the setting or undefined, never something inherited (`toString`, `constructor`, a polluted
 * `Object.prototype`). Arrays stay arrays.
 */
export function sealedSettings<T>(value: T): T {
  if (Array.isArray(value)) return value.map((v) => sealedSettings(v)) as T;
  if (value === null || typeof value !== 'object') return value;
  const out = Object.create(null) as Record<string, unknown>;
  for (const [k, v] of Object.entries(value)) out[k] = sealedSettings(v);
  return out as T;
}
