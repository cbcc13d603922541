'use strict';
// Fault injection for client retry tests. A schedule is an ordered list of entries; each REST
// request (path under /rest/v1/, OPTIONS excluded unless asked for) consumes the first entry
// that matches it. Entry fields:
//   action      "status" | "drop" | "delay" | "pass"
//   status      HTTP status to answer (action "status"), e.g. 503, 429
//   retry_after Retry-After header value (seconds, or an HTTP-date string)
//   body        response body (string, or JSON value); default {"message":"injected fault: HTTP <status>"}
//   headers     extra response headers
//   delay_ms    wait this long first (any action; "delay" = wait, then handle normally)
//   hold_ms     wait this long after the database answered, before replying (the insert is
//               committed while the client still waits: a page closed now never hears of it)
//   when        "before" (default): instead of handling the request;
//               "after": handle it (the database commits), then answer with the fault instead
//               (a lost response: what makes idempotent retries necessary)
//   times       how many requests it applies to (default 1), or "always"
//   method      only requests with this method;  path: only paths starting with this
// Every REST request is logged (seq, t_ms since start, method, path, fault, status, x_retry_count).

const { performance } = require('node:perf_hooks');

const ACTIONS = new Set(['status', 'drop', 'delay', 'pass']);
const LOG_LIMIT = 1000;

class FaultSpecError extends Error {}

function validateEntry(entry, index) {
  const fail = (msg) => { throw new FaultSpecError(`schedule[${index}]: ${msg}`); };
  if (entry === null || typeof entry !== 'object' || Array.isArray(entry)) fail('must be an object');
  const known = new Set(['action', 'status', 'retry_after', 'body', 'headers', 'delay_ms', 'hold_ms', 'when', 'times', 'method', 'path']);
  for (const key of Object.keys(entry)) if (!known.has(key)) fail(`unknown field '${key}'`);
  if (!ACTIONS.has(entry.action)) fail(`action must be one of ${[...ACTIONS].join(', ')}`);
  if (entry.action === 'status' && !(Number.isInteger(entry.status) && entry.status >= 200 && entry.status <= 599)) {
    fail('action "status" needs an integer status 200-599');
  }
  if (entry.retry_after !== undefined && !['number', 'string'].includes(typeof entry.retry_after)) fail('retry_after must be a number or a string');
  if (entry.delay_ms !== undefined && !(Number.isInteger(entry.delay_ms) && entry.delay_ms >= 0 && entry.delay_ms <= 600000)) {
    fail('delay_ms must be an integer 0-600000');
  }
  if (entry.hold_ms !== undefined && !(Number.isInteger(entry.hold_ms) && entry.hold_ms >= 0 && entry.hold_ms <= 600000)) {
    fail('hold_ms must be an integer 0-600000');
  }
  if (entry.when !== undefined && entry.when !== 'before' && entry.when !== 'after') fail('when must be "before" or "after"');
  if (entry.times !== undefined && entry.times !== 'always' && !(Number.isInteger(entry.times) && entry.times >= 1)) {
    fail('times must be a positive integer or "always"');
  }
  if (entry.headers !== undefined && (typeof entry.headers !== 'object' || entry.headers === null)) fail('headers must be an object');
  return { when: 'before', times: 1, ...entry, method: entry.method?.toUpperCase() };
}

class Faults {
  constructor(initial) {
    this.t0 = performance.now();
    this.schedule = [];
    this.log = [];
    this.seq = 0;
    if (initial !== undefined) this.configure(initial);
  }

  /** spec: [entry, ...] or {schedule: [...], append: bool}. Replaces the schedule unless append. */
  configure(spec) {
    const list = Array.isArray(spec) ? spec : spec?.schedule;
    if (!Array.isArray(list)) throw new FaultSpecError('expected a JSON array of entries or {"schedule": [...]}');
    const entries = list.map(validateEntry);
    this.schedule = spec.append === true ? [...this.schedule, ...entries] : entries;
  }

  clear() {
    this.schedule = [];
    this.log = [];
  }

  /** The entry that applies to this request (consumed), or null. */
  take(method, path) {
    const index = this.schedule.findIndex((e) =>
      (e.method ? e.method === method : method !== 'OPTIONS') && path.startsWith(e.path ?? '/rest/v1/'));
    if (index < 0) return null;
    const entry = this.schedule[index];
    if (entry.times !== 'always') {
      entry.times -= 1;
      if (entry.times === 0) this.schedule.splice(index, 1);
    }
    return entry;
  }

  record({ method, path, fault, status, retryCount }) {
    this.seq += 1;
    this.log.push({
      seq: this.seq,
      t_ms: Math.round(performance.now() - this.t0),
      method,
      path,
      fault: fault ? describe(fault) : null,
      status,
      x_retry_count: retryCount ?? null,
    });
    if (this.log.length > LOG_LIMIT) this.log.shift();
  }

  state() {
    return { schedule: this.schedule, log: this.log };
  }
}

function describe(entry) {
  const what = entry.action === 'status' ? `status ${entry.status}` : entry.action;
  return entry.when === 'after' && (entry.action === 'status' || entry.action === 'drop') ? `${what} after` : what;
}

/** The response an entry of action "status" answers with. */
function faultResponse(entry) {
  const headers = { 'X-Fault-Injected': describe(entry), ...(entry.headers ?? {}) };
  if (entry.retry_after !== undefined) headers['Retry-After'] = String(entry.retry_after);
  let body = entry.body ?? { message: `injected fault: HTTP ${entry.status}` };
  if (typeof body !== 'string') {
    body = JSON.stringify(body);
    headers['Content-Type'] ??= 'application/json; charset=utf-8';
  }
  return { status: entry.status, headers, body };
}

module.exports = { Faults, FaultSpecError, faultResponse };
