// The measured code: the wasm-pack `--target web` build of valuation-wasm in a module worker,
// loading the model over HTTP as the product does.
const started = performance.now();
let Embedder;
let relaxedDotChoice = () => undefined;
let files;
const phases = {};

// precision 'int8': the package's model files (/model-int8/); 'f32': the f32 folder (/model/).
// variant: which of the package's two wasm builds.
async function load(precision, variant) {
  let t = performance.now();
  const glue = await import(variant === 'relaxed-simd' ? '/pkg-relaxed/valuation_wasm.js' : '/pkg/valuation_wasm.js');
  await glue.default();
  Embedder = glue.Embedder;
  if (glue.relaxedDotChoice) relaxedDotChoice = glue.relaxedDotChoice;
  phases.wasmInitMs = performance.now() - t;
  t = performance.now();
  const [dir, weights] = precision === 'int8' ? ['/model-int8', 'model.int8.safetensors'] : ['/model', 'model.safetensors'];
  const get = async (name) => new Uint8Array(await (await fetch(`${dir}/${name}`)).arrayBuffer());
  files = await Promise.all(['config.json', 'tokenizer.json', weights].map(get));
  phases.modelFetchMs = performance.now() - t;
  phases.downloadBytes = files.reduce((n, f) => n + f.length, 0);
}

function embedder(batchSize) {
  return new Embedder(files[0], files[1], files[2], { batch_size: batchSize });
}

// batch 1: one sentence per call, as the anchor's batch 1. batch > 1: the whole corpus in one
// call; the embedder groups sentences of similar token length into batches of that size.
function pass(e, sentences, batch) {
  const t0 = performance.now();
  let out;
  if (batch === 1) {
    out = new Float32Array(sentences.length * e.dim);
    sentences.forEach((s, i) => out.set(e.embed([s]), i * e.dim));
  } else {
    out = e.embed(sentences);
  }
  return { ms: performance.now() - t0, out };
}

self.onmessage = async ({ data }) => {
  try {
    if (data.cmd === 'load') {
      await load(data.precision, data.variant);
      const t = performance.now();
      const e = embedder(1);
      phases.modelLoadMs = performance.now() - t;
      const coldStartMs = performance.now() - started;
      e.free();
      self.postMessage({ coldStartMs, phases });
    } else if (data.cmd === 'run') {
      const { sentences, batch, repeats, warmup } = data;
      const e = embedder(batch);
      const warm = pass(e, sentences.slice(0, warmup), batch);
      const timesMs = [];
      let last;
      for (let r = 0; r < repeats; r++) {
        last = pass(e, sentences, batch);
        timesMs.push(last.ms);
      }
      const profile = batch > 1 ? e.profile(sentences) : null;
      e.free();
      self.postMessage({ warmupMs: warm.ms, timesMs, profile, relaxedDot: relaxedDotChoice(), embeddings: last.out }, [last.out.buffer]);
    }
  } catch (err) {
    self.postMessage({ error: `${err.code || ''} ${err.message || err}` });
  }
};
