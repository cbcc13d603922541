// The cost benchmark's wasm half: the release build of valuation-wasm (pkg/web) in Node's V8,
// the engine of Chromium. One fresh process per file (and per repetition: each is a worker's first
// file, before V8 has optimised anything), because wasm linear memory only grows:
// its size after the run is the run's peak. Memory freed after loading the model is reused for
// the file, so the figure reported is the whole linear memory, model included.
//   node wasm-cost.mjs PKG_DIR MODEL_DIR FILE
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, modelDir, file] = process.argv.slice(2);
const glue = await import(pathToFileURL(path.join(pkg, 'valuation_wasm.js')));
const wasm = glue.initSync({ module: fs.readFileSync(path.join(pkg, 'valuation_wasm_bg.wasm')) });
const MB = 1024 * 1024;

// VALUATION_PASS_ONLY=1: the whole-file pass alone (no model), for run.sh's repeated pass figure.
if (process.env.VALUATION_PASS_ONLY) {
  const bytes = fs.readFileSync(file);
  const start = performance.now();
  const sha256 = createHash('sha256').update(bytes).digest('hex');
  new glue.Valuation(bytes, undefined, sha256);
  const pass = (performance.now() - start) / 1000;
  console.log(JSON.stringify({ file: path.basename(file), mb: +(bytes.length / MB).toFixed(1), pass_s: +pass.toFixed(3) }));
  process.exit(0);
}
const model = (n) => fs.readFileSync(path.join(modelDir, n));
// VALUATION_PRECISION=f32 measures the f32 encoder; int8 (default) reads the int8 file beside it.
const precision = process.env.VALUATION_PRECISION || 'int8';
const weights = precision === 'f32' ? model('model.safetensors') : model('model.int8.safetensors');
const embedder = new glue.Embedder(model('config.json'), model('tokenizer.json'), weights, { batch_size: 8, precision });
const base = wasm.memory.buffer.byteLength;

const bytes = fs.readFileSync(file);
const start = performance.now();
// As the package does: the platform's SHA-256 (here Node's), timed as part of the pass.
const sha256 = createHash('sha256').update(bytes).digest('hex');
const valuation = new glue.Valuation(bytes, undefined, sha256);
const pass = (performance.now() - start) / 1000;
while (valuation.embedStep(embedder));
const embedded = valuation.unitsEmbedded;
const report = JSON.parse(valuation.reportJson());
const total = (performance.now() - start) / 1000;
const peak = wasm.memory.buffer.byteLength;
console.log(JSON.stringify({
  file: path.basename(file), mb: +(bytes.length / MB).toFixed(1), pass_s: +pass.toFixed(3),
  pass_mb_s: +(bytes.length / MB / pass).toFixed(1), total_s: +total.toFixed(3), peak_mb: +(peak / MB).toFixed(1),
  model_mb: +(base / MB).toFixed(1), embedded, score: report.score,
}));
