'use strict';
// Shared by the tests in this folder. They run under tests/supabase/run.sh, which starts a fresh
// PostgreSQL 15 and the test gateway and exports:
//   GATEWAY_URL  http://127.0.0.1:<port>          (gateway on database PG_DB)
//   PG_PORT, PG_DB                                 (superuser: postgres, trust auth on 127.0.0.1)
//   JWT_SECRET                                     (the gateway's HS256 secret)

const path = require('node:path');
const crypto = require('node:crypto');
const { spawn, spawnSync } = require('node:child_process');
const { createRequire } = require('node:module');

const ROOT = path.resolve(__dirname, '../..');
const GATEWAY_DIR = path.join(ROOT, 'tests/gateway');
const gatewayRequire = createRequire(path.join(GATEWAY_DIR, 'package.json'));
const pg = gatewayRequire('pg');
const keys = require('../gateway/src/keys');

function requiredEnv(name) {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run these tests through tests/supabase/run.sh`);
  return value;
}

const env = {
  get gatewayUrl() { return requiredEnv('GATEWAY_URL'); },
  get pgPort() { return requiredEnv('PG_PORT'); },
  get pgDb() { return requiredEnv('PG_DB'); },
  get jwtSecret() { return process.env.JWT_SECRET || keys.DEFAULT_JWT_SECRET; },
};

const anonKey = () => keys.apiKey('anon', env.jwtSecret);
const serviceRoleKey = () => keys.apiKey('service_role', env.jwtSecret);
const userToken = (sub, options = {}) => keys.userToken(sub, { secret: env.jwtSecret, ...options });

const adminUrl = (db) => `postgres://postgres@127.0.0.1:${env.pgPort}/${db}`;
const authenticatorUrl = (db) => `postgres://authenticator@127.0.0.1:${env.pgPort}/${db}`;

/** A connected superuser client on `db` (default: the gateway's database). Call .end(). */
async function adminClient(db = env.pgDb) {
  const client = new pg.Client({ connectionString: adminUrl(db) });
  await client.connect();
  return client;
}

/** `supabase db reset` for another database of the test cluster: platform stand-in + migrations. */
function resetDatabase(db) {
  const result = spawnSync(path.join(ROOT, 'scripts/pg.sh'), ['reset', env.pgPort, db], { encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`pg.sh reset ${db} failed:\n${result.stderr}`);
}

function applySqlFile(db, file) {
  const psql = path.join(process.env.PGBIN || '/usr/lib/postgresql/15/bin', 'psql');
  return spawnSync(psql, ['-X', '-q', '-v', 'ON_ERROR_STOP=1', '-h', '127.0.0.1', '-p', env.pgPort,
    '-U', 'postgres', '-d', db, '-f', file], { encoding: 'utf8', env: { ...process.env, PGOPTIONS: '-c client_min_messages=warning' } });
}

/** Deterministic lowercase hex SHA-256 of a label (stands in for a file's content hash). */
const sha256 = (label) => crypto.createHash('sha256').update(String(label)).digest('hex');

/** A valid contribution record as the submit client sends it (contributor_id defaults to the JWT sub). */
function contribution(datasetId, label, overrides = {}) {
  return {
    dataset_id: datasetId,
    content_sha256: sha256(label),
    byte_size: 1234,
    detected_type: 'text',
    quality_score: 87.5,
    sub_scores: { quality: 90, repetition: 100, coherence: 80, structure: null },
    flags: { pii_email: 2 },
    model_id: 'sentence-transformers/all-MiniLM-L6-v2',
    scorer_version: '1.0.0',
    ...overrides,
  };
}

/**
 * HTTP to a gateway. options: method, query (string), headers, body (object/array -> JSON,
 * string -> as is), apikey (default: anon key; null: none), token (user JWT; default none),
 * prefer, baseUrl. Resolves { status, headers, text, json }.
 */
async function rest(table, { method = 'GET', query = '', headers = {}, body, apikey = anonKey(), token, prefer,
  baseUrl = env.gatewayUrl } = {}) {
  const h = { ...headers };
  if (apikey !== null) h.apikey = apikey;
  if (token !== undefined) h.Authorization = `Bearer ${token}`;
  if (prefer) h.Prefer = prefer;
  let payload;
  if (body !== undefined) {
    payload = typeof body === 'string' ? body : JSON.stringify(body);
    h['Content-Type'] ??= 'application/json';
  }
  const response = await fetch(`${baseUrl}/rest/v1/${table}${query ? `?${query}` : ''}`, { method, headers: h, body: payload });
  const text = await response.text();
  let json;
  try { json = text === '' ? undefined : JSON.parse(text); } catch { json = undefined; }
  return { status: response.status, headers: response.headers, text, json };
}

/** Start an extra gateway (dies with this process: --exit-on-stdin-close). Resolves { url, stop }. */
async function startGateway({ db, extraEnv = {}, args = [] }) {
  const child = spawn(process.execPath, [path.join(GATEWAY_DIR, 'src/server.js'), '--port', '0',
    '--database-url', authenticatorUrl(db), '--exit-on-stdin-close', ...args], {
    env: { ...process.env, GATEWAY_FAULTS: '', ...extraEnv, JWT_SECRET: env.jwtSecret },
    stdio: ['pipe', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr.on('data', (d) => { stderr += d; });
  const port = await new Promise((resolve, reject) => {
    let stdout = '';
    const timer = setTimeout(() => reject(new Error(`gateway did not start in 10 s:\n${stderr}`)), 10000);
    child.stdout.on('data', (d) => {
      stdout += d;
      const m = /listening on (\d+)/.exec(stdout);
      if (m) { clearTimeout(timer); resolve(Number(m[1])); }
    });
    child.on('exit', (code) => { clearTimeout(timer); reject(new Error(`gateway exited (${code}):\n${stderr}`)); });
  });
  const stop = () => new Promise((resolve) => {
    if (child.exitCode !== null) return resolve();
    child.once('exit', resolve);
    child.kill('SIGTERM');
  });
  return { url: `http://127.0.0.1:${port}`, stop, stderr: () => stderr };
}

/** Control endpoints of a gateway (/__faults, /__health, /__reload). */
async function control(method, route, body, baseUrl = env.gatewayUrl) {
  const response = await fetch(`${baseUrl}${route}`, {
    method,
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  return { status: response.status, json: await response.json() };
}

/** Insert auth.users rows (the trigger creates contributors) and datasets, as the operator would. */
async function seed(client, { users = [], datasets = [] }) {
  for (const id of users) await client.query('insert into auth.users (id) values ($1)', [id]);
  for (const d of datasets) {
    await client.query('insert into public.datasets (id, domain, name) values ($1, $2, $3)', [d.id, d.domain, d.name]);
  }
}

module.exports = {
  ROOT, pg, env, anonKey, serviceRoleKey, userToken, adminClient, resetDatabase, applySqlFile,
  sha256, contribution, rest, startGateway, control, seed, sign: require('../gateway/src/jwt').sign,
};
