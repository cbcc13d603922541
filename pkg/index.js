// The browser entry: createValuator() runs valuations in module Web Workers, so the page stays
// responsive; createSubmitter() records valued files in Supabase through an IndexedDB outbox.
// Importing this file does nothing (safe during server rendering); workers start when a
// valuator or a submitter is created.

import { ValuationError, aborted, fromWire } from './errors.js';
import { DEFAULT_MODEL, checkPrecision } from './model.js';
import { datasetBytes, scoreOptions } from './options.js';
import { checkBuild } from './simd.js';
import { WorkerBackend } from './submit-worker.js';
import { Submitter, publicSubmitter } from './submitter.js';

export { SubmitError, ValuationError } from './errors.js';
export { DEFAULT_MODEL } from './model.js';

const DEFAULT_MAX_BYTES = 512 * 1024 * 1024;

function spawnDefaultWorker() {
  // This exact form lets Turbopack and webpack find and bundle the worker.
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

function toBlob(input) {
  if (input instanceof Blob) return input;
  if (input instanceof ArrayBuffer || ArrayBuffer.isView(input)) return new Blob([input]);
  throw new ValuationError('invalid_argument', 'valuate() takes a File, Blob, ArrayBuffer or Uint8Array');
}

class Slot {
  constructor(pool) {
    this.pool = pool;
    this.job = null;
    this.ready = false;
    this.worker = pool.spawn();
    this.worker.onmessage = ({ data }) => pool.onMessage(this, data);
    this.worker.onerror = (event) => {
      event.preventDefault?.();
      pool.onCrash(this, { code: 'worker_failed', message: event.message || 'the worker failed to start' });
    };
    this.worker.postMessage({ type: 'init', model: pool.model, embed: pool.embed, wasm: pool.wasm });
  }
}

class Pool {
  constructor({ size, spawn, model, embed, wasm, onModelProgress }) {
    Object.assign(this, { size, spawn, model, embed, wasm, onModelProgress });
    this.queue = [];
    this.slots = [];
    this.nextId = 1;
    this.disposed = false;
    this.modelInfo = null;
    this.readyWaiters = [];
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
    if (error) job.reject(error);
    else job.resolve(report);
  }

  cancel(job, reason) {
    const queued = this.queue.indexOf(job);
    if (queued >= 0) {
      this.queue.splice(queued, 1);
      this.settle(job, aborted(reason));
      return;
    }
    const slot = this.slots.find((s) => s.job === job);
    if (slot && !job.settled) {
      // Rejected now; the worker stops at its next check and its late answer is ignored.
      slot.worker.postMessage({ type: 'cancel', id: job.id });
      this.settle(job, aborted(reason));
    }
  }

  dispatch() {
    for (const slot of this.slots) {
      if (!slot.ready || slot.job || !this.queue.length) continue;
      const job = this.queue.shift();
      slot.job = job;
      const { id, blob, options, datasetRef, crash } = job;
      try {
        slot.worker.postMessage({ type: 'valuate', id, blob, options, datasetRef, crash });
      } catch (e) {
        slot.job = null;
        this.settle(job, new ValuationError('invalid_argument', e.message));
      }
    }
    if (this.initError) {
      for (const job of this.queue.splice(0)) this.settle(job, fromWire(this.initError));
    }
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
        if (job?.id === msg.id && !job.settled && msg.fraction >= job.lastFraction) {
          job.lastFraction = msg.fraction;
          job.onProgress?.({ phase: msg.phase, done: msg.done, total: msg.total, fraction: msg.fraction });
        }
        break;
      case 'result':
        if (job?.id !== msg.id) break;
        slot.job = null;
        this.settle(job, null, JSON.parse(msg.report));
        this.dispatch();
        break;
      case 'error':
        if (job?.id !== msg.id) break;
        slot.job = null;
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
    this.dispatch();
  }

  fail(error) {
    this.initError = error;
    for (const w of this.readyWaiters.splice(0)) w.reject(fromWire(error));
  }

  detach(slot) {
    slot.worker.onmessage = null;
    slot.worker.onerror = null;
    slot.worker.terminate();
    slot.statsWaiters?.splice(0).forEach((resolve) => resolve(0));
  }

  /** Terminates a broken worker; starts a fresh one (the model comes from the cache). */
  replace(slot, respawn) {
    this.detach(slot);
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

  /** Each worker's wasm memory: it only grows, so this is each worker's peak. */
  async stats() {
    const sizes = await Promise.all(this.slots.map((slot) => new Promise((resolve) => {
      (slot.statsWaiters ??= []).push(resolve);
      slot.worker.postMessage({ type: 'stats' });
    })));
    return { workers: sizes.length, wasmBytes: sizes };
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
    for (const w of this.readyWaiters.splice(0)) w.reject(disposed());
  }
}

/** A relative base URL means relative to the page, not to the worker script. */
function resolveBaseUrl(model) {
  if (model.baseUrl !== undefined && typeof location !== 'undefined') model.baseUrl = new URL(model.baseUrl, location.href).href;
  return model;
}

/**
 * Starts the workers and the model download. See index.d.ts for the options.
 */
export function createValuator(options = {}) {
  const cores = typeof navigator !== 'undefined' ? navigator.hardwareConcurrency || 2 : 2;
  const wanted = options.workers === 'auto' ? cores - 1 : (options.workers ?? 1);
  const size = Math.max(1, Math.min(Math.floor(wanted) || 1, 16));
  const pool = new Pool({
    size,
    spawn: options.createWorker ?? spawnDefaultWorker,
    model: resolveBaseUrl({ ...options.model, precision: checkPrecision(options.model?.precision) }),
    embed: { batch_size: options.batchSize ?? 8 },
    wasm: checkBuild(options.wasm),
    onModelProgress: options.onModelProgress,
  });
  return {
    valuate: (input, valuateOptions = {}) => pool.submit(input, valuateOptions),
    ready: () => pool.ready(),
    stats: () => pool.stats(),
    get pending() {
      return pool.queue.length + pool.slots.filter((s) => s.job).length;
    },
    dispose: () => pool.dispose(),
  };
}


/**
 * Records valued files in Supabase (metadata only), through an outbox that survives reloads.
 * See index.d.ts for the options.
 */
export function createSubmitter(options = {}) {
  const submitter = new Submitter(new WorkerBackend(options.createWorker ?? spawnDefaultWorker), options);
  return publicSubmitter(submitter);
}

