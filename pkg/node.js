// @ts-check
// The Node entry: the same wasm and the same core as the browser, run in-process, so a server
// or an auditor can re-compute a report from the original bytes and check a submitted one.
// No browser API is touched; the wasm and the model are read from disk when first needed.

import { createHash } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import os from 'node:os';
import { Worker } from 'node:worker_threads';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ValuationError, fromWire, toWire } from './errors.js';
import { DEFAULT_MODEL, checkPrecision } from './model.js';
import { datasetBytes, scoreOptions } from './options.js';
import { Pool, poolSize } from './pool.js';
import { checkBuild, pickVariant } from './simd.js';
import { Submitter, publicSubmitter } from './submitter.js';

export { SubmitError, ValuationError } from './errors.js';
export { ERROR_CODES } from './errors.js';
export { DEFAULT_MODEL } from './model.js';

/** @import { SubmitterOptions, Submitter as SubmitterApi, WasmBuild } from './api.js' */
/** @import { AsyncNodeValuator, AsyncNodeValuatorOptions, NodeValuateOptions, NodeValuator, NodeValuatorOptions } from './node-api.js' */
/** @import { Precision, Report } from './types/report.js' */
/** @import { Glue } from './worker.js' */
/** @import { SubmitBackend } from './submitter.js' */

/** @type {{ glue: Glue, variant: Exclude<WasmBuild, 'auto'> } | null} */
let wasm = null;

// One wasm instance per process: the relaxed-SIMD build where the engine has it (Node 22+; 20
// only with --experimental-wasm-relaxed-simd), else the simd128 build. Same reports either way.
/**
 * @param {WasmBuild} [requested]
 * @returns {Promise<{ glue: Glue, variant: Exclude<WasmBuild, 'auto'> }>}
 */
async function loadWasm(requested = 'auto') {
  if (!wasm) {
    const variant = pickVariant(requested);
    const dir = variant === 'relaxed-simd' ? 'web-relaxed' : 'web';
    /** @type {Glue} */
    const glue = await import(`./${dir}/valuation_wasm.js`);
    const module = await readFile(path.join(path.dirname(fileURLToPath(import.meta.url)), dir, 'valuation_wasm_bg.wasm'));
    if (!wasm) {
      glue.initSync({ module });
      wasm = { glue, variant };
    }
  }
  if (requested !== 'auto' && requested !== wasm.variant) {
    throw new ValuationError('invalid_option', `this process already runs the ${wasm.variant} build of the wasm`);
  }
  return wasm;
}

/** @param {unknown} e @returns {never} */
const rethrow = (e) => {
  const { code, message } = toWire(e);
  throw new ValuationError(code, message);
};

const here = path.dirname(fileURLToPath(import.meta.url));

/**
 * The weights of `precision` from `modelDir`: f32 is `model.safetensors`; int8 is
 * `model.int8.safetensors` when the folder has it, else made from the f32 file with the same
 * quantiser as `valuation quantize` (same bytes). Without a folder, int8 is the package's copy.
 */
/**
 * @param {Glue} glue
 * @param {string | undefined} modelDir
 * @param {Precision} precision
 * @returns {Promise<{ config: Uint8Array, tokenizer: Uint8Array, weights: Uint8Array }>}
 */
