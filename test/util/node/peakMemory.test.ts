import { execFileSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';

describe('peak memory', () => {
  it.runIf(process.platform === 'linux')("is the process's own, not a large parent's that rusage carries over exec", () => {
    const ballast = Buffer.alloc(400 * 2 ** 20, 1); // 400 MiB resident in this (parent) process
    const script = `import('${new URL('../../../src/util/node/peakMemory.ts', import.meta.url).href}').then((m) => console.log(JSON.stringify({ own: m.peakRssBytes(), rusage: process.resourceUsage().maxRSS * 1024 })))`;
    const out = JSON.parse(execFileSync(process.execPath, ['--import', 'tsx', '-e', script], { encoding: 'utf8' })) as { own: number; rusage: number };
    expect(ballast[ballast.length - 1]).toBe(1);
    expect(out.rusage).toBeGreaterThan(400 * 2 ** 20); // the figure this replaces: the parent's memory
    expect(out.own).toBeLessThan(200 * 2 ** 20);
    expect(out.own).toBeGreaterThan(20 * 2 ** 20);
  });
});
