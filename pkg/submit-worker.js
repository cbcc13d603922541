// @ts-check
// The browser's submit backend: the package's worker (wasm, no model) makes records and sends
// them, so neither the wasm nor the network retries run on the page's thread. Started on first
// use; a crashed or failed worker is replaced by the next call.

import { ValuationError, fromWire } from './errors.js';

/** @import { SubmitConfig } from './web/valuation_wasm.js' */
/** @import { WireError } from './errors.js' */

/** A submitter's backend (submitter.js's SubmitBackend; index.js passes it to one, which checks it). */
export class WorkerBackend {
  /** @param {() => Worker} spawn */
  constructor(spawn) {
    this.spawn = spawn;
    /** @type {Worker | null} */
    this.worker = null;
    /** @type {Map<number, { resolve: (value: any) => void, reject: (error: unknown) => void }>} */
    this.calls = new Map();
    this.nextId = 1;
  }

  /**
   * @param {string} report
   * @param {string} datasetId
   * @returns {Promise<string>}
   */
  record(report, datasetId) {
    return this.call({ type: 'record', report, datasetId });
  }

  /**
   * @param {SubmitConfig} config
   * @param {string[]} records
   * @param {string} accessToken
   * @returns {Promise<unknown>}
   */
  send(config, records, accessToken) {
    return this.call({ type: 'submit', config, records, accessToken });
  }

  /**
   * @param {{ type: 'record' | 'submit' } & Record<string, unknown>} message
   * @returns {Promise<any>} what the worker replies: the record's JSON or the submit receipt
   */
  call(message) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.calls.set(id, { resolve, reject });
      try {
        this.started().postMessage({ ...message, id });
      } catch (e) {
        this.calls.delete(id);
        reject(e instanceof ValuationError ? e : new ValuationError('worker_failed', String(/** @type {Error | undefined} */ (e)?.message ?? e)));
      }
    });
  }

  /** @returns {Worker} */
  started() {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.onmessage = (/** @type {MessageEvent<{ type: string, id: number, value?: unknown, error?: WireError, fatal?: boolean }>} */ { data }) => {
      const call = this.calls.get(data.id);
      if (!call || (data.type !== 'reply' && data.type !== 'reply-error')) return;
      this.calls.delete(data.id);
      if (data.type === 'reply') call.resolve(data.value);
      else call.reject(fromWire(/** @type {WireError} */ (data.error))); // a 'reply-error' has one
      if (data.fatal) this.stop(worker);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.stop(worker, new ValuationError('worker_failed', event.message || 'the submit worker failed'));
    };
    this.worker = worker;
    return worker;
  }

  /**
   * @param {Worker} worker
   * @param {ValuationError} [error]
   */
  stop(worker, error) {
    if (this.worker !== worker) return;
    this.worker = null;
    worker.onmessage = null;
    worker.onerror = null;
    worker.terminate();
    if (error) for (const call of this.calls.values()) call.reject(error);
    if (error) this.calls.clear();
  }

  dispose() {
    const disposed = new ValuationError('disposed', 'this submitter was disposed');
    if (this.worker) this.stop(this.worker, disposed);
    for (const call of this.calls.values()) call.reject(disposed);
    this.calls.clear();
  }
}
