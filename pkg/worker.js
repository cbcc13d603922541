// @ts-check
// The package's module worker: loads the model once, then values files and embeds texts.
// Files arrive as Blobs and are read in slices straight into wasm memory; only the report goes
// back. A file's texts are embedded by every worker of the pool: its worker sends them out
// ('texts'), the pool hands slices of them to idle workers ('embed' → 'embedded') and sends the
// vectors back in order ('vectors'); vectors do not depend on how texts are batched, so the
// report is the same whatever the worker count.
// Protocol (all messages plain objects):
//   in:  {type:'init', model, embed, wasm, wasmModule?, files?}
//        {type:'valuate', id, blob, options, datasetRef, crash}
//        {type:'vectors', id, vectors}  {type:'embed', id, chunk, texts}
//        {type:'cancel', id}  {type:'stats'}
//        {type:'record', id, report, datasetId}  {type:'submit', id, config, records, accessToken}
//   out: {type:'model-progress', file, loaded, total, cached}  {type:'ready', model}
//        {type:'init-error', error}  {type:'progress', id, phase, done, total, fraction}
//        {type:'texts', id, texts}  {type:'embedded', id, chunk, vectors}
//        {type:'embed-error', id, chunk, error, fatal}
//        {type:'result', id, report}  {type:'error', id, error, fatal}  {type:'stats', wasmBytes}
//        {type:'reply', id, value}  {type:'reply-error', id, error}   (record, submit)
// A submitter's worker gets only record/submit messages: it never loads the model.
import * as simd128Build from './web/valuation_wasm.js';
import * as relaxedBuild from './web-relaxed/valuation_wasm.js';
import { aborted, toWire } from './errors.js';
import { loadModel, sha256Hex } from './model.js';
import { pickVariant } from './simd.js';

/** @import { ModelSource, ValuateOptions, WasmBuild } from './api.js' */
/** @import { Precision, ScoreOptions } from './types/report.js' */
/** @import { EmbedOptions, SubmitConfig } from './web/valuation_wasm.js' */
/** @typedef {{ memory: WebAssembly.Memory }} Wasm the part of a build's exports used here */
/**
 * Either build's glue: the same classes and functions (only their wasm exports' mangled names differ).
 * @typedef {Omit<typeof import('./web/valuation_wasm.js'), 'default' | 'initSync'>
 *   & { default(init?: { module_or_path: WebAssembly.Module }): Promise<Wasm>, initSync(init: { module: BufferSource | WebAssembly.Module }): Wasm }} Glue
 */
/**
 * The model's files as Node's createValuator() sends them (the browser's worker fetches them).
 * @typedef {{ config: Uint8Array, tokenizer: Uint8Array, weights: Uint8Array, model: { id: string, precision: Precision } }} ModelFiles
 */
/**
 * What the pool and a submitter send (the protocol above).
 * @typedef {{ type: 'init', model: ModelSource, embed: EmbedOptions, wasm: WasmBuild, wasmModule?: WebAssembly.Module, files?: ModelFiles }
 *   | { type: 'valuate', id: number, blob: Blob, options: Partial<ScoreOptions>, datasetRef: Uint8Array | undefined, crash: ValuateOptions['crashForTest'] }
 *   | { type: 'vectors', id: number, vectors: Float32Array }
 *   | { type: 'embed', id: number, chunk: number, texts: string[] }
 *   | { type: 'cancel', id: number }
 *   | { type: 'stats' }
 *   | { type: 'record', id: number, report: string, datasetId: string }
 *   | { type: 'submit', id: number, config: SubmitConfig, records: string[], accessToken: string }} InMessage
 */

const SLICE_BYTES = 4 << 20;
// Started by the first message: a valuator's 'init' names the build ('auto' picks relaxed SIMD
// where the engine has it); a submitter's worker takes the default.
// Each build has its own JS glue (wasm-bindgen names its shims per build), so both are imported
// (statically: a worker with dynamic imports needs code splitting, which Vite's default worker
// format does not do) and the classes below are bound from the one that is started; only that
// build's .wasm is fetched.
/** @type {Promise<Wasm> | null} */
let wasmReady = null;
/** @type {Exclude<WasmBuild, 'auto'> | null} */
let variant = null;
/* Bound by loadWasm() before any message uses them. */
let /** @type {Glue['Embedder']} */ Embedder, /** @type {Glue['FileBuffer']} */ FileBuffer, /** @type {Glue['Valuation']} */ Valuation,
  /** @type {Glue['contributionRecord']} */ contributionRecord, /** @type {Glue['crashForTest']} */ crashForTest,
  /** @type {Glue['lastPanic']} */ lastPanic, /** @type {Glue['submitRecords']} */ submitRecords;
// `module`: the build's compiled WebAssembly.Module when the host has it (Node's worker_threads,
// where the glue cannot fetch a file: URL); else the glue fetches the .wasm next to it.
/**
 * @param {WasmBuild | undefined} requested
 * @param {WebAssembly.Module | undefined} module
 * @returns {Promise<Wasm>}
 */
