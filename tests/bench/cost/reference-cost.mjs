// What a big dataset reference costs in wasm (Node's V8, the package's simd128 build): the same
// file's report without a reference and with one (parse + index + the sample's lookups), so the
// difference is the reference's cost in the browser. A benchmark, not a test.
//   node reference-cost.mjs PKG_DIR MODEL_DIR FILE REF
// (REF: e.g. `cargo run --release -p valuation-core --example dataset_ref_bench -- 100000 REF`.)
import fs from 'node:fs';
import path from 'node:path';
import { pathToFileURL } from 'node:url';

const [pkg, modelDir, file, refFile] = process.argv.slice(2);
const glue = await import(pathToFileURL(path.join(pkg, 'valuation_wasm.js')));
glue.initSync({ module: fs.readFileSync(path.join(pkg, 'valuation_wasm_bg.wasm')) });
const model = (n) => fs.readFileSync(path.join(modelDir, n));
const embedder = new glue.Embedder(model('config.json'), model('tokenizer.json'), model('model.int8.safetensors'), { batch_size: 8 });
const bytes = fs.readFileSync(file);
const reference = fs.readFileSync(refFile);

function report(ref) {
  const valuation = new glue.Valuation(bytes, undefined);
  while (valuation.embedStep(embedder));
  const t = performance.now();
  const json = valuation.reportJson(ref);
  return { ms: performance.now() - t, report: JSON.parse(json) };
}
const runs = (ref) => Array.from({ length: 5 }, () => report(ref).ms).sort((a, b) => a - b)[2];
report(undefined); // warm-up: V8 optimises a wasm function on later calls
const without = runs(undefined);
const withRef = runs(reference);
const { report: r } = report(reference);
console.log(JSON.stringify({
  file: path.basename(file), reference_bytes: reference.length, report_ms_without: +without.toFixed(1),
  report_ms_with: +withRef.toFixed(1), reference_cost_ms: +(withRef - without).toFixed(1), novelty: r.subscores.novelty?.score ?? null,
}));