async function readModel(glue, modelDir, precision) {
  // The cast: the default model names all four files (ModelSource's `files` are optional).
  const files = /** @type {Record<'config' | 'tokenizer' | 'weights' | 'int8Weights', string>} */ (DEFAULT_MODEL.files);
  if (!modelDir) {
    if (precision !== 'int8') throw new ValuationError('invalid_argument', 'f32 weights are not shipped: pass { modelDir }');
    modelDir = path.join(here, 'model');
  }
  // The casts: modelDir is set just above when it was not given (closures do not see that).
  const read = (/** @type {string} */ name) => readFile(path.join(/** @type {string} */ (modelDir), name));
  const readOrSay = (/** @type {string} */ name) => read(name).catch((/** @type {NodeJS.ErrnoException} */ e) => {
    if (e.code === 'ENOENT' || e.code === 'ENOTDIR') {
      throw new ValuationError('model_not_found', `${modelDir} has no ${name}: pass { modelDir } a folder with ${files.config}, ${files.tokenizer} and the weights (scripts/fetch-model.sh makes one)`);
    }
    throw new ValuationError('model_fetch_failed', `${path.join(/** @type {string} */ (modelDir), name)}: ${e.message}`);
  });
  const [config, tokenizer] = await Promise.all([readOrSay(files.config), readOrSay(files.tokenizer)]);
  if (precision === 'f32') return { config, tokenizer, weights: await readOrSay(files.weights) };
  const weights = await read(files.int8Weights).catch(async (/** @type {NodeJS.ErrnoException} */ e) => {
    if (e.code !== 'ENOENT') throw new ValuationError('model_fetch_failed', `${path.join(/** @type {string} */ (modelDir), files.int8Weights)}: ${e.message}`);
    const f32 = await readOrSay(files.weights);
    try {
      return glue.quantizeWeights(config, f32);
    } catch (err) {
      return rethrow(err);
    }
  });
  return { config, tokenizer, weights };
}

/**
 * Loads the model: int8 (default) from the package's own copy or `modelDir`, f32 from `modelDir`
 * (a folder with config.json, tokenizer.json and model.safetensors). The default model's weights
 * are held to their known SHA-256.
 * @param {NodeValuatorOptions} [options]
 * @returns {Promise<NodeValuator>}
 */
export async function createNodeValuator({ modelDir, precision = 'int8', batchSize = 8, expectedWeightsSha256, wasm: requested } = {}) {
  checkPrecision(precision);
  const loaded = await loadWasm(requested);
  const { config, tokenizer, weights } = await readModel(loaded.glue, modelDir, precision);
  const pinned = DEFAULT_MODEL.sha256[precision === 'int8' ? 'int8Weights' : 'weights'];
  /** @type {InstanceType<Glue['Embedder']>} */
  let embedder;
  try {
    embedder = new loaded.glue.Embedder(config, tokenizer, weights, {
      batch_size: batchSize,
      precision,
      expected_weights_sha256: expectedWeightsSha256 === undefined ? pinned : expectedWeightsSha256,
    });
  } catch (e) {
    rethrow(e);
  }

  let disposed = false;

  /**
   * The report, as the browser would make it for these bytes (or this text) and options.
   * @param {unknown} input
   * @param {NodeValuateOptions} [options]
   * @returns {Report}
   */
  function valuate(input, options = {}) {
    if (disposed) throw new ValuationError('disposed', 'this valuator was disposed');
    const bytes = bytesOf(input);
    /** @type {InstanceType<Glue['Valuation']> | undefined} */
    let valuation;
    try {
      // Node's own SHA-256 (OpenSSL) is several times faster than wasm's; the digest is the same.
      const sha256 = createHash('sha256').update(bytes).digest('hex');
      valuation = new loaded.glue.Valuation(bytes, scoreOptions(options), sha256);
      if (options.model !== false) while (/** @type {InstanceType<Glue['Valuation']>} */ (valuation).embedStep(embedder)); // made just above
      return JSON.parse(/** @type {InstanceType<Glue['Valuation']>} */ (valuation).reportJson(datasetBytes(options.dataset)));
    } catch (e) {
      return rethrow(e);
    } finally {
      try {
        valuation?.free();
      } catch {
        // After a crash the instance cannot free; the original error is the one to report.
      }
    }
  }

  /**
   * True when `report` is exactly what these bytes and options give. The options that are not in
   * the report (domain, dataset reference, sample size) must be the ones the client used.
   * @param {Uint8Array} bytes
   * @param {unknown} report
   * @param {NodeValuateOptions} [options]
   * @returns {boolean}
   */
  function verify(bytes, report, { model = true, ...options } = {}) {
    if (!report || typeof report !== 'object') return false;
    // The verifier decides whether the model counts, never the report being checked.
    return canonical(valuate(bytes, { ...options, model })) === canonical(report);
  }

  const dispose = () => {
    if (disposed) return;
    disposed = true;
    embedder.free();
  };
  return { valuate, verify, precision, wasm: loaded.variant, weightsSha256: embedder.weightsSha256, dispose };
}

