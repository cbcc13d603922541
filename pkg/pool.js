// @ts-check
// The pool of valuation workers, shared by the browser entry (Web Workers) and the Node entry
// (worker_threads behind the same interface): a queue of files, one file per worker at a time,
// and every file's texts embedded in slices by whichever workers are idle (see worker.js).

import { ValuationError, aborted, fromWire } from './errors.js';
import { datasetBytes, scoreOptions } from './options.js';

/** @import { ModelInfo, ModelProgress, ModelSource, ValuateOptions, ValuationPhase, ValuationProgress, WasmBuild } from './api.js' */
/** @import { Report, ScoreOptions } from './types/report.js' */
/** @import { WireError } from './errors.js' */

/**
 * A file in the pool: queued, analysed by its own worker (`owner` once its texts are back),
 * its texts embedded in slices (`texts`, `parts`, `pending` while they are), then scored.
 * @typedef {object} Job
 * @property {number} id
 * @property {Blob} blob
 * @property {(report: Report) => void} resolve
 * @property {(error: unknown) => void} reject
 * @property {AbortSignal | undefined} signal
 * @property {((progress: ValuationProgress) => void) | undefined} onProgress
 * @property {number} lastFraction
 * @property {Partial<ScoreOptions>} options
 * @property {Uint8Array | undefined} datasetRef
 * @property {ValuateOptions['crashForTest']} crash
 * @property {() => void} [onAbort]
 * @property {boolean} [settled]
 * @property {string[] | null} [texts]
 * @property {Float32Array[] | null} [parts] one per slice, filled as they come back
 * @property {number} [partsLeft]
 * @property {number} [textsDone]
 * @property {number[]} [pending] slices not yet handed to a worker
 * @property {Slot} [owner]
 */

/** A file whose texts are being embedded: startEmbedding set these.
 * @typedef {Job & { texts: string[], parts: Float32Array[], partsLeft: number, textsDone: number, pending: number[] }} EmbeddingJob */

/**
 * What a worker sends the pool (worker.js lists the protocol).
 * @typedef {{ type: 'stats', wasmBytes: number }
 *   | ({ type: 'model-progress' } & ModelProgress)
 *   | { type: 'ready', model: ModelInfo }
 *   | { type: 'init-error', error: WireError }
 *   | { type: 'progress', id: number, phase: ValuationPhase, done: number, total: number, fraction: number }
 *   | { type: 'texts', id: number, texts: string[] }
 *   | { type: 'embedded', id: number, chunk: number, vectors: Float32Array }
 *   | { type: 'embed-error', id: number, chunk: number, error: WireError, fatal: boolean }
 *   | { type: 'result', id: number, report: string }
 *   | { type: 'error', id: number, error: WireError, fatal: boolean }} WorkerMessage
 */

/**
 * @typedef {object} PoolOptions
 * @property {number} size
 * @property {() => Worker} spawn a Web Worker, or under Node an object with the part of its interface the pool uses
 * @property {ModelSource} model
 * @property {{ batch_size: number, expected_weights_sha256?: string | null }} embed
 * @property {WasmBuild} wasm
 * @property {((progress: ModelProgress) => void)} [onModelProgress]
 * @property {object} [init]
 */

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

/**
 * @param {unknown} input
 * @returns {Blob}
 */
function toBlob(input) {
  if (input instanceof Blob) return input;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input) || typeof input === 'string') return new Blob([/** @type {BlobPart} */ (input)]); // the cast: TS's BlobPart leaves out views of a SharedArrayBuffer
  throw new ValuationError('invalid_argument', 'valuate() takes a File, Blob, ArrayBuffer, Uint8Array or string');
}

// The share of a valuation that embedding stands for (the worker reports read and analyze).
const EMBED_SPAN = [0.3, 0.99];

