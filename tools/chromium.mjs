// Headless Chromium for the browser tests: Debian's `chromium` driven by puppeteer-core, installed
// with apt-get when missing and running as root.
import { execFileSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import puppeteer from 'puppeteer-core';

const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/lib/chromium/chromium';

function ensureChromium() {
  if (existsSync(CHROMIUM)) return;
  if (process.getuid?.() !== 0) throw new Error(`no Chromium at ${CHROMIUM}; install Debian's 'chromium' (sudo apt-get install chromium) or set CHROMIUM_PATH`);
  console.log('installing Debian chromium (about 75 s)…');
  try {
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit' });
  } catch {
    execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit' });
    execFileSync('apt-get', ['install', '-y', '-qq', 'chromium'], { stdio: 'inherit' });
  }
}

/** Launches headless Chromium (installing it first when needed). */
export function launchChromium(extraArgs = []) {
  ensureChromium();
  return puppeteer.launch({ executablePath: CHROMIUM, pipe: true, args: ['--headless=new', '--no-sandbox', ...extraArgs] });
}