/**
 * A file's bytes from what a Node caller has: bytes, a Buffer, an ArrayBuffer or text (as UTF-8).
 * @param {unknown} input
 * @returns {Uint8Array}
 */
function bytesOf(input) {
  if (typeof input === 'string') return new TextEncoder().encode(input);
  if (input instanceof ArrayBuffer) return new Uint8Array(input);
  if (ArrayBuffer.isView(input)) return new Uint8Array(input.buffer, input.byteOffset, input.byteLength);
  throw new ValuationError('invalid_argument', 'valuate() takes a Uint8Array, Buffer, ArrayBuffer or string');
}

/**
 * The CLI's model cache (`scripts/fetch-model.sh`, `valuation`): `$VALUATION_CACHE`, else
 * `$XDG_CACHE_HOME/dataunion-valuation`, else `~/.cache/dataunion-valuation`, then
 * `models/all-MiniLM-L6-v2`. Used when it holds the precision's weights; int8 otherwise comes from
 * the package's own copy.
 * @param {Precision} [precision]
 * @returns {string | undefined}
 */
export function defaultModelDir(precision = 'int8') {
  const cache = process.env.VALUATION_CACHE
    ?? path.join(process.env.XDG_CACHE_HOME ?? path.join(os.homedir(), '.cache'), 'dataunion-valuation');
  const dir = path.join(cache, 'models', 'all-MiniLM-L6-v2');
  const files = /** @type {Record<'config' | 'tokenizer' | 'weights' | 'int8Weights', string>} */ (DEFAULT_MODEL.files);
  const usable = existsSync(path.join(dir, files.config))
    && (existsSync(path.join(dir, files.weights)) || (precision === 'int8' && existsSync(path.join(dir, files.int8Weights))));
  return usable ? dir : undefined;
}

/** A worker_threads thread running the package's worker, with the Web Worker interface the pool uses. */
/** @returns {globalThis.Worker} the part of a Web Worker's interface the pool uses */
function spawnThread() {
  const thread = new Worker(new URL('./node-worker.js', import.meta.url));
  /** @type {{ onmessage: ((event: { data: unknown }) => void) | null, onerror: ((event: { message: string, preventDefault(): void }) => void) | null, postMessage(message: unknown, transfer?: Transferable[]): void, terminate(): void }} */
  const worker = {
    onmessage: null,
    onerror: null,
    // @ts-expect-error a Web Worker's transfer list (ArrayBuffers, which worker_threads transfers too)
    postMessage: (message, transfer) => thread.postMessage(message, transfer),
    terminate: () => thread.terminate(),
  };
  thread.on('message', (data) => worker.onmessage?.({ data }));
  thread.on('error', (e) => worker.onerror?.({ message: e?.message ?? String(e), preventDefault() {} }));
  return /** @type {globalThis.Worker} */ (/** @type {unknown} */ (worker)); // the pool uses only these four members
}

// The model is read once here (default: `defaultModelDir()`, else the package's int8 copy) and
// each thread gets its bytes.
/**
 * The asynchronous valuator (recommended under Node): the browser's pool on worker_threads, so
 * valuing never blocks the event loop; every file's texts are spread over the idle threads; the
 * reports are those of the browser and of `createNodeValuator`. Resolves once every thread has
 * loaded the model. Call `dispose()` when done (the threads keep the process alive).
 * @param {AsyncNodeValuatorOptions} [options]
 * @returns {Promise<AsyncNodeValuator>}
 */
