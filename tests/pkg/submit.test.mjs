// Submitting from the installed package, in headless Chromium, against real PostgreSQL 15 with the
// project's migrations and RLS behind the test gateway (scripts/with-stack.sh starts both):
// privacy (no request carries the file's content), the IndexedDB outbox across a page closed
// mid-send, faults, typed errors, and the Node entry. Started by tests/pkg/run.sh.
import { after, before, test } from 'node:test';
import assert from 'node:assert/strict';
import crypto from 'node:crypto';
import { createRequire } from 'node:module';
import path from 'node:path';
import { ROOT, env, launchBrowser, openTestPage, startServer } from './harness.mjs';

const MODEL = env('VALUATION_MODEL_DIR');
const GATEWAY = env('GATEWAY_URL');
const db = createRequire(import.meta.url)(path.join(ROOT, 'tests/supabase/helpers.js'));

const USER = 'a1000000-0000-4000-8000-00000000000a';
const OTHER = 'a2000000-0000-4000-8000-00000000000b';
const DATASET = 'd1000000-0000-4000-8000-0000000000d1';
const MISSING_DATASET = 'd9000000-0000-4000-8000-0000000000d9';
const token = (sub = USER, options) => db.userToken(sub, options);
const sha256 = (text) => crypto.createHash('sha256').update(text).digest('hex');

let server;
let browser;
let base;
let admin;
let nodeValuator;

before(async () => {
  ({ server, base } = await startServer('submit', { '/model': MODEL }));
  browser = await launchBrowser();
  admin = await db.adminClient();
  await db.seed(admin, { users: [USER, OTHER], datasets: [{ id: DATASET, domain: 'prose', name: 'Submit tests' }] });
  const { createNodeValuator } = await import('@dataunion/valuation/node');
  nodeValuator = await createNodeValuator({ modelDir: MODEL });
});

after(async () => {
  await browser?.close();
  server?.kill();
  nodeValuator?.dispose();
  await admin?.end();
});

async function rows(where = 'true', params = []) {
  const { rows: found } = await admin.query(`select * from public.data_contributions where ${where} order by created_at`, params);
  return found;
}

const faults = (schedule) => db.control('POST', '/__faults', schedule);
const clearFaults = () => db.control('DELETE', '/__faults');
/** The inserts the gateway has answered (or dropped) since the last clear; preflights left out. */
const inserts = async () => (await db.control('GET', '/__faults')).json.log.filter((e) => e.method === 'POST');

/** Distinct small files, valued natively by the package's Node entry (same wasm, same model). */
function reports(label, n) {
  return Array.from({ length: n }, (_, i) => {
    const text = `${label} file ${i}: the river rose in the spring of that year, and the farmers moved their herds to the hills.\n`
      + `Letter ${i} of the ${label} series describes the harvest, the market prices and the roads after the flood.\n`;
    return nodeValuator.valuate(new TextEncoder().encode(text));
  });
}

/** Runs `createSubmitter` in the page with these options (functions cannot cross: token is a string). */
function submitterIn(page, options) {
  return page.evaluate((o) => {
    window.submitter = window.valuation.createSubmitter(o);
    return true;
  }, { supabaseUrl: GATEWAY, anonKey: db.anonKey(), datasetId: DATASET, retryIntervalMs: 0, ...options });
}

