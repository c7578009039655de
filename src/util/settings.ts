/** Settings as dotted paths: what `describe` lists and `--set` changes. */

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
