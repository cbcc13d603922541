'use strict';
// Marketplace integrity (issue 13), over real HTTP through the test gateway on PostgreSQL 15:
// the listed quality counts each contributor once and is maintained incrementally, emptied
// datasets reset, the rate limit (100 per minute per contributor: 429 PT429 + Retry-After) and
// the daily quota hold, flag counts / sub-scores / model_id / scorer_version cannot smuggle
// data (400 23514), the same content is paid once per dataset (409 PT409), invite-only datasets
// admit members only (RLS), and a malformed path is a 4xx.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');
const { fromDatabaseError } = require('../gateway/src/errors');

const DEDUPE = 'on_conflict=dataset_id,contributor_id,content_sha256';
const user = (n) => `6${String(n).padStart(7, '0')}-0000-4000-8000-000000000000`;
const dataset = (n) => `d6000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

const HONEST = [user(1), user(2), user(3)];
const HOSTILE = user(4);
const LONE = user(5);
const RATE = user(6);
const RATE_CONCURRENT = user(7);
const QUOTA = user(8);
const CHECKS = user(9);
const FIRST = user(10);
const SECOND = user(11);
const MEMBER = user(12);
const OUTSIDER = user(13);
const RACE_A = user(14);
const RACE_B = user(15);

const DS_LISTING = dataset(1);
const DS_EMPTIED = dataset(2);
const DS_OTHER = dataset(3);
const DS_RATE = dataset(4);
const DS_QUOTA = dataset(5);
const DS_CONTENT = dataset(6);
const DS_INVITE = dataset(7);

let db;
const q = async (sql, params = []) => (await db.query(sql, params)).rows;
const submit = (sub, body, options = {}) => h.rest('data_contributions', {
  method: 'POST', token: h.userToken(sub), body, query: DEDUPE, prefer: 'resolution=ignore-duplicates', ...options,
});
const stored = async (where, params) =>
  Number((await q(`select count(*) from public.data_contributions where ${where}`, params))[0].count);

async function refresh(datasetId) {
  await db.query('begin');
  try {
    await db.query('set local role service_role');
    const arg = datasetId ? `'${datasetId}'::uuid` : '';
    return (await db.query(`select public.refresh_dataset_quality(${arg}) as n`)).rows[0].n;
  } finally {
    await db.query('commit');
  }
}
const listing = async (id) => (await q(`select quality_score, contributor_count::int, contribution_count::int
                                         from public.datasets where id = $1`, [id]))[0];

/** Rows inserted by the operator (not rate limited), as if a contributor had sent them. */
async function operatorRows(datasetId, contributorId, scores, prefix) {
  await db.query(`insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size,
                    detected_type, quality_score, model_id, scorer_version)
                  select $1, $2, encode(sha256(convert_to($3 || g::text, 'UTF8')), 'hex'), 100, 'text', s,
                         'sentence-transformers/all-MiniLM-L6-v2', '1.0.0'
                  from unnest($4::numeric[]) with ordinality as t(s, g)`, [datasetId, contributorId, prefix, scores]);
}

/** Seconds left in the current rate-limit window (the database's clock). */
async function secondsLeftInWindow() {
  const [{ left }] = await q(`select l.window_seconds - mod(extract(epoch from clock_timestamp())::numeric, l.window_seconds) as left
                              from public.contribution_limits l`);
  return Number(left);
}
/** Start a rate-limit case with at least `need` seconds of the window left, so it stays in one window. */
async function freshWindow(need = 10) {
  const left = await secondsLeftInWindow();
  if (left < need) await new Promise((r) => setTimeout(r, left * 1000 + 100));
}

before(async () => {
  db = await h.adminClient();
  await h.seed(db, {
    users: [...HONEST, HOSTILE, LONE, RATE, RATE_CONCURRENT, QUOTA, CHECKS, FIRST, SECOND, MEMBER, OUTSIDER, RACE_A, RACE_B],
    datasets: [
      { id: DS_LISTING, domain: 'integrity', name: 'listing' }, { id: DS_EMPTIED, domain: 'integrity', name: 'emptied' },
      { id: DS_OTHER, domain: 'integrity', name: 'other' }, { id: DS_RATE, domain: 'integrity', name: 'rate' },
      { id: DS_QUOTA, domain: 'integrity', name: 'quota' }, { id: DS_CONTENT, domain: 'integrity', name: 'content' },
      { id: DS_INVITE, domain: 'integrity', name: 'invite' },
    ],
  });
  await refresh(); // whatever other test files queued
});
after(async () => { await db?.end(); });

// 1. The listing -------------------------------------------------------------------------------

test('listing: a hostile contributor\'s 200 rows at 100 weigh as one contributor, not as 200 rows', async () => {
  // three honest contributors, through the REST path, each with one file
  for (const [i, sub] of HONEST.entries()) {
    const res = await submit(sub, h.contribution(DS_LISTING, `honest-${i}`, { quality_score: [40, 45, 50][i] }));
    assert.equal(res.status, 201, res.text);
  }
  assert.equal(await refresh(), 1);
  assert.deepEqual(await listing(DS_LISTING), { quality_score: '45.00', contributor_count: 3, contribution_count: 3 });

  // one row at 100 from the hostile account: the listing a single extra contributor can cause
  await operatorRows(DS_LISTING, HOSTILE, [100], 'hostile-');
  await refresh();
  const oneRow = await listing(DS_LISTING);
  assert.deepEqual(oneRow, { quality_score: '47.50', contributor_count: 4, contribution_count: 4 });

  // ... and 199 more: the listing does not move; only contribution_count does
  await operatorRows(DS_LISTING, HOSTILE, Array(199).fill(100), 'hostile-more-');
  assert.equal(await refresh(), 1);
  assert.deepEqual(await listing(DS_LISTING), { quality_score: '47.50', contributor_count: 4, contribution_count: 203 });
  // the row-weighted mean the old listing used would have been ~99.3
  const [{ mean }] = await q('select round(avg(quality_score), 2)::text as mean from public.data_contributions where dataset_id = $1', [DS_LISTING]);
  assert.ok(Number(mean) > 99, mean);
  // bounded by its one contributor's place: between the honest median and the next honest contributor's score
  assert.ok(Number(oneRow.quality_score) <= 50 && Number(oneRow.quality_score) >= 45);
});

test('listing: a contributor\'s own median counts (one outlier row of theirs does not move them)', async () => {
  await operatorRows(DS_OTHER, LONE, [70, 71, 0], 'lone-');
  await refresh();
  assert.deepEqual(await listing(DS_OTHER), { quality_score: '70.00', contributor_count: 1, contribution_count: 3 });
});

test('listing: a dataset whose rows are all gone is reset (null score, 0 and 0)', async () => {
  const owner = '6e000000-0000-4000-8000-000000000001';
  await h.seed(db, { users: [owner] });
  const res = await submit(owner, h.contribution(DS_EMPTIED, 'only-file', { quality_score: 90 }));
  assert.equal(res.status, 201, res.text);
  await refresh();
  assert.deepEqual(await listing(DS_EMPTIED), { quality_score: '90.00', contributor_count: 1, contribution_count: 1 });

  await db.query('delete from auth.users where id = $1', [owner]); // account deleted: cascade to its rows
  assert.equal(await stored('dataset_id = $1', [DS_EMPTIED]), 0);
  assert.equal(await refresh(), 1);
  assert.deepEqual(await listing(DS_EMPTIED), { quality_score: null, contributor_count: 0, contribution_count: 0 });
  assert.deepEqual(await q('select * from public.dataset_contributor_quality where dataset_id = $1', [DS_EMPTIED]), []);
});

test('refresh is incremental: only queued (dataset, contributor) pairs are recomputed; a retry queues nothing', async () => {
  assert.equal(await refresh(), 0, 'nothing queued, nothing touched');
  // a datasets row the refresh must not touch (a stale value would survive a non-incremental bug only if untouched)
  await db.query(`update public.datasets set quality_score = 12.34 where id = $1`, [DS_OTHER]);
  const res = await submit(HONEST[0], h.contribution(DS_LISTING, 'honest-0-second', { quality_score: 60 }));
  assert.equal(res.status, 201, res.text);
  assert.deepEqual(await q('select dataset_id, contributor_id from public.dataset_quality_dirty'),
    [{ dataset_id: DS_LISTING, contributor_id: HONEST[0] }]);
  assert.equal(await refresh(), 1);
  assert.equal((await listing(DS_OTHER)).quality_score, '12.34', 'an untouched dataset is not recomputed');
  // HONEST[0] now has 40 and 60 -> 50; contributors 50, 45, 50, 100 -> 50
  assert.deepEqual(await listing(DS_LISTING), { quality_score: '50.00', contributor_count: 4, contribution_count: 204 });

  const retry = await submit(HONEST[0], h.contribution(DS_LISTING, 'honest-0-second', { quality_score: 60 }));
  assert.equal(retry.status, 201, retry.text);
  assert.deepEqual(await q('select * from public.dataset_quality_dirty'), [], 'a retried submit queues nothing');
  assert.equal(await refresh(DS_OTHER), 1, 'refresh(id) rebuilds one dataset from its rows');
  assert.equal((await listing(DS_OTHER)).quality_score, '70.00');
});

// 2. Rate limit and daily quota ------------------------------------------------------------------

test('rate limit: the default is 100 contributions per 60 s per contributor', async () => {
  assert.deepEqual(await q('select per_window, window_seconds from public.contribution_limits'),
    [{ per_window: 100, window_seconds: 60 }]);
});

test('rate limit: the 101st insert within a minute -> 429 PT429 with Retry-After; nothing stored; retries are free', async () => {
  await freshWindow(15);
  const hundred = Array.from({ length: 100 }, (_, i) => h.contribution(DS_RATE, `rate-${i}`));
  const first = await submit(RATE, hundred);
  assert.equal(first.status, 201, first.text);

  const res = await submit(RATE, h.contribution(DS_RATE, 'rate-101'));
  assert.equal(res.status, 429, res.text);
  assert.equal(res.json.code, 'PT429');
  assert.deepEqual(Object.keys(res.json), ['code', 'details', 'hint', 'message']);
  assert.match(res.json.message, /at most 100 contributions per 60 s per contributor/);
  assert.equal(res.headers.get('proxy-status'), 'PostgREST; error=PT429');
  const retryAfter = res.headers.get('retry-after');
  assert.match(retryAfter, /^\d+$/);
  const left = await secondsLeftInWindow();
  assert.ok(Number(retryAfter) >= 1 && Number(retryAfter) <= 60 && Math.abs(Number(retryAfter) - left) <= 2,
    `Retry-After ${retryAfter}, ${left} s left in the window`);
  assert.equal(await stored('content_sha256 = $1', [h.sha256('rate-101')]), 0);

  // all datasets together: another dataset does not open a second allowance
  const elsewhere = await submit(RATE, h.contribution(DS_OTHER, 'rate-elsewhere'));
  assert.equal(elsewhere.status, 429, elsewhere.text);
  // a retried submit of rows already stored adds nothing and is not refused
  const retry = await submit(RATE, hundred.slice(0, 10));
  assert.equal(retry.status, 201, retry.text);
  // another contributor is not affected
  const other = await submit(CHECKS, h.contribution(DS_RATE, 'rate-other-user'));
  assert.equal(other.status, 201, other.text);
  assert.equal(await stored('contributor_id = $1', [RATE]), 100);
});

test('rate limit: more rows in one request than a window allows -> 413 PT413 (the client splits it)', async () => {
  const u = '6e000000-0000-4000-8000-000000000002';
  await h.seed(db, { users: [u] });
  const res = await submit(u, Array.from({ length: 101 }, (_, i) => h.contribution(DS_RATE, `too-many-${i}`)));
  assert.equal(res.status, 413, res.text);
  assert.equal(res.json.code, 'PT413');
  assert.equal(await stored('contributor_id = $1', [u]), 0);
});

test('rate limit: exact under concurrency (20 parallel requests x 5 rows = 100 pass, then 429)', async () => {
  await freshWindow(15);
  const results = await Promise.all(Array.from({ length: 20 }, (_, r) =>
    submit(RATE_CONCURRENT, Array.from({ length: 5 }, (_, i) => h.contribution(DS_RATE, `par-${r}-${i}`)))));
  assert.deepEqual(results.map((x) => x.status), Array(20).fill(201), results.map((x) => x.text).join());
  assert.equal(await stored('contributor_id = $1', [RATE_CONCURRENT]), 100);
  const [{ used }] = await q('select used from public.contribution_rate where contributor_id = $1', [RATE_CONCURRENT]);
  assert.equal(used, 100, 'no lost update of the counter');
  const next = await submit(RATE_CONCURRENT, h.contribution(DS_RATE, 'par-next'));
  assert.equal(next.status, 429, next.text);
});

test('rate limit: the operator (service_role) is not limited', async () => {
  const rows = Array.from({ length: 150 }, (_, i) => ({ ...h.contribution(DS_OTHER, `operator-${i}`), contributor_id: LONE }));
  const res = await h.rest('data_contributions', { method: 'POST', apikey: h.serviceRoleKey(), body: rows });
  assert.equal(res.status, 201, res.text);
});

test('daily quota: configurable per dataset; beyond it -> 429 PT429 with Retry-After until 00:00 UTC', async () => {
  await db.query('update public.datasets set daily_quota = 3 where id = $1', [DS_QUOTA]);
  const [{ daily_quota: defaultQuota }] = await q('select daily_quota from public.datasets where id = $1', [DS_OTHER]);
  assert.equal(defaultQuota, 10000);
  const three = Array.from({ length: 3 }, (_, i) => h.contribution(DS_QUOTA, `quota-${i}`));
  assert.equal((await submit(QUOTA, three)).status, 201);
  const fourth = await submit(QUOTA, h.contribution(DS_QUOTA, 'quota-3'));
  assert.equal(fourth.status, 429, fourth.text);
  assert.equal(fourth.json.code, 'PT429');
  assert.match(fourth.json.message, /daily quota: at most 3 contributions per day/);
  const [{ midnight }] = await q(`select ceil(extract(epoch from ((now() at time zone 'UTC')::date + 1)::timestamp
                                    at time zone 'UTC' - clock_timestamp()))::int as midnight`);
  assert.ok(Math.abs(Number(fourth.headers.get('retry-after')) - midnight) <= 2, fourth.headers.get('retry-after'));
  // other datasets keep their own quota
  assert.equal((await submit(QUOTA, h.contribution(DS_OTHER, 'quota-elsewhere'))).status, 201);
  // a retry of what is stored is still fine
  assert.equal((await submit(QUOTA, three)).status, 201);
});

// 3. CHECKs ------------------------------------------------------------------------------------

test('CHECKs: oversized flags, smuggled model_id / scorer_version, unknown sub-scores -> 400 23514', async () => {
  const huge = `{"pii_email": 1${'0'.repeat(2000)}}`;
  const raw = JSON.stringify(h.contribution(DS_OTHER, 'raw-huge-flag')).replace('{"pii_email":2}', huge);
  const cases = [
    [raw, 'data_contributions_flags_shape'],
    [{ flags: { pii_email: 1e20 } }, 'data_contributions_flags_shape'],
    [{ flags: { pii_email: 4294967296 }, byte_size: 1e12 }, 'data_contributions_flags_shape'],
    [{ flags: { pii_email: 1235 } }, 'data_contributions_flags_shape'], // more occurrences than the file's 1234 bytes
    [{ flags: { pii_email: -1 } }, 'data_contributions_flags_shape'],
    [{ flags: Object.fromEntries(Array.from({ length: 17 }, (_, i) => [`f${i}`, 1])) }, 'data_contributions_flags_shape'],
    [{ flags: { [`a${'b'.repeat(32)}`]: 1 } }, 'data_contributions_flags_shape'],
    [{ sub_scores: { quality: 50.5 } }, 'data_contributions_sub_scores_shape'],
    [{ sub_scores: { q_aGVsbG8gd29ybGQ: 1 } }, 'data_contributions_sub_scores_shape'],
    [{ sub_scores: { quality: -1 } }, 'data_contributions_sub_scores_shape'],
    [{ model_id: `sentence-transformers/${'A'.repeat(80)}` }, 'data_contributions_model_id_format'],
    [{ model_id: 'org/name/aGVsbG8gd29ybGQ' }, 'data_contributions_model_id_format'],
    [{ model_id: 'user@host:secret+data' }, 'data_contributions_model_id_format'],
    [{ scorer_version: 'aGVsbG8gd29ybGQgaGVsbG8' }, 'data_contributions_scorer_version_format'],
    [{ scorer_version: '1.0.0-aGVsbG8gd29ybGQgaGVsbG8gd29ybGQ' }, 'data_contributions_scorer_version_format'],
  ];
  for (const [i, [override, constraint]] of cases.entries()) {
    const body = typeof override === 'string' ? override : h.contribution(DS_OTHER, `smuggle-${i}`, override);
    const res = await submit(CHECKS, body);
    assert.equal(res.status, 400, `${i}: ${res.text}`);
    assert.equal(res.json.code, '23514', `${i}: ${res.text}`);
    assert.equal(res.json.message, `new row for relation "data_contributions" violates check constraint "${constraint}"`, `${i}`);
  }
  assert.equal(await stored('contributor_id = $1 and dataset_id = $2', [CHECKS, DS_OTHER]), 0);
});

test('CHECKs: what the library writes still passes', async () => {
  const ok = [
    { flags: { pii_email: 3, pii_phone: 1, pii_card_number: 1, pii_iban: 1, secret_private_key: 1, secret_api_key: 1,
      invalid_bytes: 1234, redact: 1 } },
    { sub_scores: { quality: 90, repetition: 100, coherence: null, structure: null, diversity: 0, novelty: 55, relevance: 70 } },
    { model_id: 'sentence-transformers/all-MiniLM-L6-v2' },
    { model_id: 'm' },
    { scorer_version: '1.0.0' },
    { scorer_version: '1.0.0-rc.1+build.5' },
    { flags: {}, sub_scores: {}, byte_size: 0 },
    { flags: { redact: 1 }, byte_size: 0 },
  ];
  for (const [i, override] of ok.entries()) {
    const res = await submit(CHECKS, h.contribution(DS_OTHER, `library-${i}`, override));
    assert.equal(res.status, 201, `${i}: ${res.text}`);
  }
});

// 4. The gateway's path decoding -----------------------------------------------------------------

test('gateway: a malformed percent-encoding in the path is a 4xx (PostgREST: unknown table), never a 500', async () => {
  for (const p of ['%E0%A4%A', '%', '%zz', 'data_contributions%E0']) {
    const res = await fetch(`${h.env.gatewayUrl}/rest/v1/${p}`, {
      headers: { apikey: h.anonKey(), Authorization: `Bearer ${h.userToken(CHECKS)}` },
    });
    const body = await res.json();
    assert.equal(res.status, 404, `${p}: ${JSON.stringify(body)}`);
    assert.equal(body.code, 'PGRST205', p);
  }
});

test('gateway: RAISE SQLSTATE \'PGRST\' maps like PostgREST (status, headers, body), bad JSON -> 500 PGRST121', () => {
  const ok = fromDatabaseError({
    code: 'PGRST', message: '{"code":"PT429","message":"slow down","details":null,"hint":"wait"}',
    detail: '{"status":429,"headers":{"Retry-After":"7"}}',
  }, true);
  assert.equal(ok.status, 429);
  assert.equal(ok.headers['Retry-After'], '7');
  assert.equal(ok.headers['Proxy-Status'], 'PostgREST; error=PT429');
  assert.deepEqual(JSON.parse(ok.body), { code: 'PT429', details: null, hint: 'wait', message: 'slow down' });
  for (const [message, detail] of [['not json', '{"status":429,"headers":{}}'], ['{"code":"X","message":"m"}', undefined],
    ['{"code":"X","message":"m"}', '{"status":429}'], ['{"message":"m"}', '{"status":429,"headers":{}}']]) {
    const bad = fromDatabaseError({ code: 'PGRST', message, detail }, true);
    assert.equal(bad.status, 500, message);
    assert.equal(JSON.parse(bad.body).code, 'PGRST121');
  }
});

// 5. The same content is paid once per dataset ---------------------------------------------------

test('same content: a second account\'s identical file -> 409 PT409 that does not say whose it is', async () => {
  const file = h.contribution(DS_CONTENT, 'shared-file');
  assert.equal((await submit(FIRST, file)).status, 201);
  const res = await submit(SECOND, file);
  assert.equal(res.status, 409, res.text);
  assert.equal(res.json.code, 'PT409');
  assert.equal(res.json.message, 'this content is already in the dataset');
  assert.equal(res.headers.get('proxy-status'), 'PostgREST; error=PT409');
  assert.doesNotMatch(res.text, new RegExp(`${FIRST}|${FIRST.slice(0, 8)}`, 'i'), 'the first contributor is not named');
  assert.equal(await stored('content_sha256 = $1', [h.sha256('shared-file')]), 1);

  // the first contributor's retry stays a harmless no-op
  const retry = await submit(FIRST, file, { prefer: 'return=representation,resolution=ignore-duplicates' });
  assert.equal(retry.status, 201, retry.text);
  assert.deepEqual(retry.json, []);
  // the same file in another dataset is another dataset's business
  assert.equal((await submit(SECOND, h.contribution(DS_OTHER, 'shared-file'))).status, 201);
  // a batch holding it is refused as a whole (one statement): nothing of it is stored
  const batch = await submit(SECOND, [h.contribution(DS_CONTENT, 'second-own'), file]);
  assert.equal(batch.status, 409, batch.text);
  assert.equal(await stored('content_sha256 = $1', [h.sha256('second-own')]), 0);
});

test('same content: two accounts racing with the same new file -> one row, the other PT409 (never 23505)', async () => {
  for (let round = 0; round < 10; round++) {
    const file = h.contribution(DS_CONTENT, `race-${round}`);
    const [a, b] = await Promise.all([submit(RACE_A, file), submit(RACE_B, file)]);
    assert.deepEqual([a.status, b.status].sort(), [201, 409], `${a.text} ${b.text}`);
    assert.equal([a, b].find((r) => r.status === 409).json.code, 'PT409');
    assert.equal(await stored('content_sha256 = $1', [h.sha256(`race-${round}`)]), 1);
  }
});

test('same content: when the first contributor\'s rows are gone, the content may be contributed again', async () => {
  const owner = '6e000000-0000-4000-8000-000000000003';
  await h.seed(db, { users: [owner] });
  const file = h.contribution(DS_CONTENT, 'released-file');
  assert.equal((await submit(owner, file)).status, 201);
  assert.equal((await submit(SECOND, file)).status, 409);
  await db.query('delete from auth.users where id = $1', [owner]);
  assert.equal((await submit(SECOND, file)).status, 201);
});

// 6. Who may contribute where --------------------------------------------------------------------

test('invite-only datasets: members only (403 42501 otherwise); memberships are the operator\'s, read own only', async () => {
  await db.query(`update public.datasets set access = 'invite' where id = $1`, [DS_INVITE]);
  await db.query('insert into public.dataset_members (dataset_id, contributor_id) values ($1, $2)', [DS_INVITE, MEMBER]);

  const outsider = await submit(OUTSIDER, h.contribution(DS_INVITE, 'outsider-file'));
  assert.equal(outsider.status, 403, outsider.text);
  assert.equal(outsider.json.code, '42501');
  assert.equal(outsider.json.message, 'new row violates row-level security policy for table "data_contributions"');
  const member = await submit(MEMBER, h.contribution(DS_INVITE, 'member-file'));
  assert.equal(member.status, 201, member.text);
  // open datasets stay open to everyone; an unknown dataset is still the foreign key's 409
  assert.equal((await submit(OUTSIDER, h.contribution(DS_OTHER, 'outsider-open'))).status, 201);
  const unknown = await submit(OUTSIDER, h.contribution('d6000000-0000-4000-8000-0000000000ff', 'nowhere'));
  assert.equal(unknown.status, 409, unknown.text);
  assert.equal(unknown.json.code, '23503');

  // memberships: a user reads their own only, and cannot add one
  const mine = await h.rest('dataset_members', { token: h.userToken(MEMBER), query: 'select=dataset_id,contributor_id' });
  assert.equal(mine.status, 200, mine.text);
  assert.deepEqual(mine.json, [{ dataset_id: DS_INVITE, contributor_id: MEMBER }]);
  const theirs = await h.rest('dataset_members', { token: h.userToken(OUTSIDER), query: 'select=dataset_id' });
  assert.deepEqual(theirs.json, []);
  const join = await h.rest('dataset_members', { method: 'POST', token: h.userToken(OUTSIDER),
    body: { dataset_id: DS_INVITE, contributor_id: OUTSIDER } });
  assert.equal(join.status, 403, join.text);
  assert.equal(join.json.code, '42501');
  const anon = await h.rest('dataset_members', { query: 'select=dataset_id' });
  assert.equal(anon.status, 401, anon.text);
  // the datasets listing shows the setting
  const ds = await h.rest('datasets', { token: h.userToken(OUTSIDER), query: `select=access,daily_quota&id=eq.${DS_INVITE}` });
  assert.deepEqual(ds.json, [{ access: 'invite', daily_quota: 10000 }]);

  // a removed member is refused again
  await db.query('delete from public.dataset_members where dataset_id = $1 and contributor_id = $2', [DS_INVITE, MEMBER]);
  const removed = await submit(MEMBER, h.contribution(DS_INVITE, 'member-file-2'));
  assert.equal(removed.status, 403, removed.text);
});

test('invite-only at SQL level: the policy as PostgREST runs it (SET LOCAL ROLE + request.jwt.claims)', async () => {
  await db.query('begin');
  try {
    await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: OUTSIDER, role: 'authenticated' })]);
    await assert.rejects(db.query(`insert into public.data_contributions (dataset_id, content_sha256, byte_size,
        detected_type, quality_score, model_id, scorer_version) values ($1, $2, 1, 'text', 1, 'm', '1.0.0')`,
    [DS_INVITE, 'cd'.repeat(32)]), (e) => e.code === '42501' && /row-level security/.test(e.message));
    await db.query('rollback');
    await db.query('begin');
    await db.query(`select set_config('role', 'authenticated', true), set_config('request.jwt.claims', $1, true)`,
      [JSON.stringify({ sub: OUTSIDER, role: 'authenticated' })]);
    await assert.rejects(db.query('insert into public.dataset_members (dataset_id, contributor_id) values ($1, $2)',
      [DS_INVITE, OUTSIDER]), (e) => e.code === '42501');
  } finally {
    await db.query('rollback');
  }
});
