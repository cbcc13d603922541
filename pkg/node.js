// The Node entry: the same wasm and the same core as the browser, run in-process, so a server
// or an auditor can re-compute a report from the original bytes and check a submitted one.
// No browser API is touched; the wasm and the model are read from disk when first needed.

import { readFile } from 'node:fs/promises';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { initSync, Embedder, Valuation, contributionRecord, submitRecords } from './web/valuation_wasm.js';
import { ValuationError, fromWire, toWire } from './errors.js';
import { DEFAULT_MODEL } from './model.js';
import { datasetBytes, scoreOptions } from './options.js';
import { Submitter, publicSubmitter } from './submitter.js';

export { SubmitError, ValuationError } from './errors.js';
export { DEFAULT_MODEL } from './model.js';

let wasm = null;

async function loadWasm() {
  if (!wasm) {
    const file = path.join(path.dirname(fileURLToPath(import.meta.url)), 'web', 'valuation_wasm_bg.wasm');
    wasm = initSync({ module: await readFile(file) });
  }
  return wasm;
}

const rethrow = (e) => {
  const { code, message } = toWire(e);
  throw new ValuationError(code, message);
};

/**
 * Loads the model from a folder with config.json, tokenizer.json and model.safetensors (the
 * default model's weights are held to their known SHA-256).
 */
export async function createNodeValuator({ modelDir, batchSize = 8, expectedWeightsSha256 } = {}) {
  if (!modelDir) throw new ValuationError('invalid_argument', 'createNodeValuator needs { modelDir }');
  await loadWasm();
  const read = (name) => readFile(path.join(modelDir, name));
  const [config, tokenizer, weights] = await Promise.all(Object.values(DEFAULT_MODEL.files).map(read));
  let embedder;
  try {
    embedder = new Embedder(config, tokenizer, weights, {
      batch_size: batchSize,
      expected_weights_sha256: expectedWeightsSha256 === undefined ? DEFAULT_MODEL.sha256.weights : expectedWeightsSha256,
    });
  } catch (e) {
    rethrow(e);
  }

  /** The report, as the browser would make it for these bytes and options. */
  function valuate(bytes, options = {}) {
    let valuation;
    try {
      valuation = new Valuation(bytes, scoreOptions(options));
      if (options.model !== false) while (valuation.embedStep(embedder));
      return JSON.parse(valuation.reportJson(datasetBytes(options.dataset)));
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
   */
  function verify(bytes, report, { model = true, ...options } = {}) {
    if (!report || typeof report !== 'object') return false;
    // The verifier decides whether the model counts, never the report being checked.
    return canonical(valuate(bytes, { ...options, model })) === canonical(report);
  }

  return { valuate, verify, weightsSha256: embedder.weightsSha256, dispose: () => embedder.free() };
}

/** JSON with sorted keys: equal for equal reports whatever the key order they arrived in. */
function canonical(value) {
  if (Array.isArray(value)) return `[${value.map(canonical).join(',')}]`;
  if (value && typeof value === 'object') {
    return `{${Object.keys(value).sort().map((k) => `${JSON.stringify(k)}:${canonical(value[k])}`).join(',')}}`;
  }
  return JSON.stringify(value);
}

/** One-shot form of `createNodeValuator(...).verify(...)`. */
export async function verify(bytes, report, { modelDir, ...options } = {}) {
  const valuator = await createNodeValuator({ modelDir });
  try {
    return valuator.verify(bytes, report, options);
  } finally {
    valuator.dispose();
  }
}

/** In-process backend: the same Rust submit client, over Node's global fetch. */
const inProcess = {
  async record(report, datasetId) {
    await loadWasm();
    try {
      return contributionRecord(report, datasetId);
    } catch (e) {
      throw fromWire(toWire(e));
    }
  },
  async send(config, records, accessToken) {
    await loadWasm();
    try {
      return await submitRecords(config, records, accessToken);
    } catch (e) {
      throw fromWire(toWire(e));
    }
  },
  dispose() {},
};

/**
 * createSubmitter() for Node (a server-side importer, a CLI, a test): the same records, the same
 * retries, with an in-memory outbox unless one is passed in.
 */
export function createNodeSubmitter(options = {}) {
  return publicSubmitter(new Submitter(inProcess, options));
}
