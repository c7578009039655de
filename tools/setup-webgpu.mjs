#!/usr/bin/env node
// `npm run setup:webgpu`: puts a software WebGPU adapter where the webgpu backend looks for one.
// SwiftShader (Google's CPU implementation of Vulkan) ships in Debian's chromium-common package;
// the package is downloaded (not installed: no root needed) and three files are kept in
// .cache/webgpu/: the Vulkan ICD, its manifest and the Vulkan loader. Idempotent: a complete
// cache is left as it is. Dawn (the `webgpu` npm package) then finds "SwiftShader Device".
import { execFileSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const cache = join(root, '.cache', 'webgpu');
const FILES = ['libvk_swiftshader.so', 'vk_swiftshader_icd.json', 'libvulkan.so.1'];
const PACKAGE = 'chromium-common';

function fail(message) {
  console.error(`setup:webgpu: ${message}`);
  process.exit(1);
}

function has(command) {
  try {
    execFileSync('sh', ['-c', `command -v ${command}`], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

if (FILES.every((f) => existsSync(join(cache, f)))) {
  console.log(`setup:webgpu: software adapter already in ${cache}`);
  process.exit(0);
}
if (process.platform !== 'linux') fail(`the SwiftShader download is for Linux; on ${process.platform} Dawn uses the system GPU (Metal or D3D12) directly`);
for (const tool of ['apt-get', 'dpkg-deb']) {
  if (!has(tool)) fail(`needs ${tool} (Debian or Ubuntu) to fetch ${PACKAGE}; elsewhere point VK_ICD_FILENAMES at any Vulkan ICD (e.g. lavapipe's lvp_icd.json)`);
}

const work = mkdtempSync(join(tmpdir(), 'amem-webgpu-'));
try {
  console.log(`setup:webgpu: downloading ${PACKAGE} (about 27 MB, not installed)…`);
  try {
    execFileSync('apt-get', ['download', PACKAGE], { cwd: work, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    fail(
      `'apt-get download ${PACKAGE}' failed (${String(e.stderr ?? e)
        .trim()
        .split('\n')
        .pop()}); run 'apt-get update' first, or check the network`,
    );
  }
  const deb = readdirSync(work).find((f) => f.endsWith('.deb'));
  if (!deb) fail(`'apt-get download ${PACKAGE}' wrote no .deb file`);
  execFileSync('dpkg-deb', ['-x', deb, 'x'], { cwd: work });
  const lib = join(work, 'x', 'usr', 'lib', 'chromium');
  const missing = FILES.filter((f) => !existsSync(join(lib, f)));
  if (missing.length > 0) fail(`${deb} no longer carries ${missing.join(', ')}`);
  mkdirSync(cache, { recursive: true });
  // The manifest last: a cache is complete only when all three files are there.
  for (const f of [...FILES.filter((n) => !n.endsWith('.json')), 'vk_swiftshader_icd.json']) copyFileSync(join(lib, f), join(cache, f));
  writeFileSync(join(cache, 'SOURCE'), `${deb}\n`);
  console.log(`setup:webgpu: SwiftShader Vulkan adapter unpacked to ${cache} (from ${deb})`);
} finally {
  rmSync(work, { recursive: true, force: true });
}
