// Every error the package raises is a ValuationError: an Error with a stable `code`. Submit
// failures are its subclass SubmitError, which also says whether trying later can help.
// Errors cross the worker boundary as plain objects and are rebuilt here.

export class ValuationError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = code === 'aborted' ? 'AbortError' : 'ValuationError';
    this.code = code;
  }
}

const SUBMIT_FIELDS = ['transient', 'status', 'attempts', 'retryAfterMs', 'postgrest'];

export class SubmitError extends ValuationError {
  constructor(code, message, details = {}) {
    super(code, message);
    this.name = 'SubmitError';
    this.transient = Boolean(details.transient);
    for (const key of SUBMIT_FIELDS.slice(1)) if (details[key] !== undefined) this[key] = details[key];
  }
}

/** Plain, structured-clonable form of any thrown value. */
export function toWire(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string') {
    const wire = { code: e.code, message: String(e.message) };
    if (e.name === 'SubmitError') {
      wire.submit = true;
      for (const key of SUBMIT_FIELDS) if (e[key] !== undefined) wire[key] = e[key];
    }
    return wire;
  }
  return { code: 'internal', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

export function fromWire(wire) {
  return wire.submit ? new SubmitError(wire.code, wire.message, wire) : new ValuationError(wire.code, wire.message);
}

export function aborted(reason) {
  const message = reason instanceof Error ? reason.message : reason !== undefined ? String(reason) : 'the valuation was cancelled';
  return new ValuationError('aborted', message, reason === undefined ? undefined : { cause: reason });
}
