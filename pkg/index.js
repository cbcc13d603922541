// @ts-check
// The browser entry: createValuator() runs valuations in module Web Workers, so the page stays
// responsive; createSubmitter() records valued files in Supabase through an IndexedDB outbox.
// Importing this file does nothing (safe during server rendering); workers start when a
// valuator or a submitter is created.

import { ValuationError } from './errors.js';
import { checkPrecision } from './model.js';
import { Pool, poolSize } from './pool.js';
import { checkBuild } from './simd.js';
import { WorkerBackend } from './submit-worker.js';
import { Submitter, publicSubmitter } from './submitter.js';

export { SubmitError, ValuationError } from './errors.js';
export { ERROR_CODES } from './errors.js';
export { DEFAULT_MODEL, clearModelCache, listModelCache } from './model.js';

/** @import { ModelSource, Submitter as SubmitterApi, SubmitterOptions, Valuator, ValuatorOptions } from './api.js' */

/** @returns {Worker} */
function spawnDefaultWorker() {
  // A submitter starts its worker on first use: used during server rendering, it fails here.
  if (typeof Worker === 'undefined') {
    throw new ValuationError('not_in_browser', 'the package\'s workers run in the browser: submit from there, e.g. in an event handler (under Node, use createNodeSubmitter from @dataunion/valuation/node)');
  }
  // This exact form lets Turbopack and webpack find and bundle the worker.
  return new Worker(new URL('./worker.js', import.meta.url), { type: 'module' });
}

/**
 * A relative base URL means relative to the page, not to the worker script.
 * @param {ModelSource} model
 */
function resolveBaseUrl(model) {
  if (model.baseUrl !== undefined && typeof location !== 'undefined') model.baseUrl = new URL(model.baseUrl, location.href).href;
  return model;
}

/**
 * Starts the workers and the model download.
 * @param {ValuatorOptions} [options]
 * @returns {Valuator}
 */
export function createValuator(options = {}) {
  if (!options.createWorker && typeof Worker === 'undefined') {
    throw new ValuationError('not_in_browser', 'createValuator() runs in the browser: call it there, e.g. inside useEffect, not during server rendering (under Node, use @dataunion/valuation/node)');
  }
  const size = poolSize(options.workers, typeof navigator !== 'undefined' ? navigator.hardwareConcurrency : undefined);
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
    ready: (readyOptions) => (readyOptions?.allWorkers ? pool.allReady() : pool.ready()),
    stats: () => pool.stats(),
    get pending() {
      return pool.queue.length + pool.slots.filter((s) => s.job).length;
    },
    dispose: () => pool.dispose(),
  };
}

/**
 * Records valued files in Supabase (metadata only), through an outbox that survives reloads.
 * @overload
 * @param {SubmitterOptions} options
 * @returns {SubmitterApi}
 */
// The overload keeps `options` required in the declarations; the `{}` default stays, so a call
// without options still fails with invalid_config, as before.
/**
 * @param {SubmitterOptions} options
 * @returns {SubmitterApi}
 */
export function createSubmitter(options = {}) {
  const submitter = new Submitter(new WorkerBackend(options.createWorker ?? spawnDefaultWorker), options);
  return publicSubmitter(submitter);
}

