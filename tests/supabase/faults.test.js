'use strict';
// Fault injection of the test gateway, which the submit client's retry tests will drive:
// 503, 429 + Retry-After, dropped connections (before and after the database commit), delays,
// matching by method/path, repetition, the request log, and a schedule given by environment.

const { test, before, after, beforeEach } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const U = '44444444-4444-4444-8444-444444444444';
const DS = 'd2000000-0000-4000-8000-000000000001';
const DEDUPE = 'on_conflict=dataset_id,contributor_id,content_sha256';

let db;
const faults = (method, body) => h.control(method, '/__faults', body);
const submit = (label, options = {}) => h.rest('data_contributions', {
  method: 'POST', token: h.userToken(U), body: h.contribution(DS, label),
  query: DEDUPE, prefer: 'resolution=ignore-duplicates', ...options,
});
const stored = async (label) => Number((await db.query(
  'select count(*) from public.data_contributions where content_sha256 = $1', [h.sha256(label)])).rows[0].count);

/** Resolves the network error of a request whose connection is dropped (fetch rejects). */
async function networkError(promise) {
  try {
    const res = await promise;
    assert.fail(`expected a dropped connection, got HTTP ${res.status}`);
  } catch (e) {
    if (e instanceof assert.AssertionError) throw e;
    return e;
  }
}

before(async () => {
  db = await h.adminClient();
  await h.seed(db, { users: [U], datasets: [{ id: DS, domain: 'faults', name: 'retry' }] });
});
beforeEach(async () => {
  assert.equal((await faults('DELETE')).status, 200);
});
after(async () => {
  await faults('DELETE');
  await db.end();
});

test('schedule 503, 429 + Retry-After, drop, then pass: each request consumes one entry', async () => {
  const set = await faults('POST', [
    { action: 'status', status: 503 },
    { action: 'status', status: 429, retry_after: 2 },
    { action: 'drop' },
  ]);
  assert.equal(set.status, 200);
  assert.equal(set.json.schedule.length, 3);

  const first = await submit('sched');
  assert.equal(first.status, 503);
  assert.deepEqual(first.json, { message: 'injected fault: HTTP 503' });
  assert.equal(first.headers.get('x-fault-injected'), 'status 503');

  const second = await submit('sched', { headers: { 'X-Retry-Count': '1' } });
  assert.equal(second.status, 429);
  assert.equal(second.headers.get('retry-after'), '2');

  const third = await networkError(submit('sched', { headers: { 'X-Retry-Count': '2' } }));
  assert.equal(third.name, 'TypeError'); // fetch failed: the socket closed without a response
  assert.equal(await stored('sched'), 0, 'faults "before" never reach the database');

  const fourth = await submit('sched', { headers: { 'X-Retry-Count': '3' } });
  assert.equal(fourth.status, 201, fourth.text);
  assert.equal(await stored('sched'), 1);

  const state = (await faults('GET')).json;
  assert.deepEqual(state.schedule, []);
  assert.deepEqual(state.log.map((e) => [e.fault, e.status, e.x_retry_count]), [
    ['status 503', 503, null], ['status 429', 429, '1'], ['drop', null, '2'], [null, 201, '3'],
  ]);
  assert.ok(state.log.every((e, i) => e.method === 'POST' && e.path.startsWith('/rest/v1/data_contributions?')
    && (i === 0 || e.t_ms >= state.log[i - 1].t_ms)));
});

test('drop after commit: the row is stored, the response is lost; the retry is harmless', async () => {
  await faults('POST', [{ action: 'drop', when: 'after' }]);
  await networkError(submit('lost-response'));
  assert.equal(await stored('lost-response'), 1);
  const retry = await submit('lost-response');
  assert.equal(retry.status, 201, retry.text);
  assert.equal(await stored('lost-response'), 1);
});