function loadWasm(requested, module) {
  if (!wasmReady) {
    wasmReady = Promise.resolve().then(() => {
      variant = pickVariant(requested);
      /** @type {Glue} */
      const glue = variant === 'relaxed-simd' ? relaxedBuild : simd128Build;
      ({ Embedder, FileBuffer, Valuation, contributionRecord, crashForTest, lastPanic, submitRecords } = glue);
      return glue.default(module ? { module_or_path: module } : undefined);
    });
  }
  return wasmReady;
}
/** @type {InstanceType<Glue['Embedder']> | null} */
let embedder = null;
let dead = false;
/** @type {number | null} */
let current = null;
/** @type {Set<number>} */
const cancelled = new Set();
// The file whose vectors this worker waits for: id → {resolve, reject}.
/** @type {Map<number, { resolve: (vectors: Float32Array) => void, reject: (error: unknown) => void }>} */
const awaitingVectors = new Map();

// A MessageChannel round trip lets queued 'cancel' messages in without setTimeout's clamping.
const channel = new MessageChannel();
/** @type {(() => void)[]} */
const waiting = [];
channel.port1.onmessage = () => waiting.shift()?.();
const yieldToEvents = () => new Promise(/** @param {(value?: unknown) => void} resolve */ (resolve) => { waiting.push(resolve); channel.port2.postMessage(0); });

// Set synchronously: messages that arrive before a handler exists are lost.
self.onmessage = async (/** @type {MessageEvent<InMessage>} */ { data }) => {
  if (data.type === 'cancel') {
    if (data.id === current) cancelled.add(data.id);
    awaitingVectors.get(data.id)?.reject(aborted());
    return;
  }
  if (data.type === 'vectors') {
    awaitingVectors.get(data.id)?.resolve(data.vectors);
    return;
  }
  let wasm;
  try {
    // Only an init message has a wasmModule (read off any message, as before).
    wasm = await loadWasm(data.type === 'init' ? data.wasm : undefined, /** @type {{ wasmModule?: WebAssembly.Module }} */ (data).wasmModule);
  } catch (e) {
    // Otherwise an unhandled rejection: the page would wait forever.
    const error = { code: 'worker_failed', message: `the wasm did not load: ${/** @type {Error | undefined} */ (e)?.message ?? e}` };
    if (data.type === 'init') self.postMessage({ type: 'init-error', error });
    else if (data.type === 'valuate') self.postMessage({ type: 'error', id: data.id, error, fatal: true });
    else if (data.type === 'embed') self.postMessage({ type: 'embed-error', id: data.id, chunk: data.chunk, error, fatal: true });
    else if (data.type === 'record' || data.type === 'submit') self.postMessage({ type: 'reply-error', id: data.id, error, fatal: true });
    else self.postMessage({ type: 'stats', wasmBytes: 0 });
    return;
  }
  if (data.type === 'stats') self.postMessage({ type: 'stats', wasmBytes: wasm.memory.buffer.byteLength });
  else if (data.type === 'init') await start(data);
  else if (data.type === 'valuate') await valuate(data);
  else if (data.type === 'embed') embed(data);
  else if (data.type === 'record') await reply(data.id, () => contributionRecord(data.report, data.datasetId));
  else if (data.type === 'submit') await reply(data.id, () => submitRecords(data.config, data.records, data.accessToken));
};

/**
 * @param {number} id
 * @param {() => unknown} fn
 */
async function reply(id, fn) {
  try {
    if (dead) throw new Error('worker is unusable after a crash');
    self.postMessage({ type: 'reply', id, value: await fn() });
  } catch (e) {
    const fatal = crashInfo(e);
    if (fatal) dead = true;
    self.postMessage({ type: 'reply-error', id, error: fatal ?? toWire(e), fatal: Boolean(fatal) });
  }
}

/** @param {Extract<InMessage, { type: 'init' }>} message */
async function start({ model, embed, files: given }) {
  try {
    // Under Node the model's bytes come with the message (read once from a folder).
    const files = given ?? await loadModel(model, (p) => self.postMessage({ type: 'model-progress', ...p }));
    embedder = new Embedder(files.config, files.tokenizer, files.weights, { ...embed, precision: files.model.precision });
    self.postMessage({ type: 'ready', model: { id: files.model.id, precision: embedder.precision, weightsSha256: embedder.weightsSha256, dim: embedder.dim, wasm: variant } });
  } catch (e) {
    self.postMessage({ type: 'init-error', error: crashInfo(e) ?? toWire(e) });
  }
}

// The share of the whole job each phase stands for, roughly by its cost on a typical file (the
// pool reports the embed phase, from the slices its workers have finished).
/** @type {Record<'read' | 'analyze', [number, number]>} */
const SPAN = { read: [0, 0.15], analyze: [0.15, 0.3] };