export async function createValuator({ modelDir, precision = 'int8', batchSize = 8, workers = 1, expectedWeightsSha256, wasm: requested = 'auto' } = {}) {
  checkPrecision(precision);
  const loaded = await loadWasm(checkBuild(requested));
  const dir = modelDir ?? defaultModelDir(precision);
  const { config, tokenizer, weights } = await readModel(loaded.glue, dir, precision);
  const wasmFile = path.join(here, loaded.variant === 'relaxed-simd' ? 'web-relaxed' : 'web', 'valuation_wasm_bg.wasm');
  const wasmModule = await WebAssembly.compile(await readFile(wasmFile));
  const pinned = DEFAULT_MODEL.sha256[precision === 'int8' ? 'int8Weights' : 'weights'];
  const pool = new Pool({
    size: poolSize(workers, os.availableParallelism?.() ?? os.cpus().length),
    spawn: spawnThread,
    model: { id: DEFAULT_MODEL.id, precision },
    embed: { batch_size: batchSize, expected_weights_sha256: expectedWeightsSha256 === undefined ? pinned : expectedWeightsSha256 },
    wasm: loaded.variant,
    init: { wasmModule, files: { config, tokenizer, weights, model: { id: DEFAULT_MODEL.id, precision } } },
  });
  // Every thread, not only the first: a server-side valuator is made once, and a file valued
  // right after creation should already spread over all of them.
  await pool.allReady();
  return {
    valuate: (input, options = {}) => {
      let bytes;
      try {
        bytes = bytesOf(input);
      } catch (e) {
        return Promise.reject(e);
      }
      return pool.submit(bytes, options);
    },
    ready: () => pool.ready(),
    stats: () => pool.stats(),
    get pending() {
      return pool.queue.length + pool.slots.filter((s) => s.job).length;
    },
    dispose: () => pool.dispose(),
  };
}

/**
 * JSON with sorted keys: equal for equal reports whatever the key order they arrived in.
 * @param {unknown} value
 * @returns {string | undefined}
 */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    const object = /** @type {Record<string, unknown>} */ (value);
    return `{${Object.keys(object).sort().map((k) => `${JSON.stringify(k)}:${canonical(object[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/**
 * One-shot form of `createNodeValuator(...).verify(...)`, with the precision the report names
 * (int8 unless it says f32).
 * @param {Uint8Array} bytes
 * @param {unknown} report
 * @param {NodeValuateOptions & { modelDir?: string; precision?: Precision }} [options]
 * @returns {Promise<boolean>}
 */
export async function verify(bytes, report, { modelDir, precision, ...options } = {}) {
  const named = /** @type {{ model?: { precision?: unknown } } | undefined} */ (report)?.model?.precision === 'f32' ? 'f32' : 'int8'; // any value may be checked
  const valuator = await createNodeValuator({ modelDir, precision: precision ?? named });
  try {
    return valuator.verify(bytes, report, options);
  } finally {
    valuator.dispose();
  }
}

/**
 * In-process backend: the same Rust submit client, over Node's global fetch.
 * @type {SubmitBackend}
 */
const inProcess = {
  async record(report, datasetId) {
    const { glue } = await loadWasm();
    try {
      return glue.contributionRecord(report, datasetId);
    } catch (e) {
      throw fromWire(toWire(e));
    }
  },
  async send(config, records, accessToken) {
    const { glue } = await loadWasm();
    try {
      return await glue.submitRecords(config, records, accessToken);
    } catch (e) {
      throw fromWire(toWire(e));
    }
  },
  dispose() {},
};

// For a server-side importer, a CLI, a test: the same records, the same retries.
/**
 * createSubmitter() for Node: the same client over Node's fetch; the outbox is in memory unless
 * you pass your own (`outbox: false` or an object with the MemoryOutbox methods).
 * @overload
 * @param {Omit<SubmitterOptions, 'createWorker' | 'outbox'> & { outbox?: false }} options
 * @returns {SubmitterApi}
 */
// The overload keeps `options` required in the declarations; the `{}` default stays (a call
// without options fails with invalid_config, as before).
/**
 * @param {Omit<SubmitterOptions, 'createWorker' | 'outbox'> & { outbox?: false }} options
 * @returns {SubmitterApi}
 */
export function createNodeSubmitter(options = {}) {
  return publicSubmitter(new Submitter(inProcess, options));
}
