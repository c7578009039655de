/**
 * The peak resident memory of this process, as `metrics.json` reports it. On Linux it is the
 * kernel's high-water mark of this program's own memory (`VmHWM` in /proc/self/status): the
 * rusage figure (`process.resourceUsage().maxRSS`) carries a parent's peak over `exec`, so a run
 * started by a large process (a benchmark harness, a test runner) would report that process's
 * memory. Elsewhere, the rusage figure.
 */
import { readFileSync } from 'node:fs';

/** Peak resident memory of this process, in bytes. */
export function peakRssBytes(): number {
  try {
    const m = /^VmHWM:\s+(\d+) kB/m.exec(readFileSync('/proc/self/status', 'utf8'));
    if (m) return Number(m[1]) * 1024;
  } catch {
    // no /proc: not Linux
  }
  return process.resourceUsage().maxRSS * 1024;
}