class Slot {
  /** @param {Pool} pool */
  constructor(pool) {
    /** @type {Pool} */
    this.pool = pool;
    /** @type {Job | null} */
    this.job = null; // the file this worker values (it may embed other files' texts meanwhile)
    // What the worker is doing, tracked apart because the answers can cross: a file's own work
    // (reading and analysing it, later its report) and a slice of some file's texts. A 'result'
    // may arrive while a slice sent after the vectors is still being embedded.
    /** @type {{ job: EmbeddingJob, index: number, count: number } | null} */
    this.chunk = null; // the slice of texts it embeds: { job, index, count }
    this.analyzing = false; // its file's 'valuate' or 'vectors' is unanswered
    this.textsEmbedded = 0;
    this.ready = false;
    /** @type {((wasmBytes: number) => void)[] | undefined} */
    this.statsWaiters; // declared for the type only: stats() creates it (a no-op read)
    this.worker = pool.spawn();
    this.worker.onmessage = ({ data }) => pool.onMessage(this, data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      pool.onCrash(this, { code: 'worker_failed', message: event.message || 'the worker failed to start' });
    };
    this.worker.postMessage({ type: 'init', model: pool.model, embed: pool.embed, wasm: pool.wasm, ...pool.init });
  }
}

/**
 * How many workers a pool gets for the `workers` option, given the cores the platform reports.
 * 'auto': a worker per core, up to 4. The caller's thread only relays messages while files are
 * valued, and one file's texts are spread over all workers, so leaving a core idle would only slow
 * every file down; beyond 4, a model copy per worker costs more memory than it saves time. Any
 * number is clamped to 1..16; absent means 1.
 * @param {number | 'auto' | undefined} workers
 * @param {number | undefined} cores
 * @returns {number}
 */
export function poolSize(workers, cores) {
  const wanted = workers === 'auto' ? Math.min(cores || 2, 4) : (workers ?? 1);
  return Math.max(1, Math.min(Math.floor(wanted) || 1, 16));
}

export class Pool {
  /**
   * `init`: more for each worker's init message (under Node: the compiled wasm and the model's bytes).
   * @param {PoolOptions} options
   */
  constructor({ size, spawn, model, embed, wasm, onModelProgress, init }) {
    // Each option becomes a field, as Object.assign(this, {...}) made them (same order, undefined included).
    this.size = size;
    this.spawn = spawn;
    this.model = model;
    this.embed = embed;
    this.wasm = wasm;
    this.onModelProgress = onModelProgress;
    this.init = init;
    /** @type {Job[]} */
    this.queue = [];
    // Files whose texts are being embedded, oldest first: every idle worker takes their slices.
    /** @type {EmbeddingJob[]} */
    this.embedding = [];
    this.chunkSize = embed.batch_size;
    /** @type {Slot[]} */
    this.slots = [];
    this.nextId = 1;
    this.disposed = false;
    /** @type {ModelInfo | null} */
    this.modelInfo = null;
    /** @type {{ resolve: (model: ModelInfo) => void, reject: (error: unknown) => void }[]} */
    this.readyWaiters = [];
    /** @type {{ resolve: (model: ModelInfo) => void, reject: (error: unknown) => void }[]} */
    this.allReadyWaiters = []; // allReady(): every worker of the pool has its model
    /** @type {WireError | null} */
    this.initError = null;
    // One worker first: it fills the model cache, which the others then read.
    this.slots.push(new Slot(this));
  }

