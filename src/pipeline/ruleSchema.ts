/**
 * zod schemas built from the models' declarative option rules, so a pipeline's `model` section
 * checks and defaults a model's options exactly as the model does, from one description.
 */
import { z } from 'zod';
import type { OptionRule } from '../models/optionRules.js';

type NumberRule = OptionRule & { type: 'number' };

/** The zod schema of a nullable numeric option, with its default. */
export function ruleSchema(rule: NumberRule & { nullable: true }): z.ZodDefault<z.ZodNullable<z.ZodNumber>>;
/** The zod schema of a numeric option, with its default. */
export function ruleSchema(rule: NumberRule): z.ZodDefault<z.ZodNumber>;
/** The zod schema of a true/false option, with its default. */
export function ruleSchema(rule: OptionRule & { type: 'boolean' }): z.ZodDefault<z.ZodBoolean>;
/** The zod schema of a choice, with its default. */
export function ruleSchema<V extends string>(rule: { type: 'choice'; values: readonly V[]; default: string; doc: string }): z.ZodDefault<z.ZodEnum<{ [K in V]: K }>>;
export function ruleSchema(rule: OptionRule): z.ZodType {
  if (rule.type === 'boolean') return z.boolean().default(rule.default);
  if (rule.type === 'choice') return z.enum(rule.values as [string, ...string[]]).default(rule.default);
  let n = rule.int ? z.number().int() : z.number();
  if (rule.min !== undefined) n = n.min(rule.min);
  if (rule.max !== undefined) n = n.max(rule.max);
  if (rule.positive) n = n.positive();
  return rule.nullable ? n.nullable().default(rule.default) : n.default(rule.default ?? 0);
}

/** A strict zod object of numeric options (each with its default), for a group whose fields are all numbers. */
export function numberGroupSchema<R extends Record<string, NumberRule>>(rules: R): z.ZodObject<{ [K in keyof R]: z.ZodDefault<z.ZodNumber> }, z.core.$strict> {
  const shape = Object.fromEntries(Object.entries(rules).map(([name, rule]) => [name, ruleSchema(rule as NumberRule)]));
  return z.strictObject(shape) as never;
}
