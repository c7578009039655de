/**
 * Loading a pipeline file and resolving its settings: `--set key=value` overrides on top of the
 * file, then the schema's defaults and checks. Every problem is a UsageError that names the file,
 * the setting and what is allowed.
 *
 * @example
 * const spec = resolvePipeline(await loadPipelineFile('pipelines/sharded-mnist.ts'), ['train.epochs=20']);
 */
import { existsSync, readFileSync } from 'node:fs';
import { extname, resolve as resolvePath } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UsageError } from '../util/errors.js';
import { assertPlainKeys, sealedSettings, settingIssues } from '../util/settings.js';
import { suggestKeys } from '../util/suggest.js';
import { PipelineSchema, type PipelineSpec, type ResolvedPipeline } from './spec.js';

/**
 * Reads a pipeline file (not yet validated). `.json`, `.yaml` and `.yml` files are data: parsed,
 * never executed. `.ts`, `.mts`, `.js` and `.mjs` files are code, like a bundler's config: they
 * are imported (TypeScript through tsx, loaded only then) and their default export is the pipeline.
 * A file loads from any folder.
 */
export async function loadPipelineFile(file: string): Promise<PipelineSpec> {
  const path = resolvePath(file);
  if (!existsSync(path)) throw new UsageError(`pipeline file '${file}' does not exist; shipped pipelines are in pipelines/ (e.g. pipelines/sharded-mnist.ts)`);
  const ext = extname(path).toLowerCase();
  let value: unknown;
  try {
    if (ext === '.json') value = JSON.parse(readFileSync(path, 'utf8'));
    else if (ext === '.yaml' || ext === '.yml') value = (await import('yaml')).parse(readFileSync(path, 'utf8'));
    else if (ext === '.ts' || ext === '.mts' || ext === '.cts') value = moduleDefault(await (await import('tsx/esm/api')).tsImport(pathToFileURL(path).href, import.meta.url));
    else if (ext === '.js' || ext === '.mjs') value = ((await import(pathToFileURL(path).href)) as { default?: unknown }).default;
    else throw new UsageError(`pipeline file '${file}': unknown extension '${ext}'; use .json or .yaml (data), or .ts / .js (code that exports the pipeline)`);
  } catch (err) {
    if (err instanceof UsageError) throw err;
    throw new UsageError(`cannot load pipeline file '${file}': ${(err as Error).message}`);
  }
  if (!value || typeof value !== 'object' || Array.isArray(value))
    throw new UsageError(`pipeline file '${file}' must ${ext === '.json' || ext.startsWith('.y') ? 'hold a pipeline object' : "'export default' a pipeline object"}`);
  return value as PipelineSpec;
}

/**
 * A module's default export. A `.ts` file outside an ESM package loads as CommonJS, whose exports
 * object (holding `default`) arrives as the default: unwrap it.
 */
function moduleDefault(mod: unknown): unknown {
  const value = (mod as { default?: unknown }).default;
  if (value && typeof value === 'object' && 'default' in value && Object.keys(value).every((k) => k === 'default' || k === '__esModule')) return (value as { default: unknown }).default;
  return value;
}

/** Applies `key=value` overrides (dotted paths, array indices as numbers) to a copy of `spec`. */
export function applySettings(spec: PipelineSpec, sets: readonly string[]): PipelineSpec {
  const out = structuredClone(spec) as unknown as Record<string, unknown>;
  const parsed = sets.map((set) => {
    const eq = set.indexOf('=');
    if (eq <= 0) throw new UsageError(`--set '${set}' is not key=value (e.g. --set train.epochs=20)`);
    const path = set.slice(0, eq).split('.');
    if (path.some((p) => p === '')) throw new UsageError(`--set '${set}': empty segment in the key`);
    const value = parseValue(set.slice(eq + 1));
    assertPlainKeys(path, `--set '${set}'`);
    assertPlainKeys(value, `--set '${set}'`, path);
    return { set, path, value };
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
  assertPlainKeys(spec, source);
  const parsed = PipelineSchema.safeParse(spec);
  if (!parsed.success) {
    const hints = suggestKeys(PipelineSchema, spec, parsed.error).join('\n');
    throw new UsageError(`${source}: invalid settings\n${settingIssues(parsed.error, spec)}\n${hints ? `${hints}\n` : ''}(run 'amem-flow describe ${source}' to see every setting and its value)`);
  }
  return sealedSettings(parsed.data);
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
  const last = path[path.length - 1];
  if (Array.isArray(node) && !(/^\d+$/.test(last) && Number(last) <= node.length)) {
    throw new UsageError(`--set '${set}': '${path.slice(0, -1).join('.')}' has ${node.length} entries: give an index from 0 to ${node.length} (${node.length} appends one)`);
  }
  (node as Record<string, unknown>)[last] = value;
}