  /**
   * @param {unknown} input
   * @param {ValuateOptions} options
   * @returns {Promise<Report>}
   */
  submit(input, options) {
    if (this.disposed) return Promise.reject(new ValuationError('disposed', 'this valuator was disposed'));
    const { signal, onProgress } = options;
    if (signal?.aborted) return Promise.reject(aborted(signal.reason));
    let blob;
    try {
      blob = toBlob(input);
    } catch (e) {
      return Promise.reject(e);
    }
    const maxBytes = options.maxBytes ?? DEFAULT_MAX_BYTES;
    if (blob.size > maxBytes) {
      return Promise.reject(new ValuationError('file_too_large', `${blob.size} bytes exceed the limit of ${maxBytes}`));
    }
    return new Promise((resolve, reject) => {
      /** @type {Job} */
      const job = { id: this.nextId++, blob, resolve, reject, signal, onProgress, lastFraction: 0,
        options: scoreOptions(options), datasetRef: datasetBytes(options.dataset), crash: options.crashForTest };
      job.onAbort = () => this.cancel(job, /** @type {AbortSignal} */ (signal).reason); // only ever called by the signal
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  /**
   * @param {Job} job
   * @param {unknown} error
   * @param {Report} [report]
   */
  settle(job, error, report) {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', /** @type {() => void} */ (job.onAbort)); // set with the listener
    const embedding = this.embedding.indexOf(/** @type {EmbeddingJob} */ (job)); // any file may be looked for
    if (embedding >= 0) this.embedding.splice(embedding, 1);
    job.texts = job.parts = null;
    if (error) job.reject(error);
    else job.resolve(/** @type {Report} */ (report)); // given whenever error is not
  }

  /**
   * Stops a file: rejected with an abort error, or with `error` when given.
   * @param {Job} job
   * @param {unknown} reason
   * @param {Error} [error]
   */
  cancel(job, reason, error) {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, aborted(reason));
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (slot && !job.settled) {
      // Rejected now; the worker stops at its next check and late answers (its own, and other
      // workers' slices of its texts) are ignored.
      slot.worker.postMessage({ type: 'cancel', id: job.id });
      this.settle(job, error ?? aborted(reason));
    }
  }

  /** Idle workers embed the oldest file's next slice first, then start the next queued file. */
  dispatch() {
    for (const slot of this.slots) {
      if (!slot.ready || slot.chunk || slot.analyzing) continue;
      if (this.sendChunk(slot) || slot.job || !this.queue.length) continue;
      const job = /** @type {Job} */ (this.queue.shift()); // the queue is not empty (checked above)
      slot.job = job;
      slot.analyzing = true;
      const { id, blob, options, datasetRef, crash } = job;
      try {
        slot.worker.postMessage({ type: 'valuate', id, blob, options, datasetRef, crash });
      } catch (e) {
        slot.job = null;
        slot.analyzing = false;
        this.settle(job, new ValuationError('invalid_argument', /** @type {Error} */ (e).message)); // a DataCloneError
      }
    }
    if (this.initError) {
      for (const job of this.queue.splice(0)) this.settle(job, fromWire(this.initError));
    }
  }

  /**
   * @param {Slot} slot
   * @returns {boolean}
   */
  sendChunk(slot) {
    const job = this.embedding.find((j) => j.pending.length);
    if (!job) return false;
    const index = /** @type {number} */ (job.pending.shift()); // not empty: found by its length
    const texts = job.texts.slice(index * this.chunkSize, (index + 1) * this.chunkSize);
    slot.chunk = { job, index, count: texts.length };
    slot.worker.postMessage({ type: 'embed', id: job.id, chunk: index, texts });
    return true;
  }

  /**
   * A file's texts, to be embedded in slices by whichever workers are idle.
   * @param {Job} job
   * @param {string[]} texts
   */
  startEmbedding(job, texts) {
    const chunks = Math.ceil(texts.length / this.chunkSize);
    Object.assign(job, { texts, parts: new Array(chunks), partsLeft: chunks, textsDone: 0 });
    job.pending = Array.from({ length: chunks }, (_, i) => i);
    const embedding = /** @type {EmbeddingJob} */ (job); // every field of one is set just above
    this.progress(job, 'embed', 0, texts.length);
    if (chunks) this.embedding.push(embedding);
    else this.sendVectors(job);
  }

  /**
   * @param {EmbeddingJob} job
   * @param {number} index
   * @param {number} count
   * @param {Float32Array} vectors
   */
  chunkEmbedded(job, index, count, vectors) {
    job.parts[index] = vectors;
    job.textsDone += count;
    this.progress(job, 'embed', job.textsDone, job.texts.length);
    if (--job.partsLeft) return;
    this.embedding.splice(this.embedding.indexOf(job), 1);
    this.sendVectors(job);
  }

  /**
   * Every slice is back: the vectors in the texts' order go to the file's own worker.
   * @param {Job} job with its parts and its owner (the texts came from it)
   */
  sendVectors(job) {
    const parts = /** @type {Float32Array[]} */ (job.parts);
    const owner = /** @type {Slot} */ (job.owner);
    const vectors = new Float32Array(parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of parts) {
      vectors.set(part, offset);
      offset += part.length;
    }
    job.texts = job.parts = null;
    owner.analyzing = true; // it scores the file now: no slice for it until the report is in
    owner.worker.postMessage({ type: 'vectors', id: job.id, vectors }, [vectors.buffer]);
  }

  /**
   * @param {Job} job
   * @param {ValuationPhase} phase
   * @param {number} done
   * @param {number} total
   */
  progress(job, phase, done, total) {
    if (job.settled) return;
    const [a, b] = EMBED_SPAN;
    const fraction = phase === 'embed' ? a + (b - a) * (total ? done / total : 1) : done;
    this.report(job, { phase, done, total, fraction });
  }

  /**
   * @param {Job} job
   * @param {ValuationProgress} event
   */
  report(job, event) {
    if (job.settled || event.fraction < job.lastFraction) return;
    job.lastFraction = event.fraction;
    job.onProgress?.(event);
  }

  /**
   * @param {Slot} slot
   * @param {WorkerMessage} msg
   */
  onMessage(slot, msg) {
    if (this.disposed || !this.slots.includes(slot)) return; // a message from a worker already replaced
    const job = slot.job;
    switch (msg.type) {
      case 'stats':
        slot.statsWaiters?.splice(0).forEach((resolve) => resolve(msg.wasmBytes));
        break;
      case 'model-progress':
        if (!this.modelInfo) this.onModelProgress?.(msg); // later workers read the same files again
        break;
      case 'ready':
        slot.ready = true;
        this.modelInfo = msg.model;
        for (const w of this.readyWaiters.splice(0)) w.resolve(msg.model);
        while (this.slots.length < this.size) this.slots.push(new Slot(this));
        this.checkAllReady();
        this.dispatch();
        break;
      case 'init-error':
        // One extra worker failing (say, out of memory for its copy of the model) must not fail
        // the pool while others work; the pool fails when no worker is left.
        this.replace(slot, false);
        if (!this.slots.length) this.fail(msg.error);
        this.dispatch();
        break;
      case 'progress':
        if (job?.id === msg.id) this.report(job, { phase: msg.phase, done: msg.done, total: msg.total, fraction: msg.fraction });
        break;
      case 'texts':
        if (job?.id !== msg.id) break;
        slot.analyzing = false;
        job.owner = slot;
        if (!job.settled) this.startEmbedding(job, msg.texts);
        this.dispatch();
        break;
      case 'embedded':
      case 'embed-error': {
        const chunk = slot.chunk;
        if (chunk?.job.id !== msg.id || chunk.index !== msg.chunk) break;
        slot.chunk = null;
        if (msg.type === 'embedded') {
          slot.textsEmbedded += chunk.count;
          if (!chunk.job.settled) this.chunkEmbedded(chunk.job, chunk.index, chunk.count, msg.vectors);
        } else {
          // The file fails (its own worker is told to stop); the others go on.
          this.cancel(chunk.job, null, fromWire(msg.error));
          if (msg.fatal) this.replace(slot, true);
        }
        this.dispatch();
        break;
      }
      case 'result':
        if (job?.id !== msg.id) break;
        slot.job = null;
        slot.analyzing = false; // a slice it was given before may still be on its way: slot.chunk stays
        this.settle(job, null, JSON.parse(msg.report));
        this.dispatch();
        break;
      case 'error':
        if (job?.id !== msg.id) break;
        slot.job = null;
        slot.analyzing = false;
        this.settle(job, msg.error.code === 'aborted' ? aborted() : fromWire(msg.error));
        if (msg.fatal) this.replace(slot, true);
        this.dispatch();
        break;
      default:
        break;
    }
  }

  /**
   * @param {Slot} slot
   * @param {WireError} error
   */
  onCrash(slot, error) {
    if (this.disposed || !this.slots.includes(slot)) return;
    const job = slot.job;
    slot.job = null;
    if (job) this.settle(job, fromWire(error));
    // Only a worker that had worked is respawned: one that cannot start would fail forever.
    this.replace(slot, slot.ready);
    if (!this.slots.length) this.fail(error);
    this.checkAllReady(); // a worker that never started is dropped: the others are the pool
    this.dispatch();
  }

  checkAllReady() {
    if (this.modelInfo && this.slots.length && this.slots.every((s) => s.ready)) {
      for (const w of this.allReadyWaiters.splice(0)) w.resolve(this.modelInfo);
    }
  }

  /** @param {WireError} error */
  fail(error) {
    this.initError = error;
    for (const w of [...this.readyWaiters.splice(0), ...this.allReadyWaiters.splice(0)]) w.reject(fromWire(error));
  }

  /** @param {Slot} slot */
  detach(slot) {
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    slot.worker.terminate();
    slot.statsWaiters?.splice(0).forEach((resolve) => resolve(0));
  }

  /**
   * Terminates a broken worker; starts a fresh one (the model comes from the cache). A slice
   * of another file's texts that it was embedding goes back to the front of that file's queue;
   * a file it was valuing fails.
   * @param {Slot} slot
   * @param {boolean} respawn
   */
  replace(slot, respawn) {
    this.detach(slot);
    if (slot.chunk && !slot.chunk.job.settled) slot.chunk.job.pending.unshift(slot.chunk.index);
    if (slot.job) this.settle(slot.job, new ValuationError('worker_failed', 'the worker valuing this file failed'));
    slot.chunk = slot.job = null;
    const i = this.slots.indexOf(slot);
    if (i < 0) return;
    if (respawn && !this.disposed) this.slots[i] = new Slot(this);
    else this.slots.splice(i, 1);
  }

  /** @returns {Promise<ModelInfo>} */
  ready() {
    if (this.disposed) return Promise.reject(new ValuationError('disposed', 'this valuator was disposed'));
    if (this.modelInfo) return Promise.resolve(this.modelInfo);
    if (this.initError) return Promise.reject(fromWire(this.initError));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Resolves once every worker has loaded its model (later workers start after the first, so a
   * file valued before then may run on fewer).
   * @returns {Promise<ModelInfo>} */
  async allReady() {
    await this.ready(); // the first worker's 'ready' has started the others
    return new Promise((resolve, reject) => {
      this.allReadyWaiters.push({ resolve, reject });
      this.checkAllReady();
    });
  }

  /** Each worker's wasm memory: it only grows, so this is each worker's peak. */
  async stats() {
    const sizes = await Promise.all(this.slots.map((slot) => new Promise(/** @param {(wasmBytes: number) => void} resolve */ (resolve) => {
      (slot.statsWaiters ??= []).push(resolve);
      slot.worker.postMessage({ type: 'stats' });
    })));
    return { workers: sizes.length, wasmBytes: sizes, textsEmbedded: this.slots.map((s) => s.textsEmbedded) };
  }

  dispose() {
    if (this.disposed) return;
    this.disposed = true;
    const disposed = () => new ValuationError('disposed', 'this valuator was disposed');
    for (const slot of this.slots.splice(0)) {
      this.detach(slot);
      if (slot.job) this.settle(slot.job, disposed());
    }
    for (const job of this.queue.splice(0)) this.settle(job, disposed());
    for (const w of [...this.readyWaiters.splice(0), ...this.allReadyWaiters.splice(0)]) w.reject(disposed());
  }
}