test('privacy: a file with a unique canary is valued and submitted; no request carries the canary or any of its lines', async () => {
  const canary = `canary-${crypto.randomUUID()}`;
  const lines = [
    `Minutes of the harvest committee, recorded by ${canary} for the village archive.`,
    'The committee agreed that the eastern fields would be left fallow for one season.',
    `Questions about the schedule go to ${canary}@example.org or to the clerk's office.`,
    'Prices at the autumn market were higher than last year because of the dry summer.',
    `The treasurer, ${canary}, reported that the grain store was repaired before the rains.`,
  ];
  const text = `${lines.join('\n')}\n`;
  const context = await browser.newContext();
  const seen = [];
  context.on('request', (r) => seen.push((async () => ({
    url: r.url(), method: r.method(), headers: await r.allHeaders(), body: r.postDataBuffer() ?? Buffer.alloc(0),
  }))()));
  const page = await openTestPage(context, base);
  await submitterIn(page, { accessToken: token(), outbox: 'privacy' });
  const result = await page.evaluate(async (fileText) => {
    const valuator = window.valuation.createValuator({ model: { baseUrl: '/model/' } });
    try {
      const report = await valuator.valuate(new File([fileText], 'minutes.txt'));
      const submitted = await window.submitter.submit(report);
      return { report, submitted, pending: await window.submitter.pending() };
    } finally {
      valuator.dispose();
    }
  }, text);
  const requests = await Promise.all(seen);
  await context.close();

  assert.equal(result.submitted.status, 'sent');
  assert.equal(result.pending, 0);
  assert.equal(result.report.file.sha256, sha256(text));
  assert.ok(result.report.flags.some((f) => f.code === 'pii_email'), 'the email is flagged (as a count)');

  const posts = requests.filter((r) => r.method === 'POST' && r.url.includes('/rest/v1/data_contributions'));
  assert.equal(posts.length, 1, 'exactly one insert request was seen (the check below is not vacuous)');
  const sent = JSON.parse(posts[0].body.toString('utf8'));
  assert.deepEqual(Object.keys(sent[0]).sort(), ['byte_size', 'content_sha256', 'dataset_id', 'detected_type', 'flags',
    'model_id', 'quality_score', 'scorer_version', 'sub_scores']);
  assert.equal(sent[0].flags.pii_email, 1, "the one address, as a count");

  const needles = [canary, ...lines, ...lines.flatMap((l) => l.split(/[.,]/).map((s) => s.trim()).filter((s) => s.length >= 12))];
  for (const r of requests) {
    const haystacks = [r.url, JSON.stringify(r.headers), r.body.toString('utf8'), r.body.toString('latin1'),
      decodeURIComponent(r.url)];
    for (const needle of needles) {
      assert.ok(!haystacks.some((h) => h.includes(needle)), `${r.method} ${r.url} carries file content: ${needle.slice(0, 40)}`);
    }
  }
  assert.ok(!requests.some((r) => 'referer' in r.headers && r.url.includes('/rest/v1/')), 'no Referer to Supabase');

  const stored = await rows('content_sha256 = $1', [sha256(text)]);
  assert.equal(stored.length, 1);
  assert.equal(stored[0].contributor_id, USER);
  assert.ok(!JSON.stringify(stored[0]).includes(canary));
});

test('a page closed mid-send and reopened sends the rest from the outbox: every record stored exactly once', async () => {
  const batch = reports('outbox', 12);
  const context = await browser.newContext();
  const first = await openTestPage(context, base);
  await submitterIn(first, { accessToken: token(), outbox: 'close-test' });
  // 1st insert passes; the 2nd commits and then hangs: the page never hears that it worked.
  await clearFaults();
  await faults([{ action: 'pass' }, { action: 'pass', hold_ms: 5000 }]);
  assert.equal((await first.evaluate((r) => window.submitter.submit(r), batch[0])).status, 'sent');
  await first.evaluate((r) => { window.submitter.submit(r); }, batch[1]);
  await waitFor(async () => (await inserts()).length === 1 && (await rows('content_sha256 = $1', [batch[1].file.sha256])).length === 1,
    'the second insert is committed (and held)');
  // The other ten go into the outbox behind the hanging send.
  await first.evaluate((rest) => { for (const r of rest) window.submitter.submit(r); }, batch.slice(2));
  await waitFor(() => first.evaluate(() => window.submitter.pending()).then((n) => n === 11), '11 records waiting in the outbox');
  await first.close();

  const hashes = batch.map((r) => r.file.sha256);
  assert.equal((await rows('content_sha256 = any($1)', [hashes])).length, 2, 'only records 1 and 2 reached the database');

  const second = await openTestPage(context, base);
  await submitterIn(second, { accessToken: token(), outbox: 'close-test' });
  const started = await second.evaluate(() => window.submitter.started.then((r) => ({ ...r, error: r.error?.code ?? null })));
  assert.deepEqual(started, { sent: 11, queued: 0, rejected: [], error: null });
  assert.equal(await second.evaluate(() => window.submitter.pending()), 0);
  await context.close();

  const stored = await rows('content_sha256 = any($1)', [hashes]);
  assert.equal(stored.length, 12, 'every record exactly once (the unacknowledged one was not duplicated)');
  assert.equal(new Set(stored.map((r) => r.content_sha256)).size, 12);
  assert.ok(stored.every((r) => r.contributor_id === USER && r.dataset_id === DATASET));
  // The held request answers into a closed socket; wait for it so it cannot blur the next test.
  await waitFor(async () => (await inserts()).length === 3, 'the held request ended');
  await clearFaults();
});

test('server down: the record is queued, survives a reload, and goes out once the server is back', async () => {
  const [report] = reports('down', 1);
  const context = await browser.newContext();
  const page = await openTestPage(context, base);
  await clearFaults();
  await faults([{ action: 'status', status: 503, times: 'always' }]);
  await submitterIn(page, { accessToken: token(), outbox: 'down-test', retry: { maxAttempts: 2, baseDelayMs: 20 } });
  const queued = await page.evaluate(async (r) => {
    const result = await window.submitter.submit(r);
    return { status: result.status, code: result.error?.code, transient: result.error?.transient, name: result.error?.name,
      pending: await window.submitter.pending() };
  }, report);
  assert.deepEqual(queued, { status: 'queued', code: 'server_error', transient: true, name: 'SubmitError', pending: 1 });
  assert.equal((await rows('content_sha256 = $1', [report.file.sha256])).length, 0);
  await clearFaults();

  await page.reload();
  await page.waitForFunction(() => document.title === 'ready');
  await submitterIn(page, { accessToken: token(), outbox: 'down-test' });
  assert.equal(await page.evaluate(() => window.submitter.started.then((r) => r.sent)), 1);
  await context.close();
  assert.equal((await rows('content_sha256 = $1', [report.file.sha256])).length, 1);
});

