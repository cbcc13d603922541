// Drives the built Vite app (dist/) in headless Chromium: the model loads from the app's own
// assets (the package's int8 files, emitted by vite build), a picked file gets the native CLI's
// report, and no request leaves 127.0.0.1. Started by run.sh.
//   node e2e.mjs URL NATIVE_REPORT DOMAIN
import assert from 'node:assert/strict';
import fs from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

const [url, nativeReport, domain] = process.argv.slice(2);
const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '../..');
const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
try {
  const context = await browser.newContext();
  const requests = [];
  context.on('request', (r) => requests.push(r.url()));
  const page = await context.newPage();
  await page.goto(`${url}?domain=${encodeURIComponent(domain)}`);
  await page.waitForFunction(() => /^(ready|error)/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  const ready = await page.textContent('#status');
  assert.match(ready, /^ready \(int8, (relaxed-simd|simd128)\)$/, ready);
  await page.setInputFiles('#file', path.join(root, 'tests/data/score/speech.txt'));
  await page.waitForFunction(() => /^(done|error)/.test(document.getElementById('status').textContent), null, { timeout: 120_000 });
  const status = await page.textContent('#status');
  assert.match(status, /^done/, status);
  const report = JSON.parse(await page.textContent('#report'));
  assert.deepEqual(report, JSON.parse(fs.readFileSync(nativeReport, 'utf8')), 'the report equals the native CLI report');
  const outside = requests.filter((u) => !u.startsWith(url.replace(/\/$/, '')) && !u.startsWith('blob:') && !u.startsWith('data:'));
  assert.deepEqual(outside, [], 'nothing is fetched from another origin');
  // config.json (612 bytes) may be inlined as a data: URL (Vite's assetsInlineLimit).
  const model = requests.filter((u) => /\/assets\/(config|tokenizer|model\.int8)[^/]*\.(json|safetensors)$/.test(u));
  for (const file of ['tokenizer', 'model.int8']) {
    assert.ok(model.some((u) => new URL(u).pathname.startsWith(`/assets/${file}`)), `${file} from the app's assets: ${requests.join(' ')}`);
  }
  console.log(`vite e2e: ok: ${ready}; report equals the native one (score ${report.score}); model from ${model.map((u) => new URL(u).pathname).join(', ')}`);
} finally {
  await browser.close();
}
