'use strict';
// One request = one transaction, set up exactly as PostgREST does it (src/PostgREST/Query.hs):
//   BEGIN ISOLATION LEVEL READ COMMITTED READ WRITE|READ ONLY;
//   select set_config('search_path', ...), <role settings>, set_config('role', $role, true),
//          set_config('request.jwt.claims', $claims, true), request.method/path/headers/cookies;
//   <statement>; COMMIT   (ROLLBACK on error)
// set_config(..., true) is SET LOCAL; the role switch is SET LOCAL ROLE.

const pg = require('pg');

/** The database could not be reached ('connect') or the connection failed mid-request ('query'). */
class ConnectionError extends Error {
  constructor(cause, phase) {
    super(cause.message);
    this.cause = cause;
    this.phase = phase;
  }
}

function createPool({ databaseUrl, poolSize }, log) {
  const pool = new pg.Pool({
    connectionString: databaseUrl,
    max: poolSize,
    connectionTimeoutMillis: 5000,
    idleTimeoutMillis: 10000,
    application_name: 'pgrst-test-gateway',
  });
  pool.on('error', (err) => log(`idle database connection failed: ${err.message}`));
  return pool;
}

function requestSettings({ schema, roleSettings, role, claims, method, path, headers }) {
  return [
    ['search_path', `"${schema}", "extensions"`],
    ...roleSettings,
    ['role', role],
    ['request.jwt.claims', JSON.stringify(claims)],
    ['request.method', method],
    ['request.path', path],
    ['request.headers', JSON.stringify(headers)],
    ['request.cookies', '{}'],
  ];
}

/**
 * Run fn(client) inside a PostgREST-style request transaction. Database errors (with a
 * SQLSTATE) are rethrown as they are; failures to reach or keep the server as ConnectionError.
 */
async function inRequestTransaction(pool, context, fn) {
  let client;
  try {
    client = await pool.connect();
  } catch (err) {
    throw new ConnectionError(err, 'connect');
  }
  let broken = false;
  try {
    await client.query(`BEGIN ISOLATION LEVEL READ COMMITTED ${context.readOnly ? 'READ ONLY' : 'READ WRITE'}`);
    const settings = requestSettings(context);
    const calls = settings.map((_, i) => `set_config($${2 * i + 1}, $${2 * i + 2}, true)`);
    await client.query(`select ${calls.join(', ')}`, settings.flat());
    const result = await fn(client);
    await client.query('COMMIT');
    return result;
  } catch (err) {
    if (!(err instanceof pg.DatabaseError)) {
      broken = true;
      throw new ConnectionError(err, 'query');
    }
    await client.query('ROLLBACK').catch(() => { broken = true; });
    throw err;
  } finally {
    client.release(broken);
  }
}

module.exports = { createPool, inRequestTransaction, ConnectionError, DatabaseError: pg.DatabaseError };