test('429 with Retry-After: the browser reads the header (CORS-exposed) and waits it out', async () => {
  const [report] = reports('rate', 1);
  const context = await browser.newContext();
  const page = await openTestPage(context, base);
  await clearFaults();
  await faults([{ action: 'status', status: 429, retry_after: 1 }]);
  await submitterIn(page, { accessToken: token(), outbox: false });
  assert.equal(await page.evaluate((r) => window.submitter.submit(r).then((x) => x.status), report), 'sent');
  await context.close();
  const log = await inserts();
  assert.equal(log.length, 2);
  assert.equal(log[0].status, 429);
  assert.equal(log[1].status, 201);
  assert.ok(log[1].t_ms - log[0].t_ms >= 1000, `waited ${log[1].t_ms - log[0].t_ms} ms, Retry-After said 1 s`);
  await clearFaults();
});

test('typed errors: an expired session keeps the record for a fresh token; refused records are dropped with a reason', async () => {
  const [expired, missing, noModel] = reports('errors', 3);
  const context = await browser.newContext();
  const page = await openTestPage(context, base);
  await submitterIn(page, { accessToken: token(USER, { expiresIn: -60 }), outbox: 'errors-test' });
  const outcome = await page.evaluate(async ({ expired, missing, noModel, fresh, anon, missingDataset }) => {
    const s = window.submitter;
    const err = (e) => ({ name: e.name, code: e.code, status: e.status ?? null, transient: e.transient, pg: e.postgrest?.code ?? null });
    const out = {};
    const first = await s.submit(expired);
    out.expired = { result: first.status, ...err(first.error), pending: await s.pending() };
    s.setAccessToken(fresh); // sends what waited for a session
    await s.flush();
    out.afterRefresh = { pending: await s.pending() };
    out.missing = await s.submit(missing, { datasetId: missingDataset }).then(() => 'resolved', err);
    out.pendingAfterMissing = await s.pending();
    out.noModel = await s.submit({ ...noModel, model: null }).then(() => 'resolved', err);
    out.notAReport = await s.submit({ hello: 'world' }).then(() => 'resolved', err);
    s.setAccessToken(anon);
    out.anon = await s.submit(noModel).then(() => 'resolved', err);
    out.instance = await s.submit(noModel).catch((e) => e instanceof window.valuation.SubmitError && e instanceof window.valuation.ValuationError);
    return out;
  }, { expired, missing, noModel, fresh: token(), anon: db.anonKey(), missingDataset: MISSING_DATASET });
  await context.close();

  assert.deepEqual(outcome.expired, { result: 'queued', name: 'SubmitError', code: 'expired_token', status: 401, transient: false, pg: 'PGRST303', pending: 1 });
  assert.deepEqual(outcome.afterRefresh, { pending: 0 });
  assert.deepEqual(outcome.missing, { name: 'SubmitError', code: 'missing_reference', status: 409, transient: false, pg: '23503' });
  assert.equal(outcome.pendingAfterMissing, 0, 'a record the database refuses for good leaves the outbox');
  assert.deepEqual(outcome.noModel, { name: 'SubmitError', code: 'no_model', status: null, transient: false, pg: null });
  assert.equal(outcome.notAReport.code, 'invalid_argument');
  assert.deepEqual(outcome.anon, { name: 'SubmitError', code: 'unauthorized', status: null, transient: false, pg: null });
  assert.equal(outcome.instance, true);
  assert.equal((await rows('content_sha256 = $1', [expired.file.sha256])).length, 1);
  assert.equal((await rows('content_sha256 = $1', [missing.file.sha256])).length, 0);
});

test('Node: createNodeSubmitter sends with the same Rust client over Node\'s fetch; a resubmit stores nothing new', async () => {
  const { createNodeSubmitter, SubmitError } = await import('@dataunion/valuation/node');
  const batch = reports('node', 3);
  const submitter = createNodeSubmitter({ supabaseUrl: GATEWAY, anonKey: db.anonKey(), accessToken: token(OTHER), datasetId: DATASET });
  try {
    for (const report of batch) assert.equal((await submitter.submit(report)).status, 'sent');
    assert.equal((await submitter.submit(batch[0])).status, 'sent', 'a resubmit is not an error');
    await assert.rejects(submitter.submit(batch[0], { datasetId: 'not-a-uuid' }), (e) => e instanceof SubmitError && e.code === 'invalid_record');
  } finally {
    submitter.dispose();
  }
  const stored = await rows('content_sha256 = any($1)', [batch.map((r) => r.file.sha256)]);
  assert.equal(stored.length, 3);
  assert.ok(stored.every((r) => r.contributor_id === OTHER));
});

