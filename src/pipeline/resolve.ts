/**
 * Loading a pipeline file and resolving its settings: `--set key=value` overrides on top of the
 * file, then the schema's defaults and checks. Every problem is a UsageError that names the file,
 * the setting and what is allowed.
 *
 * @example
 * const spec = resolvePipeline(await loadPipelineFile('pipelines/sharded-mnist.ts'), ['train.epochs=20']);
 */
import { existsSync } from 'node:fs';
import { resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { z } from 'zod';
import { UsageError } from '../util/errors.js';
import { PipelineSchema, type PipelineSpec, type ResolvedPipeline } from './spec.js';

/** Imports a pipeline file and returns its default export (not yet validated). */
export async function loadPipelineFile(file: string): Promise<PipelineSpec> {
  const path = resolvePath(file);
  if (!existsSync(path)) throw new UsageError(`pipeline file '${file}' does not exist; shipped pipelines are in pipelines/ (e.g. pipelines/sharded-mnist.ts)`);
  let mod: { default?: unknown };
  try {
    mod = (await import(pathToFileURL(path).href)) as { default?: unknown };
  } catch (err) {
    throw new UsageError(`cannot load pipeline file '${file}': ${(err as Error).message}`);
  }
  if (!mod.default || typeof mod.default !== 'object') throw new UsageError(`pipeline file '${file}' must 'export default' a pipeline object`);
  return mod.default as PipelineSpec;
}

/** Applies `key=value` overrides (dotted paths, array indices as numbers) to a copy of `spec`. */
export function applySettings(spec: PipelineSpec, sets: readonly string[]): PipelineSpec {
  const out = structuredClone(spec) as unknown as Record<string, unknown>;
  const parsed = sets.map((set) => {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set '${set}' is not key=value (e.g. --set train.epochs=20)`);
    const path = set.slice(0, eq).split('.');
    if (path.some((p) => p === '')) throw new UsageError(`--set '${set}': empty segment in the key`);
    return { set, path, value: parseValue(set.slice(eq + 1)) };
  });
  // A new `data.kind` or `model.kind` starts that section afresh (the old kind's settings do not
  // apply to the new one); it is applied before the other settings, whatever their order.
  const isKind = (p: string[]) => p.length === 2 && (p[0] === 'data' || p[0] === 'model') && p[1] === 'kind';
  for (const { path, value } of parsed.filter((e) => isKind(e.path))) {
    const section = out[path[0]] as Record<string, unknown> | undefined;
    if (section?.kind !== value) out[path[0]] = { kind: value };
  }
  for (const { set, path, value } of parsed.filter((e) => !isKind(e.path))) setPath(out, path, value, set);
  return out as unknown as PipelineSpec;
}

/** Validates a pipeline and fills in every default. */
export function resolvePipeline(spec: PipelineSpec, source = 'pipeline'): ResolvedPipeline {
  const parsed = PipelineSchema.safeParse(spec);
  if (!parsed.success) {
    throw new UsageError(`${source}: invalid settings\n${z.prettifyError(parsed.error)}\n(run 'amem-flow describe ${source}' to see every setting and its value)`);
  }
  return parsed.data;
}

/** Parses a `--set` value: JSON when it parses (numbers, booleans, arrays), a comma list, or a string. */
export function parseValue(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    if (text.includes(',')) return text.split(',').map((part) => (part.trim() !== '' && Number.isFinite(Number(part)) ? Number(part) : part));
    return text;
  }
}

function setPath(root: Record<string, unknown>, path: string[], value: unknown, set: string): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i];
    const container = node as Record<string, unknown>;
    if (Array.isArray(container) && !(Number(key) >= 0 && Number(key) < container.length)) {
      throw new UsageError(`--set '${set}': '${path.slice(0, i).join('.')}' has ${container.length} entries, there is no [${key}]`);
    }
    if (container[key] === undefined) container[key] = {};
    if (typeof container[key] !== 'object' || container[key] === null) {
      throw new UsageError(`--set '${set}': '${path.slice(0, i + 1).join('.')}' is a value, not a group of settings`);
    }
    node = container[key];
  }
  (node as Record<string, unknown>)[path[path.length - 1]] = value;
}
