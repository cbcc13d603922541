// The browser's submit backend: the package's worker (wasm, no model) makes records and sends
// them, so neither the wasm nor the network retries run on the page's thread. Started on first
// use; a crashed or failed worker is replaced by the next call.

import { ValuationError, fromWire } from './errors.js';

export class WorkerBackend {
  constructor(spawn) {
    this.spawn = spawn;
    this.worker = null;
    this.calls = new Map();
    this.nextId = 1;
  }

  record(report, datasetId) {
    return this.call({ type: 'record', report, datasetId });
  }

  send(config, records, accessToken) {
    return this.call({ type: 'submit', config, records, accessToken });
  }

  call(message) {
    return new Promise((resolve, reject) => {
      const id = this.nextId++;
      this.calls.set(id, { resolve, reject });
      try {
        this.started().postMessage({ ...message, id });
      } catch (e) {
        this.calls.delete(id);
        reject(e instanceof ValuationError ? e : new ValuationError('worker_failed', String(e?.message ?? e)));
      }
    });
  }

  started() {
    if (this.worker) return this.worker;
    const worker = this.spawn();
    worker.onmessage = ({ data }) => {
      const call = this.calls.get(data.id);
      if (!call || (data.type !== 'reply' && data.type !== 'reply-error')) return;
      this.calls.delete(data.id);
      if (data.type === 'reply') call.resolve(data.value);
      else call.reject(fromWire(data.error));
      if (data.fatal) this.stop(worker);
    };
    worker.onerror = (event) => {
      event.preventDefault?.();
      this.stop(worker, new ValuationError('worker_failed', event.message || 'the submit worker failed'));
    };
    this.worker = worker;
    return worker;
  }

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
