// @ts-check
// Every error the package raises is a ValuationError: an Error with a stable `code`. Submit
// failures are its subclass SubmitError, which also says whether trying later can help.
// Errors cross the worker boundary as plain objects and are rebuilt here.

import { ERROR_CODES as GENERATED_ERROR_CODES } from './error-codes.js';

/** @import { ValuationErrorCode, ErrorCode, SubmitErrorCode } from './api.js' */

// The cast: error-codes.js (plain JS) and the ErrorCode union are generated from the same Rust
// ErrorCode::ALL (tests/pkg/error-codes.test.mjs checks that they agree).
/** Every `ErrorCode`, e.g. to map codes to messages of your own. */
export const ERROR_CODES = /** @type {readonly ErrorCode[]} */ (GENERATED_ERROR_CODES);

/** Every error the package raises. A cancelled valuation rejects with `name: "AbortError"`,
 * `code: "aborted"`. */
export class ValuationError extends Error {
  /**
   * @param {ValuationErrorCode} code
   * @param {string} message
   * @param {{ cause?: unknown }} [options]
   */
  constructor(code, message, options) {
    super(message, options);
    /** @readonly @type {'ValuationError' | 'AbortError' | 'SubmitError'} */
    this.name; // declares the type only (Error's `name` is any string): a no-op read
    // @ts-expect-error read-only to users, set here once: TypeScript sees an assignment to the declared property
    this.name = code === 'aborted' ? 'AbortError' : 'ValuationError';
    /** @readonly @type {ValuationErrorCode} */
    this.code = code;
  }
}

/** @typedef {{ transient?: boolean, status?: number, attempts?: number, retryAfterMs?: number, postgrest?: SubmitError['postgrest'] }} SubmitDetails */

/** @type {readonly (keyof SubmitDetails)[]} */
const SUBMIT_FIELDS = ['transient', 'status', 'attempts', 'retryAfterMs', 'postgrest'];

/** A submit that did not store its record. `transient`: the same record can succeed later. */
export class SubmitError extends ValuationError {
  /**
   * @param {SubmitErrorCode} code
   * @param {string} message
   * @param {SubmitDetails} [details]
   */
  constructor(code, message, details = {}) {
    super(code, message);
    /** @readonly @type {'SubmitError'} */
    this.name; // declares the type only: a no-op read
    // @ts-expect-error read-only to users, set here once (after the base constructor's value)
    this.name = 'SubmitError';
    /** @readonly @type {SubmitErrorCode} */
    this.code; // declares the narrower type only: the base constructor set it (a no-op read)
    /** @readonly @type {boolean} */
    this.transient = Boolean(details.transient);
    /** HTTP status of the final answer, when one arrived.
     * @readonly @type {number | undefined} */
    this.status;
    /** Requests made for the failing batch, retries included.
     * @readonly @type {number | undefined} */
    this.attempts;
    /** What the server's Retry-After asked for, when it asked for more than the client waits.
     * @readonly @type {number | undefined} */
    this.retryAfterMs;
    /** PostgREST's error body: `code` is the SQLSTATE (e.g. "42501") or PGRST code.
     * @readonly @type {{ code: string | null; message: string | null; details: string | null; hint: string | null } | undefined} */
    this.postgrest;
    // @ts-expect-error the optional fields are copied by name (the same list crosses the worker boundary in toWire)
    for (const key of SUBMIT_FIELDS.slice(1)) if (details[key] !== undefined) this[key] = details[key];
  }
}

/** @typedef {{ code: ValuationErrorCode, message: string, submit?: true } & SubmitDetails} WireError */

/**
 * Plain, structured-clonable form of any thrown value.
 * @param {unknown} e
 * @returns {WireError}
 */
export function toWire(e) {
  if (e && typeof e === 'object' && typeof /** @type {{ code?: unknown }} */ (e).code === 'string') {
    // A ValuationError, or a wasm error object with the same fields (its code is one of ours).
    const error = /** @type {ValuationError & SubmitDetails} */ (e);
    /** @type {WireError} */
    const wire = { code: error.code, message: String(error.message) };
    if (error.name === 'SubmitError') {
      wire.submit = true;
      // @ts-expect-error each field is copied to the field of the same name and type
      for (const key of SUBMIT_FIELDS) if (error[key] !== undefined) wire[key] = error[key];
    }
    return wire;
  }
  return { code: 'internal', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

/**
 * @param {WireError} wire
 * @returns {ValuationError}
 */
export function fromWire(wire) {
  // A wire error marked `submit` came from a SubmitError, so its code is a SubmitErrorCode.
  return wire.submit ? new SubmitError(/** @type {SubmitErrorCode} */ (wire.code), wire.message, wire) : new ValuationError(wire.code, wire.message);
}

/** @param {unknown} [reason] */
export function aborted(reason) {
  const message = reason instanceof Error ? reason.message : reason !== undefined ? String(reason) : 'the valuation was cancelled';
  return new ValuationError('aborted', message, reason === undefined ? undefined : { cause: reason });
}