/** A real supabase-js client signed in as `sub`, with no auth server: the session is recovered
 * from its storage at start-up, as after a page reload. */
async function supabaseClient(sub) {
  const { createClient } = await import('@supabase/supabase-js');
  const { default: ws } = await import('ws'); // Node 20 has no WebSocket; realtime is built eagerly
  const storage = new Map();
  if (sub) {
    const access_token = token(sub);
    const expires_at = Math.floor(Date.now() / 1000) + 3600;
    storage.set('test-session', JSON.stringify({ access_token, refresh_token: 'unused', token_type: 'bearer',
      expires_in: 3600, expires_at, user: { id: sub, aud: 'authenticated', role: 'authenticated' } }));
  }
  return createClient(GATEWAY, db.anonKey(), {
    auth: { storageKey: 'test-session', autoRefreshToken: false, detectSessionInUrl: false,
      storage: { getItem: (k) => storage.get(k) ?? null, setItem: (k, v) => storage.set(k, v), removeItem: (k) => storage.delete(k) } },
    realtime: { transport: ws },
  });
}

test('Supabase interop: createNodeSubmitter({ supabase }) takes the URL, key and session from a real supabase-js client; trySubmit gives { data, error }', async () => {
  const { createNodeSubmitter } = await import('@dataunion/valuation/node');
  const [report] = reports('supabase-js', 1);
  const client = await supabaseClient(OTHER);
  const submitter = createNodeSubmitter({ supabase: client, datasetId: DATASET });
  try {
    const { data, error } = await submitter.trySubmit(report);
    assert.equal(error, null);
    assert.equal(data.status, 'sent');
    const refused = await submitter.trySubmit(report, { datasetId: 'not-a-uuid' });
    assert.equal(refused.data, null);
    assert.equal(refused.error.code, 'invalid_record', 'a refusal is returned, not thrown');
  } finally {
    submitter.dispose();
  }
  const stored = await rows('content_sha256 = $1', [report.file.sha256]);
  assert.deepEqual(stored.map((r) => r.contributor_id), [OTHER], 'stored once, as the client\'s signed-in user');

  const signedOut = createNodeSubmitter({ supabase: await supabaseClient(null), datasetId: DATASET, flushOnStart: false });
  try {
    const { data, error } = await signedOut.trySubmit(report);
    assert.equal(data, null);
    assert.equal(error.code, 'unauthorized', 'no session in the client: sign in first');
  } finally {
    signedOut.dispose();
  }
  const { SubmitError } = await import('@dataunion/valuation/node');
  assert.throws(() => createNodeSubmitter({ supabase: {} }), (e) => e instanceof SubmitError && e.code === 'invalid_config'
    && /pass \{ supabaseUrl, anonKey \}/.test(e.message));
});

async function waitFor(check, what, ms = 20000) {
  const end = Date.now() + ms;
  while (Date.now() < end) {
    if (await check()) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`timed out waiting until ${what}`);
}

test('a flush whose batch holds one record the database refuses sends the others and reports that one', async () => {
  const { createNodeSubmitter } = await import('@dataunion/valuation/node');
  const [a, refused, b] = reports('isolate', 3);
  const submitter = createNodeSubmitter({ supabaseUrl: GATEWAY, anonKey: db.anonKey(), accessToken: token(OTHER), datasetId: DATASET,
    retry: { maxAttempts: 1 }, retryIntervalMs: 0 });
  try {
    await clearFaults();
    await faults([{ action: 'status', status: 503, times: 'always' }]);
    assert.equal((await submitter.submit(a)).status, 'queued');
    assert.equal((await submitter.submit(refused, { datasetId: MISSING_DATASET })).status, 'queued');
    assert.equal((await submitter.submit(b)).status, 'queued');
    assert.equal(await submitter.pending(), 3);
    await clearFaults();
    const result = await submitter.flush();
    assert.equal(result.sent, 2);
    assert.equal(result.queued, 0);
    assert.deepEqual(result.rejected.map((r) => [r.record.content_sha256, r.error.code]), [[refused.file.sha256, 'missing_reference']]);
    assert.equal(await submitter.pending(), 0);
  } finally {
    submitter.dispose();
  }
  assert.equal((await rows('content_sha256 = any($1)', [[a.file.sha256, b.file.sha256, refused.file.sha256]])).length, 2);
});