/** @param {Extract<InMessage, { type: 'valuate' }>} message */
async function valuate({ id, blob, options, datasetRef, crash }) {
  /**
   * @param {keyof SPAN} phase
   * @param {number} done
   * @param {number} total
   */
  const progress = (phase, done, total) => {
    const [a, b] = SPAN[phase];
    const fraction = a + (b - a) * (total ? done / total : 1);
    self.postMessage({ type: 'progress', id, phase, done, total, fraction });
  };
  const check = async () => {
    await yieldToEvents();
    if (cancelled.has(id)) throw aborted();
  };
  /** @type {InstanceType<Glue['Valuation']> | null} */
  let valuation = null;
  /** @type {InstanceType<Glue['FileBuffer']> | null} */
  let buffer = null;
  current = id;
  try {
    if (dead) throw new Error('worker is unusable after a crash');
    if (crash) crashForTest(crash);
    buffer = new FileBuffer(blob.size);
    for (let offset = 0; offset < blob.size; offset += SLICE_BYTES) {
      const slice = new Uint8Array(await blob.slice(offset, offset + SLICE_BYTES).arrayBuffer());
      buffer.push(slice);
      progress('read', offset + slice.length, blob.size);
      await check();
    }
    progress('analyze', 0, 1);
    const sha256 = await platformSha256(buffer);
    const filled = buffer;
    buffer = null; // consumed by fromBuffer, even when it throws
    valuation = Valuation.fromBuffer(filled, options, sha256);
    progress('analyze', 1, 1);
    await check();
    // The pool embeds the texts on all its workers (this one included) and sends the vectors.
    const texts = valuation.textsToEmbed();
    /** @type {Promise<Float32Array>} */
    const vectors = new Promise((resolve, reject) => awaitingVectors.set(id, { resolve, reject }));
    self.postMessage({ type: 'texts', id, texts });
    // The pool sends files only to a worker whose model is loaded.
    valuation.setVectors(/** @type {InstanceType<Glue['Embedder']>} */ (embedder), await vectors);
    const report = valuation.reportJson(datasetRef ?? undefined);
    self.postMessage({ type: 'progress', id, phase: 'done', done: 1, total: 1, fraction: 1 });
    self.postMessage({ type: 'result', id, report });
  } catch (e) {
    const fatal = crashInfo(e);
    if (fatal) dead = true;
    self.postMessage({ type: 'error', id, error: fatal ?? toWire(e), fatal: Boolean(fatal) });
  } finally {
    current = null;
    cancelled.delete(id);
    awaitingVectors.delete(id);
    try {
      buffer?.free();
      valuation?.free();
    } catch {
      // After a crash the instance is gone; the pool replaces this worker.
    }
  }
}

/**
 * The file's SHA-256 by the browser's own implementation (hardware SHA where the CPU has it,
 * several times faster than SHA-256 compiled to wasm), or undefined, and wasm hashes it, where
 * `crypto.subtle` is missing (pages served over plain http from another host) or fails (the copy
 * `digest` makes of a very large file does not fit). The same digest either way.
 * @param {InstanceType<Glue['FileBuffer']>} buffer
 * @returns {Promise<string | undefined>}
 */
async function platformSha256(buffer) {
  try {
    if (!self.crypto?.subtle) return undefined;
    return await sha256Hex(buffer.view());
  } catch {
    return undefined;
  }
}

/**
 * One slice of some file's texts: its vectors go back to the pool, transferred, not copied.
 * @param {Extract<InMessage, { type: 'embed' }>} message
 */
function embed({ id, chunk, texts }) {
  try {
    if (dead) throw new Error('worker is unusable after a crash');
    const vectors = /** @type {InstanceType<Glue['Embedder']>} */ (embedder).embed(texts); // slices go to ready workers only
    // @ts-expect-error a worker's postMessage takes a transfer list (lib.dom types `self` as a Window)
    self.postMessage({ type: 'embedded', id, chunk, vectors }, [vectors.buffer]);
  } catch (e) {
    const fatal = crashInfo(e);
    if (fatal) dead = true;
    self.postMessage({ type: 'embed-error', id, chunk, error: fatal ?? toWire(e), fatal: Boolean(fatal) });
  }
}

/**
 * A wasm trap (panic, out of memory) leaves the instance unusable: report it as such.
 * @param {unknown} e
 * @returns {import('./errors.js').WireError | null}
 */
function crashInfo(e) {
  const trap = e instanceof WebAssembly.RuntimeError || (e instanceof RangeError && /memory/i.test(e.message));
  if (!trap) return null;
  let panic = null;
  try {
    panic = lastPanic();
  } catch {
    // The instance may be too broken to say.
  }
  return panic
    ? { code: 'wasm_panic', message: panic }
    : { code: 'out_of_memory', message: `the valuation ran out of memory or crashed (${e.message})` };
}
