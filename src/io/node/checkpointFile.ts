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

/** A model class that rebuilds its instances from checkpoints (every amem-flow model). */
export interface CheckpointedModel<M, B> {
  readonly kind: string;
  fromCheckpoint(ckpt: Checkpoint, backend: B, source?: string): M;
}

/** Writes a model's whole state to a checkpoint file, atomically. */
export function saveModel(path: string, model: { toCheckpoint(): Checkpoint }): void {
  saveCheckpoint(path, model.toCheckpoint());
}

/** Reads a model of class `type` from a file written by `saveModel`. */
export function loadModel<M, B>(path: string, type: CheckpointedModel<M, B>, backend: B): M {
  return type.fromCheckpoint(loadCheckpoint(path, type.kind), backend, path);
}
