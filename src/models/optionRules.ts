/**
 * Declarative option rules of the models (type, range, default, one-line doc) and their check:
 * what a schema library would do, for the few flat option groups of the core, which must stay
 * quick to import and free of Node. The pipeline layer turns the same rules into zod schemas.
 */
import { nearest } from '../util/suggest.js';

/** How one option is checked. */
export type OptionRule =
  | { type: 'number'; int?: boolean; min?: number; max?: number; positive?: boolean; nullable?: boolean; default: number | null; doc: string }
  | { type: 'boolean'; default: boolean; doc: string }
  | { type: 'choice'; values: readonly string[]; default: string; doc: string };

/** Rules of a group of options, by name. */
export type OptionRules = Readonly<Record<string, OptionRule>>;

/**
 * Checks a plain object of options against `rules`, filling defaults; each problem becomes a line
 * in `issues` (prefixed with `prefix`, e.g. `optimizer.`). Keys in `skip` are left to the caller.
 */
export function checkOptions(value: unknown, rules: OptionRules, prefix: string, issues: string[], skip: readonly string[] = []): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  if (value === null || typeof value !== 'object' || Array.isArray(value)) {
    issues.push(`${prefix.replace(/\.$/, '') || '(options)'}: expected an object, got ${JSON.stringify(value)}`);
    return out;
  }
  const given = value as Record<string, unknown>;
  const names = Object.keys(rules);
  for (const key of Object.keys(given)) {
    if (Object.hasOwn(rules, key) || skip.includes(key)) continue;
    const near = nearest(key, names);
    issues.push(`${prefix}${key}: unknown option${near ? `; did you mean '${prefix}${near}'?` : ''}`);
  }
  for (const [name, rule] of Object.entries(rules)) {
    const v = given[name];
    if (v === undefined) out[name] = rule.default;
    else {
      const problem = ruleProblem(rule, v);
      if (problem) issues.push(`${prefix}${name}: ${problem}, got ${JSON.stringify(v)}`);
      else out[name] = v;
    }
  }
  return out;
}

/** What is wrong with `v` under `rule`, or undefined. */
function ruleProblem(rule: OptionRule, v: unknown): string | undefined {
  if (rule.type === 'boolean') return typeof v === 'boolean' ? undefined : 'expected true or false';
  if (rule.type === 'choice') return typeof v === 'string' && rule.values.includes(v) ? undefined : `expected one of ${rule.values.join(', ')}`;
  if (v === null && rule.nullable) return undefined;
  const ok =
    typeof v === 'number' &&
    Number.isFinite(v) &&
    (!rule.int || Number.isInteger(v)) &&
    (rule.min === undefined || v >= rule.min) &&
    (rule.max === undefined || v <= rule.max) &&
    (!rule.positive || v > 0);
  return ok ? undefined : `expected ${describeRule(rule)}`;
}

/** A rule in words, e.g. "an integer in [2, 1000000]" or "a number > 0". */
function describeRule(rule: OptionRule & { type: 'number' }): string {
  const what = rule.int ? 'an integer' : 'a finite number';
  const bounds = [
    rule.positive ? '> 0' : undefined,
    rule.min !== undefined && rule.max === undefined ? `>= ${rule.min}` : undefined,
    rule.max === undefined ? undefined : `in [${rule.min ?? '-∞'}, ${rule.max}]`,
  ].filter(Boolean);
  return `${what}${bounds.length > 0 ? ` ${bounds.join(' and ')}` : ''}${rule.nullable ? ' (or null)' : ''}`;
}
