// The pool of valuation workers, shared by the browser entry (Web Workers) and the Node entry
// (worker_threads behind the same interface): a queue of files, one file per worker at a time,
// and every file's texts embedded in slices by whichever workers are idle (see worker.js).

import { ValuationError, aborted, fromWire } from './errors.js';
import { datasetBytes, scoreOptions } from './options.js';

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

function toBlob(input) {
  if (input instanceof Blob) return input;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input) || typeof input === 'string') return new Blob([input]);
  throw new ValuationError('invalid_argument', 'valuate() takes a File, Blob, ArrayBuffer, Uint8Array or string');
}

// The share of a valuation that embedding stands for (the worker reports read and analyze).
const EMBED_SPAN = [0.3, 0.99];

class Slot {
  constructor(pool) {
    this.pool = pool;
    this.job = null; // the file this worker values (it may embed other files' texts meanwhile)
    // What the worker is doing, tracked apart because the answers can cross: a file's own work
    // (reading and analysing it, later its report) and a slice of some file's texts. A 'result'
    // may arrive while a slice sent after the vectors is still being embedded.
    this.chunk = null; // the slice of texts it embeds: { job, index, count }
    this.analyzing = false; // its file's 'valuate' or 'vectors' is unanswered
    this.textsEmbedded = 0;
    this.ready = false;
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
 */
export function poolSize(workers, cores) {
  const wanted = workers === 'auto' ? Math.min(cores || 2, 4) : (workers ?? 1);
  return Math.max(1, Math.min(Math.floor(wanted) || 1, 16));
}

export class Pool {
  /** `init`: more for each worker's init message (under Node: the compiled wasm and the model's bytes). */
  constructor({ size, spawn, model, embed, wasm, onModelProgress, init }) {
    Object.assign(this, { size, spawn, model, embed, wasm, onModelProgress, init });
    this.queue = [];
    // Files whose texts are being embedded, oldest first: every idle worker takes their slices.
    this.embedding = [];
    this.chunkSize = embed.batch_size;
    this.slots = [];
    this.nextId = 1;
    this.disposed = false;
    this.modelInfo = null;
    this.readyWaiters = [];
    this.allReadyWaiters = []; // allReady(): every worker of the pool has its model
    this.initError = null;
    // One worker first: it fills the model cache, which the others then read.
    this.slots.push(new Slot(this));
  }

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
      const job = { id: this.nextId++, blob, resolve, reject, signal, onProgress, lastFraction: 0,
        options: scoreOptions(options), datasetRef: datasetBytes(options.dataset), crash: options.crashForTest };
      job.onAbort = () => this.cancel(job, signal.reason);
      signal?.addEventListener('abort', job.onAbort, { once: true });
      this.queue.push(job);
      this.dispatch();
    });
  }

  settle(job, error, report) {
    if (job.settled) return;
    job.settled = true;
    job.signal?.removeEventListener('abort', job.onAbort);
    const embedding = this.embedding.indexOf(job);
    if (embedding >= 0) this.embedding.splice(embedding, 1);
    job.texts = job.parts = null;
    if (error) job.reject(error);
    else job.resolve(report);
  }

  /** Stops a file: rejected with an abort error, or with `error` when given. */
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
      const job = this.queue.shift();
      slot.job = job;
      slot.analyzing = true;
      const { id, blob, options, datasetRef, crash } = job;
      try {
        slot.worker.postMessage({ type: 'valuate', id, blob, options, datasetRef, crash });
      } catch (e) {
        slot.job = null;
        slot.analyzing = false;
        this.settle(job, new ValuationError('invalid_argument', e.message));
      }
    }
    if (this.initError) {
      for (const job of this.queue.splice(0)) this.settle(job, fromWire(this.initError));
    }
  }

  sendChunk(slot) {
    const job = this.embedding.find((j) => j.pending.length);
    if (!job) return false;
    const index = job.pending.shift();
    const texts = job.texts.slice(index * this.chunkSize, (index + 1) * this.chunkSize);
    slot.chunk = { job, index, count: texts.length };
    slot.worker.postMessage({ type: 'embed', id: job.id, chunk: index, texts });
    return true;
  }

  /** A file's texts, to be embedded in slices by whichever workers are idle. */
  startEmbedding(job, texts) {
    const chunks = Math.ceil(texts.length / this.chunkSize);
    Object.assign(job, { texts, parts: new Array(chunks), partsLeft: chunks, textsDone: 0 });
    job.pending = Array.from({ length: chunks }, (_, i) => i);
    this.progress(job, 'embed', 0, texts.length);
    if (chunks) this.embedding.push(job);
    else this.sendVectors(job);
  }

  chunkEmbedded(job, index, count, vectors) {
    job.parts[index] = vectors;
    job.textsDone += count;
    this.progress(job, 'embed', job.textsDone, job.texts.length);
    if (--job.partsLeft) return;
    this.embedding.splice(this.embedding.indexOf(job), 1);
    this.sendVectors(job);
  }

  /** Every slice is back: the vectors in the texts' order go to the file's own worker. */
  sendVectors(job) {
    const vectors = new Float32Array(job.parts.reduce((n, p) => n + p.length, 0));
    let offset = 0;
    for (const part of job.parts) {
      vectors.set(part, offset);
      offset += part.length;
    }
    job.texts = job.parts = null;
    job.owner.analyzing = true; // it scores the file now: no slice for it until the report is in
    job.owner.worker.postMessage({ type: 'vectors', id: job.id, vectors }, [vectors.buffer]);
  }

  progress(job, phase, done, total) {
    if (job.settled) return;
    const [a, b] = EMBED_SPAN;
    const fraction = phase === 'embed' ? a + (b - a) * (total ? done / total : 1) : done;
    this.report(job, { phase, done, total, fraction });
  }

  report(job, event) {
    if (job.settled || event.fraction < job.lastFraction) return;
    job.lastFraction = event.fraction;
    job.onProgress?.(event);
  }

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

  fail(error) {
    this.initError = error;
    for (const w of [...this.readyWaiters.splice(0), ...this.allReadyWaiters.splice(0)]) w.reject(fromWire(error));
  }

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

  ready() {
    if (this.disposed) return Promise.reject(new ValuationError('disposed', 'this valuator was disposed'));
    if (this.modelInfo) return Promise.resolve(this.modelInfo);
    if (this.initError) return Promise.reject(fromWire(this.initError));
    return new Promise((resolve, reject) => this.readyWaiters.push({ resolve, reject }));
  }

  /** Resolves once every worker has loaded its model (later workers start after the first, so a
   * file valued before then may run on fewer). */
  async allReady() {
    await this.ready(); // the first worker's 'ready' has started the others
    return new Promise((resolve, reject) => {
      this.allReadyWaiters.push({ resolve, reject });
      this.checkAllReady();
    });
  }

  /** Each worker's wasm memory: it only grows, so this is each worker's peak. */
  async stats() {
    const sizes = await Promise.all(this.slots.map((slot) => new Promise((resolve) => {
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
