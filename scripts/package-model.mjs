// Puts the default model's int8 files into pkg/model/ for the npm package: config.json and
// tokenizer.json copied from the f32 model folder, model.int8.safetensors made by the package's
// own wasm (quantizeWeights: the same deterministic quantiser as `valuation quantize`) and held
// to the SHA-256 and size pinned in pkg/model-spec.js (generated from valuation-core's ModelSpec).
//   node scripts/package-model.mjs MODEL_DIR
import { createHash } from 'node:crypto';
import { copyFileSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const root = path.join(path.dirname(fileURLToPath(import.meta.url)), '..');
const modelDir = process.argv[2];
if (!modelDir) throw new Error('usage: node scripts/package-model.mjs MODEL_DIR');
const { initSync, quantizeWeights } = await import(path.join(root, 'pkg/web/valuation_wasm.js'));
const { MODEL_SPEC } = await import(path.join(root, 'pkg/model-spec.js'));
initSync({ module: readFileSync(path.join(root, 'pkg/web/valuation_wasm_bg.wasm')) });

const out = path.join(root, 'pkg/model');
mkdirSync(out, { recursive: true });
const { config, tokenizer, weights, int8Weights } = MODEL_SPEC.files;
for (const f of [config, tokenizer]) copyFileSync(path.join(modelDir, f), path.join(out, f));
const int8 = quantizeWeights(readFileSync(path.join(modelDir, config)), readFileSync(path.join(modelDir, weights)));
const sha = createHash('sha256').update(int8).digest('hex');
const pinned = { sha256: MODEL_SPEC.sha256.int8Weights, bytes: MODEL_SPEC.bytes.int8Weights };
if (sha !== pinned.sha256 || int8.length !== pinned.bytes) {
  throw new Error(`${int8Weights}: sha256 ${sha}, ${int8.length} bytes; pinned ${pinned.sha256}, ${pinned.bytes} bytes (did the quantiser change? re-pin ModelSpec)`);
}
writeFileSync(path.join(out, `${int8Weights}.part`), int8);
renameSync(path.join(out, `${int8Weights}.part`), path.join(out, int8Weights));
console.error(`package-model: ${int8Weights} ${int8.length} bytes, sha256 ${sha}`);
