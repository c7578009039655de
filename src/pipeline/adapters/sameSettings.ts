/** Resuming needs the model a checkpoint holds to be the one the pipeline asks for. */
import { UsageError } from '../../util/errors.js';

/** Throws a usage error naming each setting in which the checkpoint's model differs from the pipeline's. */
export function assertSameSettings(have: object, want: object, path: string): void {
  const h = have as Record<string, unknown>;
  const w = want as Record<string, unknown>;
  const differ = Object.keys(w).filter((k) => JSON.stringify(h[k]) !== JSON.stringify(w[k]));
  if (differ.length === 0) return;
  const list = differ.map((k) => `${k}: ${JSON.stringify(h[k])} there, ${JSON.stringify(w[k])} here`).join('; ');
  throw new UsageError(`'${path}' was made with other model settings (${list}); resume with the settings it was made with, or start afresh in another --out folder`);
}