test('503 after commit: the client sees 503 although the row is stored', async () => {
  await faults('POST', [{ action: 'status', status: 503, when: 'after', retry_after: 1 }]);
  const res = await submit('late-503');
  assert.equal(res.status, 503);
  assert.equal(res.headers.get('retry-after'), '1');
  assert.equal(res.headers.get('x-fault-injected'), 'status 503 after');
  assert.equal(await stored('late-503'), 1);
});

test('times, method and path matching; OPTIONS preflights are never consumed by default', async () => {
  await faults('POST', { schedule: [{ action: 'status', status: 503, times: 2, method: 'POST', path: '/rest/v1/data_contributions' }] });
  const preflight = await fetch(`${h.env.gatewayUrl}/rest/v1/data_contributions`, { method: 'OPTIONS' });
  assert.equal(preflight.status, 200);
  const read = await h.rest('datasets', { token: h.userToken(U), query: 'select=id' });
  assert.equal(read.status, 200, 'GET does not match a POST entry');
  assert.equal((await submit('times')).status, 503);
  assert.equal((await submit('times')).status, 503);
  assert.equal((await submit('times')).status, 201);
});

test('"always" repeats until cleared; append adds to the schedule; custom body and headers', async () => {
  await faults('POST', [{
    action: 'status', status: 500, times: 'always', path: '/rest/v1/datasets',
    body: { code: 'PGRST000', details: null, hint: null, message: 'Database connection error. Retrying the connection.' },
    headers: { 'Proxy-Status': 'PostgREST; error=PGRST000' },
  }]);
  await faults('POST', { schedule: [{ action: 'status', status: 502, body: 'Bad Gateway' }], append: true });
  for (let i = 0; i < 3; i++) {
    const res = await h.rest('datasets', { token: h.userToken(U) });
    assert.equal(res.status, 500);
    assert.equal(res.json.code, 'PGRST000');
    assert.equal(res.headers.get('proxy-status'), 'PostgREST; error=PGRST000');
  }
  const other = await submit('append');
  assert.equal(other.status, 502);
  assert.equal(other.text, 'Bad Gateway');
  assert.equal((await faults('GET')).json.schedule.length, 1);
  await faults('DELETE');
  assert.equal((await h.rest('datasets', { token: h.userToken(U) })).status, 200);
});

test('delay_ms delays the response (for client timeouts)', async () => {
  await faults('POST', [{ action: 'delay', delay_ms: 300 }]);
  const started = Date.now();
  const res = await submit('delayed');
  assert.equal(res.status, 201, res.text);
  assert.ok(Date.now() - started >= 290, `took ${Date.now() - started} ms`);
});

test('invalid schedules are refused with 400', async () => {
  for (const bad of [{ nope: 1 }, [{ action: 'explode' }], [{ action: 'status' }], [{ action: 'drop', times: 0 }],
    [{ action: 'status', status: 503, when: 'later' }], [{ action: 'pass', colour: 'red' }]]) {
    const res = await faults('POST', bad);
    assert.equal(res.status, 400, JSON.stringify(bad));
    assert.equal(typeof res.json.message, 'string');
  }
  const notJson = await fetch(`${h.env.gatewayUrl}/__faults`, { method: 'POST', body: '[{' });
  assert.equal(notJson.status, 400);
});

test('a schedule from the environment (GATEWAY_FAULTS) applies from the first request', async () => {
  const gateway = await h.startGateway({
    db: h.env.pgDb,
    extraEnv: { GATEWAY_FAULTS: JSON.stringify([{ action: 'status', status: 429, retry_after: 1 }, { action: 'drop' }]) },
  });
  try {
    const first = await submit('from-env', { baseUrl: gateway.url });
    assert.equal(first.status, 429);
    assert.equal(first.headers.get('retry-after'), '1');
    await networkError(submit('from-env', { baseUrl: gateway.url }));
    assert.equal((await submit('from-env', { baseUrl: gateway.url })).status, 201);
  } finally {
    await gateway.stop();
  }
});
