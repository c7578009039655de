/** Starts `amem-flow emit` in a child process serving TCP on a free loopback port. */
import { spawn, type ChildProcess } from 'node:child_process';

export interface Emitter {
  url: string;
  child: ChildProcess;
  /** Resolves with the emitter's exit code. */
  exited: Promise<number | null>;
}

/** Runs `amem-flow emit SOURCE --to tcp://HOST:0 ...args` (HOST 127.0.0.1 unless given) and waits until it listens. */
export function startEmitter(source: string, args: string[] = [], host = '127.0.0.1'): Promise<Emitter & { stderr: () => string }> {
  const child = spawn(process.execPath, ['bin/amem-flow.js', 'emit', source, '--to', `tcp://${host}:0`, ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  const exited = new Promise<number | null>((resolve) => child.on('exit', resolve));
  return new Promise((resolve, reject) => {
    let err = '';
    child.stderr!.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /serving .* on (tcp:\/\/\S+:\d+)/.exec(err);
      if (m) resolve({ url: m[1], child, exited, stderr: () => err });
    });
    child.on('exit', (code) => reject(new Error(`emitter exited (${code}) before listening: ${err}`)));
  });
}
