// @ts-check
// The user's camel-case options as the core reads them; shared by the browser and Node entries.

import { ValuationError } from './errors.js';
import { SCORE_LIMITS } from './score-limits.js';

/** @import { ScoreOptionsCamelCase } from './api.js' */
/** @import { ScoreOptions } from './types/report.js' */

/**
 * The camel-case options scoreOptions() maps, each to its ScoreOptions field. Checked both ways
 * at compile time: a name here that is not a ScoreOptions field fails the Pick below, and a
 * ScoreOptions field (generated from the Rust) that is not here fails AllMapped, so an option
 * added in Rust is a type error in this file until it is mapped.
 * @typedef {'sampleSize' | 'maxBytes' | 'domain' | 'modelId'} Mapped
 */
/**
 * @template {never} T
 * @typedef {T} Never
 */
/** @typedef {Never<Exclude<keyof ScoreOptionsCamelCase, Mapped>>} AllMapped */

/**
 * @param {string} name
 * @param {string} want
 * @param {unknown} got
 */
function invalid(name, want, got) {
  let shown;
  try {
    shown = JSON.stringify(got) ?? String(got);
  } catch {
    shown = String(got);
  }
  return new ValuationError('invalid_option', `${name} must be ${want}, got ${shown}`);
}

/**
 * @param {string} name
 * @param {number} value as declared; a JS caller's value of another type fails the check
 * @param {number} min
 * @param {number} max
 * @returns {number}
 */
function integerIn(name, value, min, max) {
  if (!Number.isSafeInteger(value) || value < min || value > max) throw invalid(name, `an integer from ${min} to ${max}`, value);
  return value;
}

/**
 * @param {string} name
 * @param {unknown} value
 * @returns {string}
 */
function text(name, value) {
  if (typeof value !== 'string') throw invalid(name, 'a string', value);
  return value;
}

/**
 * Snake-case options the core reads, from the camel-case options users pass; a wrong value is an
 * `invalid_option` that names the option (the core would name only the type it expected).
 * @param {Pick<ScoreOptionsCamelCase, Mapped>} o
 * @returns {Partial<ScoreOptions>}
 */
export function scoreOptions(o) {
  /** @type {Partial<ScoreOptions>} */
  const out = {};
  if (o.sampleSize !== undefined) out.sample_size = integerIn('sampleSize', o.sampleSize, 1, SCORE_LIMITS.maxSampleSize);
  if (o.maxBytes !== undefined) out.max_bytes = integerIn('maxBytes', o.maxBytes, 1, Number.MAX_SAFE_INTEGER);
  if (o.domain !== undefined) out.domain = text('domain', o.domain);
  if (o.modelId !== undefined) out.model_id = text('modelId', o.modelId);
  return out;
}

/**
 * A dataset reference given as bytes, JSON text or a parsed object, as bytes.
 * @param {import('./api.js').ValuateOptions['dataset'] | null} dataset
 * @returns {Uint8Array | undefined}
 */
export function datasetBytes(dataset) {
  if (dataset === undefined || dataset === null) return undefined;
  if (dataset instanceof Uint8Array) return dataset;
  if (dataset instanceof ArrayBuffer) return new Uint8Array(dataset);
  return new TextEncoder().encode(typeof dataset === 'string' ? dataset : JSON.stringify(dataset));
}
