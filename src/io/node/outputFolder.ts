/**
 * The output folder check a run makes before any work: the folder is a folder (or can be made),
 * writable, and on an ordinary file system. Node's recursive mkdir never returns on some
 * kernel file systems (under /proc it loops, ignoring SIGTERM), and a folder that turns out to be
 * a file would otherwise fail only after training and every evaluation.
 */
import { accessSync, constants, existsSync, mkdirSync, statfsSync, statSync } from 'node:fs';
import { dirname } from 'node:path';
import { UsageError } from '../../util/errors.js';

/** Magic numbers (statfs f_type) of Linux's kernel and virtual file systems, where outputs cannot go. */
const SPECIAL_FILE_SYSTEMS: Record<number, string> = {
  0x9fa0: 'proc',
  0x62656572: 'sysfs',
  0x1cd1: 'devpts',
  0x27e0eb: 'cgroup',
  0x63677270: 'cgroup2',
  0x64626720: 'debugfs',
  0x74726163: 'tracefs',
  0x73636673: 'securityfs',
  0xcafe4a11: 'bpf',
  0x6e736673: 'nsfs',
};

/** Checks (and creates) the output folder `dir`; `flag` names the option in errors (e.g. `--out`). */
export function prepareOutputFolder(dir: string, flag = '--out'): void {
  let existing = dir;
  while (!existsSync(existing) && dirname(existing) !== existing) existing = dirname(existing);
  if (existing === dir && !statSync(dir).isDirectory()) throw new UsageError(`${flag} '${dir}' is a file, not a folder; give a folder for the run's outputs`);
  if (existing !== dir && !statSync(existing).isDirectory()) throw new UsageError(`${flag} '${dir}': '${existing}' is a file, so the folder cannot be made there`);
  const fs = SPECIAL_FILE_SYSTEMS[statfsSync(existing).type];
  if (fs) throw new UsageError(`${flag} '${dir}' is on the ${fs} kernel file system, where files cannot be written; give a folder on a disk`);
  try {
    accessSync(existing, constants.W_OK);
  } catch {
    throw new UsageError(`${flag} '${dir}': '${existing}' is not writable; give a folder you can write to`);
  }
  mkdirSync(dir, { recursive: true });
}
