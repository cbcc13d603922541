// Drives headless Chromium (playwright-core, Debian's chromium) through our embedding benchmark
// and prints one row per batch size. Started by run.sh, which serves the page, the package and
// the model and then runs the transformers.js anchor in the same run.
//   node bench.mjs --url URL --corpus FILE --reference FILE --out FILE [--batches 1,8]
//                  [--precisions int8,f32] [--variants relaxed-simd,simd128]
//                  [--repeats 3] [--warmup 100] [--limit 0] [--configs int8:relaxed-simd:8,...]
// One row per precision × wasm build × batch size; each row is a fresh page and worker, so its
// cold start includes wasm init, the model fetch and the model load.
import fs from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

const argv = process.argv.slice(2);
const opt = (name, def) => { const i = argv.lastIndexOf(`--${name}`); return i >= 0 ? argv[i + 1] : def; };
const require = createRequire(path.join(opt('driver'), 'package.json'));
const { chromium } = require('playwright-core');
const DIM = 384;

let sentences = fs.readFileSync(opt('corpus'), 'utf8').split('\n').filter((l) => l.length);
const limit = Number(opt('limit', '0'));
if (limit) sentences = sentences.slice(0, limit);
const refBytes = fs.readFileSync(opt('reference'));
const ref = new Float32Array(refBytes.buffer, refBytes.byteOffset, refBytes.byteLength / 4);
const batches = opt('batches', '1,8').split(',').map(Number);
const precisions = opt('precisions', 'int8,f32').split(',');
const variants = opt('variants', 'relaxed-simd,simd128').split(',');
// --configs precision:variant:batch,... names the rows instead of their cross product (run.sh's
// later rounds measure only the rows the targets are read from).
const configs = opt('configs')
  ? opt('configs').split(',').map((c) => { const [precision, variant, batch] = c.split(':'); return { precision, variant, batch: Number(batch) }; })
  : precisions.flatMap((precision) => variants.flatMap((variant) => batches.map((batch) => ({ precision, variant, batch }))));
const repeats = Number(opt('repeats', '3'));
const warmup = Number(opt('warmup', '100'));

function cosines(emb) {
  const out = [];
  for (let i = 0; i < sentences.length; i++) {
    let dot = 0, na = 0, nb = 0;
    for (let k = 0; k < DIM; k++) {
      const a = emb[i * DIM + k], b = ref[i * DIM + k];
      dot += a * b; na += a * a; nb += b * b;
    }
    out.push(dot / Math.sqrt(na * nb));
  }
  return { mean: out.reduce((s, c) => s + c, 0) / out.length, min: Math.min(...out) };
}
const median = (xs) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

const browser = await chromium.launch({
  executablePath: process.env.CHROMIUM || '/usr/bin/chromium',
  args: ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking',
    '--disable-component-update', '--disable-sync'],
});
const results = { date: new Date().toISOString(), browser: browser.version(), n: sentences.length, configs: [] };
try {
  for (const { precision, variant, batch } of configs) {
    const page = await browser.newPage();
    await page.route((u) => !u.hostname.startsWith('127.0.0.1'), (r) => r.abort());
    await page.goto(opt('url'));
    const row = await page.evaluate(async ({ sentences, batch, repeats, warmup, precision, variant }) => {
      const w = new Worker('/worker.js', { type: 'module' });
      const ask = (msg) => new Promise((resolve, reject) => {
        w.onmessage = ({ data }) => (data.error ? reject(new Error(data.error)) : resolve(data));
        w.onerror = (e) => reject(new Error(e.message));
        w.postMessage(msg);
      });
      const t0 = performance.now();
      const { coldStartMs, phases } = await ask({ cmd: 'load', precision, variant });
      const workerToReadyMs = performance.now() - t0;
      const run = await ask({ cmd: 'run', sentences, batch, repeats, warmup });
      w.terminate();
      return { coldStartMs, phases, workerToReadyMs, ...run, embeddings: Array.from(run.embeddings) };
    }, { sentences, batch, repeats, warmup, precision, variant });
    await page.close();
    const medianMs = median(row.timesMs);
    const accuracy = cosines(Float32Array.from(row.embeddings));
    results.configs.push({ precision, variant, batch, profile: row.profile, coldStartMs: row.coldStartMs, coldStartPhases: row.phases, workerToReadyMs: row.workerToReadyMs,
      timesMs: row.timesMs, medianMs, sentPerSec: sentences.length / (medianMs / 1000), accuracy,
      relaxedDot: precision === 'int8' ? row.relaxedDot : undefined });
    // The relaxed build picks its int8 dot form from the CPU's lowering (valuation-core RelaxedDot),
    // when it first loads int8 weights: an f32 worker never picks one.
    const dot = row.relaxedDot && precision === 'int8' ? `, int8 dot ${row.relaxedDot}` : '';
    console.error(`[bench] ${precision} ${variant} batch ${batch}: ${(sentences.length / (medianMs / 1000)).toFixed(1)} sentences/s, min cos ${accuracy.min.toFixed(6)}${dot}`);
  }
} finally {
  await browser.close();
}
fs.writeFileSync(opt('out'), JSON.stringify(results, null, 2));
