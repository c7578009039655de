/**
 * Loading optional peer packages (GPU backends) only when asked, with a clear reason when absent.
 */
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);

/** True when `name` can be resolved from this package (installed), without loading it. */
export function isInstalled(name: string): boolean {
  try {
    require.resolve(name);
    return true;
  } catch {
    return false;
  }
}

/** Imports an optional package by name (kept out of static analysis so it stays optional). */
export async function importOptional<T>(name: string): Promise<T> {
  return (await import(name)) as T;
}
