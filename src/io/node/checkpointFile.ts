/** Checkpoint files: `checkpoint.ts`'s Arrow IPC encoding, written atomically and read back with clear errors. */
import { readFileSync } from 'node:fs';
import { UsageError } from '../../util/errors.js';
import { decodeCheckpoint, encodeCheckpoint, type Checkpoint } from '../checkpoint.js';
import { atomicWriteFile } from './atomicWrite.js';

/** Saves a checkpoint atomically. */
export function saveCheckpoint(path: string, ckpt: Checkpoint): void {
  atomicWriteFile(path, encodeCheckpoint(ckpt));
}

/** Loads a checkpoint, checking its kind when `kind` is given. */
export function loadCheckpoint(path: string, kind?: string): Checkpoint {
  let bytes: Uint8Array;
  try {
    bytes = readFileSync(path);
  } catch (err) {
    throw new UsageError(`cannot read checkpoint '${path}': ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const ckpt = decodeCheckpoint(bytes, path);
  if (kind && ckpt.kind !== kind) throw new UsageError(`'${path}' is a '${ckpt.kind}' checkpoint, not '${kind}'`);
  return ckpt;
}
