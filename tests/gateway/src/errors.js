'use strict';
// Error responses as PostgREST v13/v14 and Supabase's API gateway produce them.
// Body: {"code","details","hint","message"} (keys in that order, as PostgREST's encoder emits),
// plus `Proxy-Status: PostgREST; error=<code>`. SQLSTATE -> HTTP status follows pgErrorStatus
// in PostgREST's src/PostgREST/Error.hs.

const JSON_TYPE = 'application/json; charset=utf-8';

function jsonResponse(status, value, headers = {}) {
  return { status, headers: { 'Content-Type': JSON_TYPE, ...headers }, body: JSON.stringify(value) };
}

function pgrstError(status, code, message, { details = null, hint = null, headers = {} } = {}) {
  return jsonResponse(status, { code, details, hint, message },
    { 'Proxy-Status': `PostgREST; error=${code}`, ...headers });
}

/** HTTP status for a PostgreSQL SQLSTATE. `authenticated`: the request's role is not the anon role. */
function statusForSqlState(code, message, authenticated) {
  const is = (prefix) => code.startsWith(prefix);
  switch (code) {
    case '23503': case '23505': return 409;
    case '25006': return 405;
    case '21000': return message.endsWith('requires a WHERE clause') ? 400 : 500;
    case '22023': return message.startsWith('role') && message.endsWith('does not exist') ? 401 : 400;
    case '53400': return 500;
    case '57P01': return 503;
    case 'P0001': return 400;
    case '42883': return message.startsWith('function xmlagg(') ? 406 : 404;
    case '42P01': return 404;
    case '42P17': return 500;
    case '42501': return authenticated ? 403 : 401;
    default: break;
  }
  if (is('08')) return 503;
  if (is('09')) return 500;
  if (is('0L') || is('0P')) return 403;
  if (is('25')) return 500;
  if (is('28')) return 403;
  if (['2D', '38', '39', '3B', '40', '54', '55', '57', '58', 'F0', 'HV', 'P0', 'XX'].some(is)) return 500;
  if (is('53')) return 503;
  if (is('PT')) {
    const n = Number(code.slice(2));
    return Number.isInteger(n) && n >= 100 && n <= 599 ? n : 500;
  }
  return 400;
}

const isString = (v) => typeof v === 'string';
const optionalString = (v) => v === undefined || v === null || isString(v);

/**
 * RAISE SQLSTATE 'PGRST' (PostgREST's "full response control"): MESSAGE is a JSON object
 * {code, message[, details][, hint]} giving the body, DETAIL a JSON object {status, headers[, status_text]}
 * giving the status and extra headers. Unparseable JSON is PostgREST's 500 PGRST121.
 */
function fromRaisePgrst(err) {
  const parse = (text) => { try { return JSON.parse(text); } catch { return undefined; } };
  const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);
  const body = parse(err.message);
  if (!isObject(body) || !isString(body.code) || !isString(body.message)
      || !optionalString(body.details) || !optionalString(body.hint)) {
    return pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error', {
      details: `Invalid JSON value for MESSAGE: '${err.message}'`,
      hint: "MESSAGE must be a JSON object with obligatory keys: 'code', 'message' and optional keys: 'details', 'hint'.",
    });
  }
  const detailHint = "DETAIL must be a JSON object with obligatory keys: 'status', 'headers' and optional key: 'status_text'.";
  if (err.detail === undefined || err.detail === null) {
    return pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
      { details: 'DETAIL is missing in the RAISE statement', hint: detailHint });
  }
  const control = parse(err.detail);
  if (!isObject(control) || !Number.isInteger(control.status) || control.status < 100 || control.status > 599
      || !isObject(control.headers) || !Object.values(control.headers).every(isString)
      || !optionalString(control.status_text)) {
    return pgrstError(500, 'PGRST121', 'Could not parse JSON in the "RAISE SQLSTATE \'PGRST\'" error',
      { details: `Invalid JSON value for DETAIL: '${err.detail}'`, hint: detailHint });
  }
  return pgrstError(control.status, body.code, body.message, {
    details: body.details ?? null,
    hint: body.hint ?? null,
    headers: control.headers,
  });
}

/** A pg DatabaseError (has a SQLSTATE) as PostgREST reports it. */
function fromDatabaseError(err, authenticated) {
  if (err.code === 'PGRST') return fromRaisePgrst(err);
  const status = statusForSqlState(err.code, err.message, authenticated);
  return pgrstError(status, err.code, err.message, {
    details: err.detail ?? null,
    hint: err.hint ?? null,
    headers: status === 401 ? { 'WWW-Authenticate': 'Bearer' } : {},
  });
}

const errors = {
  // Supabase API gateway (in front of PostgREST)
  noApiKey: () => jsonResponse(401, {
    message: 'No API key found in request',
    hint: 'No `apikey` request header or url param was found.',
  }),
  invalidApiKey: () => jsonResponse(401, {
    message: 'Invalid API key',
    hint: 'Double check your Supabase `anon` or `service_role` API key.',
  }),
  payloadTooLarge: () => jsonResponse(413, { message: 'Payload too large' }, { Connection: 'close' }),

  // PostgREST
  jwt: (e) => pgrstError(401, e.code, e.message, {
    details: e.details,
    headers: { 'WWW-Authenticate': `Bearer error="invalid_token", error_description=${JSON.stringify(e.message)}` },
  }),
  connection: (err) => pgrstError(503, 'PGRST000', 'Database connection error. Retrying the connection.',
    { details: err.message || String(err) }),
  client: (err) => pgrstError(503, 'PGRST001', 'Database client error. Retrying the connection.',
    { details: err.message || String(err) }),
  schemaCacheNotLoaded: () => pgrstError(503, 'PGRST002',
    'Could not query the database for the schema cache. Retrying.'),
  queryParam: (message, details) => pgrstError(400, 'PGRST100', message, { details }),
  invalidBody: (message) => pgrstError(400, 'PGRST102', message),
  singularity: (n) => pgrstError(406, 'PGRST116', 'Cannot coerce the result to a single JSON object',
    { details: `The result contains ${n} rows` }),
  unsupportedMethod: (method) => pgrstError(405, 'PGRST117', `Unsupported HTTP method: ${method}`),
  invalidPreferences: (prefs) => pgrstError(400, 'PGRST122', 'Invalid preferences given with handling=strict',
    { details: `Invalid preferences: ${prefs.join(', ')}` }),
  invalidPath: () => pgrstError(404, 'PGRST125', 'Invalid path specified in request URL'),
  columnNotFound: (table, column) => pgrstError(400, 'PGRST204',
    `Could not find the '${column}' column of '${table}' in the schema cache`),
  tableNotFound: (schema, table) => pgrstError(404, 'PGRST205',
    `Could not find the table '${schema}.${table}' in the schema cache`),
  internal: (err) => pgrstError(500, 'PGRSTX00', 'Internal error in the test gateway', { details: String(err) }),
};

module.exports = { errors, fromDatabaseError, jsonResponse, pgrstError, statusForSqlState, JSON_TYPE };
