// Every error the package raises is a ValuationError: an Error with a stable `code`. Errors
// cross the worker boundary as plain {code, message} objects and are rebuilt here.

export class ValuationError extends Error {
  constructor(code, message, options) {
    super(message, options);
    this.name = code === 'aborted' ? 'AbortError' : 'ValuationError';
    this.code = code;
  }
}

/** Plain, structured-clonable form of any thrown value. */
export function toWire(e) {
  if (e && typeof e === 'object' && typeof e.code === 'string') return { code: e.code, message: String(e.message) };
  return { code: 'internal', message: e instanceof Error ? `${e.name}: ${e.message}` : String(e) };
}

export function fromWire({ code, message }) {
  return new ValuationError(code, message);
}

export function aborted(reason) {
  const message = reason instanceof Error ? reason.message : reason !== undefined ? String(reason) : 'the valuation was cancelled';
  return new ValuationError('aborted', message, reason === undefined ? undefined : { cause: reason });
}
