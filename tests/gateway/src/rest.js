'use strict';
// /rest/v1/<table>: the request pipeline in PostgREST's order: API key and JWT, method, query
// string, preferences, body, then the schema cache (table, columns), then one transaction.

const { authenticate } = require('./auth');
const { errors, fromDatabaseError, jsonResponse } = require('./errors');
const { parsePrefer } = require('./prefer');
const { parseQuery, QueryParamError } = require('./query-params');
const { inRequestTransaction, ConnectionError, DatabaseError } = require('./db');
const { handleInsert, parseInsertBody } = require('./insert');
const { handleRead } = require('./read');
const { PREFLIGHT_HEADERS } = require('./http-io');

const PREFIX = '/rest/v1/';

/**
 * Percent-decoding as PostgREST's HTTP stack (Warp, http-types' urlDecode) does it: leniently.
 * A valid %XX is a byte, anything else (a lone %, %E0%A, non-hex) stays as it is, and the bytes
 * are read as UTF-8 with invalid sequences replaced (U+FFFD). So a malformed escape names a table
 * that does not exist (404 PGRST205), never a 500 from decodeURIComponent's URIError.
 */
function decodePathSegment(raw) {
  const bytes = [];
  for (let i = 0; i < raw.length; i++) {
    const hex = raw.slice(i + 1, i + 3);
    if (raw[i] === '%' && /^[0-9A-Fa-f]{2}$/.test(hex)) {
      bytes.push(parseInt(hex, 16));
      i += 2;
    } else {
      bytes.push(...Buffer.from(raw[i], 'utf8'));
    }
  }
  return Buffer.from(bytes).toString('utf8');
}

async function handleRest({ req, url, bodyText, config, cache, pool }) {
  if (!url.pathname.startsWith(PREFIX)) return jsonResponse(404, { message: 'no Route matched with those values' });
  if (req.method === 'OPTIONS') return { status: 200, headers: PREFLIGHT_HEADERS, body: '' };
  const name = decodePathSegment(url.pathname.slice(PREFIX.length));
  if (name === '' || name.includes('/')) return errors.invalidPath();

  const auth = authenticate(req.headers, url.searchParams, config);
  if (auth.response) return auth.response;
  if (!['GET', 'HEAD', 'POST'].includes(req.method)) return errors.unsupportedMethod(req.method);

  let query;
  try {
    query = parseQuery(url.searchParams);
  } catch (e) {
    if (e instanceof QueryParamError) return errors.queryParam(e.message, e.details);
    throw e;
  }
  const prefs = parsePrefer(req.headers.prefer);
  if (prefs.handling === 'strict' && prefs.invalid.length > 0) return errors.invalidPreferences(prefs.invalid);

  let rows = null;
  if (req.method === 'POST') {
    const parsed = parseInsertBody(bodyText);
    if (parsed.response) return parsed.response;
    rows = parsed.rows;
  }

  if (!cache.loaded) return errors.schemaCacheNotLoaded();
  const table = cache.table(name);
  if (!table) return errors.tableNotFound(config.schema, name);

  const run = ({ readOnly }, statement) => inRequestTransaction(pool, {
    readOnly,
    schema: config.schema,
    roleSettings: cache.roleSettings(auth.role),
    role: auth.role,
    claims: auth.claims,
    method: req.method,
    path: `/${name}`,
    headers: req.headers,
  }, async (client) => (await client.query(statement)).rows[0]);

  try {
    if (req.method === 'POST') return await handleInsert({ table, rows, query, prefs, run });
    const search = new URLSearchParams([...url.searchParams].filter(([k]) => k !== 'apikey')).toString();
    return await handleRead({ table, query, prefs, accept: req.headers.accept, search, run });
  } catch (err) {
    if (err instanceof DatabaseError) return fromDatabaseError(err, auth.role !== config.anonRole);
    if (err instanceof ConnectionError) return err.phase === 'connect' ? errors.connection(err) : errors.client(err);
    throw err;
  }
}

module.exports = { handleRest, decodePathSegment };
