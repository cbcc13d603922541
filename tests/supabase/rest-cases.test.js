'use strict';
// The case table of shared/notes/supabase-rest.md §3.4 (#1-#27), over real HTTP through the test
// gateway on PostgreSQL 15 with the project's migrations, plus the extra cases the submit client
// relies on. Statuses and codes are what PostgREST v13/v14 answers; messages are asserted too
// (they are PostgreSQL 15's and PostgREST v13's texts, which this setup pins).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const h = require('./helpers');

const U1 = '11111111-1111-4111-8111-111111111111';
const U2 = '22222222-2222-4222-8222-222222222222';
const U3 = '33333333-3333-4333-8333-333333333333'; // never contributes
const DS = 'd1000000-0000-4000-8000-000000000001';
const DS_OTHER = 'd1000000-0000-4000-8000-000000000002';
const DEDUPE = 'on_conflict=dataset_id,contributor_id,content_sha256';

let db;
const t1 = () => h.userToken(U1);
const t2 = () => h.userToken(U2);
const rows = async (where = 'true', params = []) =>
  Number((await db.query(`select count(*) from public.data_contributions where ${where}`, params)).rows[0].count);

function assertError(res, status, code, message, extra = {}) {
  assert.equal(res.status, status, res.text);
  assert.equal(res.json.code, code, res.text);
  if (message !== undefined) assert.equal(res.json.message, message);
  assert.deepEqual(Object.keys(res.json), ['code', 'details', 'hint', 'message']);
  if ('details' in extra) assert.equal(res.json.details, extra.details);
  assert.equal(res.headers.get('proxy-status'), `PostgREST; error=${code}`);
}

const post = (body, options = {}) => h.rest('data_contributions', { method: 'POST', token: t1(), body, ...options });

before(async () => {
  db = await h.adminClient();
  await h.seed(db, {
    users: [U1, U2, U3],
    datasets: [{ id: DS, domain: 'news', name: 'headlines' }, { id: DS_OTHER, domain: 'legal', name: 'contracts' }],
  });
});

after(async () => {
  await db.end();
});

test('#1 valid insert, return=minimal -> 201, empty body', async () => {
  const res = await post(h.contribution(DS, 'case-1'), { prefer: 'return=minimal' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.text, '');
  assert.equal(res.headers.get('content-range'), '*/*');
  assert.equal(res.headers.get('preference-applied'), 'return=minimal');
  assert.equal(await rows('content_sha256 = $1 and contributor_id = $2', [h.sha256('case-1'), U1]), 1);
});

test('#2 valid insert, return=representation -> 201 with the stored row', async () => {
  const res = await post(h.contribution(DS, 'case-2'), { prefer: 'return=representation' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.length, 1);
  const [row] = res.json;
  assert.equal(row.contributor_id, U1);
  assert.equal(row.quality_score, 87.5);
  assert.match(res.text, /"quality_score":87\.50/); // numeric(5,2) as PostgreSQL prints it
  assert.deepEqual(row.sub_scores, { quality: 90, repetition: 100, coherence: 80, structure: null });
  assert.deepEqual(row.flags, { pii_email: 2 });
  assert.match(row.id, /^[0-9a-f-]{36}$/);
  assert.ok(!Number.isNaN(Date.parse(row.created_at)));
  assert.deepEqual(Object.keys(row), ['id', 'dataset_id', 'contributor_id', 'content_sha256', 'byte_size',
    'detected_type', 'quality_score', 'sub_scores', 'flags', 'model_id', 'scorer_version', 'created_at']);
});

test('#3 contributor_id omitted -> 201, defaults to auth.uid()', async () => {
  const record = h.contribution(DS, 'case-3');
  assert.equal(record.contributor_id, undefined);
  const res = await post(record);
  assert.equal(res.status, 201, res.text);
  assert.equal(await rows('content_sha256 = $1 and contributor_id = $2', [h.sha256('case-3'), U1]), 1);
});

test("#4 another contributor's id -> 403 42501 (RLS with check)", async () => {
  const res = await post(h.contribution(DS, 'case-4', { contributor_id: U2 }));
  assertError(res, 403, '42501', 'new row violates row-level security policy for table "data_contributions"');
  assert.equal(await rows('content_sha256 = $1', [h.sha256('case-4')]), 0);
});

test('#5 anon key only (no user JWT) -> 401 42501 + WWW-Authenticate: Bearer', async () => {
  const res = await post(h.contribution(DS, 'case-5'), { token: undefined });
  assertError(res, 401, '42501', 'permission denied for table data_contributions');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer');
});

test('#6 expired JWT -> 401 PGRST303', async () => {
  const res = await post(h.contribution(DS, 'case-6'), { token: h.userToken(U1, { expiresIn: -120 }) });
  assertError(res, 401, 'PGRST303', 'JWT expired');
  assert.equal(res.headers.get('www-authenticate'), 'Bearer error="invalid_token", error_description="JWT expired"');
});

test('#7 bad signature -> 401 PGRST301', async () => {
  const forged = h.userToken(U1, { secret: 'another-secret-that-is-at-least-32-characters' });
  const res = await post(h.contribution(DS, 'case-7'), { token: forged });
  assertError(res, 401, 'PGRST301', 'JWT cryptographic operation failed');
  assert.match(res.headers.get('www-authenticate'), /^Bearer error="invalid_token"/);
});

test('#8 no apikey -> 401 from the API gateway', async () => {
  const res = await post(h.contribution(DS, 'case-8'), { apikey: null });
  assert.equal(res.status, 401);
  assert.deepEqual(res.json, {
    message: 'No API key found in request',
    hint: 'No `apikey` request header or url param was found.',
  });
});

test('#9 duplicate, no resolution -> 409 23505, details hidden by RLS', async () => {
  const record = h.contribution(DS, 'case-9');
  assert.equal((await post(record)).status, 201);
  const res = await post(record);
  assertError(res, 409, '23505', 'duplicate key value violates unique constraint "data_contributions_dedupe_key"',
    { details: null });
});

test('#10 duplicate, ignore-duplicates without on_conflict -> 409 (target is the primary key)', async () => {
  const record = h.contribution(DS, 'case-10');
  assert.equal((await post(record)).status, 201);
  const res = await post(record, { prefer: 'resolution=ignore-duplicates' });
  assertError(res, 409, '23505', 'duplicate key value violates unique constraint "data_contributions_dedupe_key"');
});

test('#11 duplicate, ignore-duplicates + on_conflict -> 201, no new row (a retried submit is harmless)', async () => {
  const record = h.contribution(DS, 'case-11');
  assert.equal((await post(record, { query: DEDUPE, prefer: 'resolution=ignore-duplicates' })).status, 201);
  const again = await post(record, { query: DEDUPE, prefer: 'resolution=ignore-duplicates' });
  assert.equal(again.status, 201, again.text);
  assert.equal(again.text, '');
  const withBody = await post(record, { query: DEDUPE, prefer: 'return=representation,resolution=ignore-duplicates' });
  assert.equal(withBody.status, 201);
  assert.deepEqual(withBody.json, []);
  assert.equal(withBody.headers.get('preference-applied'), 'resolution=ignore-duplicates, return=representation');
  assert.equal(await rows('content_sha256 = $1', [h.sha256('case-11')]), 1);
});

test('#12 bulk [duplicate, new] with ignore-duplicates + on_conflict -> 201 with only the new row', async () => {
  const dup = h.contribution(DS, 'case-12-dup');
  assert.equal((await post(dup)).status, 201);
  const res = await post([dup, h.contribution(DS, 'case-12-new')], {
    query: DEDUPE, prefer: 'return=representation,resolution=ignore-duplicates',
  });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json.length, 1);
  assert.equal(res.json[0].content_sha256, h.sha256('case-12-new'));
  assert.equal(await rows('content_sha256 = any($1)', [[h.sha256('case-12-dup'), h.sha256('case-12-new')]]), 2);
});

test('#13 duplicate, merge-duplicates -> 403 42501 (append-only: no UPDATE grant)', async () => {
  const record = h.contribution(DS, 'case-13');
  assert.equal((await post(record)).status, 201);
  const res = await post({ ...record, quality_score: 10 }, { query: DEDUPE, prefer: 'resolution=merge-duplicates' });
  assertError(res, 403, '42501', 'permission denied for table data_contributions');
  const stored = await db.query('select quality_score from public.data_contributions where content_sha256 = $1', [h.sha256('case-13')]);
  assert.equal(stored.rows[0].quality_score, '87.50');
});

test('#14 check violation quality_score 150 -> 400 23514', async () => {
  const res = await post(h.contribution(DS, 'case-14', { quality_score: 150 }));
  assertError(res, 400, '23514',
    'new row for relation "data_contributions" violates check constraint "data_contributions_quality_score_range"',
    { details: null });
});

test('#15 check violation bad sha256 -> 400 23514', async () => {
  const res = await post(h.contribution(DS, 'case-15', { content_sha256: 'ABC' }));
  assertError(res, 400, '23514',
    'new row for relation "data_contributions" violates check constraint "data_contributions_sha256_hex"');
});

test('#16 model_id null -> 400 23502', async () => {
  const res = await post(h.contribution(DS, 'case-16', { model_id: null }));
  assertError(res, 400, '23502',
    'null value in column "model_id" of relation "data_contributions" violates not-null constraint');
});

test('#17 dataset_id not a uuid -> 400 22P02', async () => {
  const res = await post(h.contribution('not-a-uuid', 'case-17'));
  assertError(res, 400, '22P02', 'invalid input syntax for type uuid: "not-a-uuid"');
});

test('#18 unknown dataset -> 409 23503', async () => {
  const res = await post(h.contribution('d9999999-0000-4000-8000-000000000000', 'case-18'));
  assertError(res, 409, '23503',
    'insert or update on table "data_contributions" violates foreign key constraint "data_contributions_dataset_id_fkey"',
    { details: 'Key is not present in table "datasets".' });
});

test('#19 client sends created_at (no column grant) -> 403 42501', async () => {
  const res = await post(h.contribution(DS, 'case-19', { created_at: '2020-01-01T00:00:00Z' }));
  assertError(res, 403, '42501', 'permission denied for table data_contributions');
});

test('#20 unknown key in the body -> 400 PGRST204, before the database', async () => {
  const res = await post(h.contribution(DS, 'case-20', { foo: 1 }));
  assertError(res, 400, 'PGRST204', "Could not find the 'foo' column of 'data_contributions' in the schema cache");
});

test('#21 unknown key with ?columns= listing only real columns -> 201, key ignored', async () => {
  const record = h.contribution(DS, 'case-21');
  const columns = Object.keys(record).map((c) => `"${c}"`).join(',');
  const res = await post({ ...record, foo: 1 }, { query: `columns=${columns}` });
  assert.equal(res.status, 201, res.text);
  assert.equal(await rows('content_sha256 = $1', [h.sha256('case-21')]), 1);
});

test('#22 oversized body -> 413', async () => {
  const many = Array.from({ length: 4000 }, (_, i) => h.contribution(DS, `case-22-${i}`));
  const body = JSON.stringify(many);
  assert.ok(body.length > 1024 * 1024);
  const res = await post(body);
  assert.equal(res.status, 413);
  assert.deepEqual(res.json, { message: 'Payload too large' });
  assert.equal(await rows('content_sha256 = $1', [h.sha256('case-22-0')]), 0);
});

test('#23 GET own rows -> 200, only own rows', async () => {
  const res = await h.rest('data_contributions', {
    token: t1(), query: `select=contributor_id,content_sha256,quality_score&dataset_id=eq.${DS}`, prefer: 'count=exact',
  });
  assert.equal(res.status, 200, res.text);
  const own = await rows('contributor_id = $1 and dataset_id = $2', [U1, DS]);
  assert.ok(own > 5);
  assert.equal(res.json.length, own);
  assert.ok(res.json.every((r) => r.contributor_id === U1));
  assert.deepEqual(Object.keys(res.json[0]), ['contributor_id', 'content_sha256', 'quality_score']);
  assert.equal(res.headers.get('content-range'), `0-${own - 1}/${own}`);
});

test('#24 GET as another user -> 200 [] (RLS filters silently)', async () => {
  const res = await h.rest('data_contributions', { token: h.userToken(U3), query: `dataset_id=eq.${DS}` });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, []);
  const byHash = await h.rest('data_contributions', { token: t2(), query: `content_sha256=eq.${h.sha256('case-1')}` });
  assert.deepEqual(byHash.json, []);
});

test('#25 GET datasets as anon -> 401 42501', async () => {
  const res = await h.rest('datasets');
  assertError(res, 401, '42501', 'permission denied for table datasets');
});

test('#26 JWT role that is no database role -> 401 22023', async () => {
  const res = await h.rest('data_contributions', { token: h.userToken(U1, { role: 'admin' }) });
  assertError(res, 401, '22023', 'role "admin" does not exist');
});

test('#27 unknown table -> 404 PGRST205', async () => {
  const res = await h.rest('nope', { token: t1() });
  assertError(res, 404, 'PGRST205', "Could not find the table 'public.nope' in the schema cache");
});

// ---- beyond the note's table: what the submit client and the marketplace also rely on ----

test('wrong apikey -> 401 Invalid API key', async () => {
  const res = await post(h.contribution(DS, 'x-apikey'), { apikey: 'sb_publishable_not-this-project' });
  assert.equal(res.status, 401);
  assert.equal(res.json.message, 'Invalid API key');
});

test('apikey as ?apikey= query parameter works like the header', async () => {
  const res = await h.rest('datasets', { apikey: null, token: t1(), query: `apikey=${h.anonKey()}&select=id` });
  assert.equal(res.status, 200, res.text);
});

test('JWT decode errors: empty bearer, wrong number of parts, not yet valid', async () => {
  const empty = await h.rest('datasets', { headers: { Authorization: 'Bearer ' } });
  assertError(empty, 401, 'PGRST301', 'Empty JWT is sent in Authorization header');
  const twoParts = await h.rest('datasets', { token: 'abc.def' });
  assertError(twoParts, 401, 'PGRST301', 'Expected 3 parts in JWT; got 2');
  const now = Math.floor(Date.now() / 1000);
  const future = h.sign({ sub: U1, role: 'authenticated', nbf: now + 300, exp: now + 3600 }, h.env.jwtSecret);
  assertError(await h.rest('datasets', { token: future }), 401, 'PGRST303', 'JWT not yet valid');
});

test('30 s clock skew: a token expired 10 s ago is still accepted', async () => {
  const res = await h.rest('datasets', { token: h.userToken(U1, { expiresIn: -10 }) });
  assert.equal(res.status, 200, res.text);
});

test('bulk insert of 3 rows -> 201, count=exact -> Content-Range */3', async () => {
  const batch = [1, 2, 3].map((i) => h.contribution(DS_OTHER, `bulk-${i}`, { detected_type: 'jsonl' }));
  const res = await post(batch, { prefer: 'count=exact' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.headers.get('content-range'), '*/3');
  assert.equal(res.headers.get('preference-applied'), 'count=exact');
  assert.equal(await rows('dataset_id = $1 and contributor_id = $2', [DS_OTHER, U1]), 3);
});

test('bulk insert is one transaction: one bad row fails the batch', async () => {
  const res = await post([h.contribution(DS_OTHER, 'atomic-ok'), h.contribution(DS_OTHER, 'atomic-bad', { byte_size: -1 })]);
  assertError(res, 400, '23514',
    'new row for relation "data_contributions" violates check constraint "data_contributions_byte_size_nonneg"');
  assert.equal(await rows('content_sha256 = $1', [h.sha256('atomic-ok')]), 0);
});

test('bulk with differing keys -> 400 PGRST102; invalid JSON -> 400 PGRST102', async () => {
  const a = h.contribution(DS, 'keys-a');
  const { flags, ...b } = h.contribution(DS, 'keys-b');
  void flags;
  assertError(await post([a, b]), 400, 'PGRST102', 'All object keys must match');
  assertError(await post('{"dataset_id":'), 400, 'PGRST102', 'Empty or invalid json');
});

test('return=headers-only -> 201 + Location of the new row', async () => {
  const res = await post(h.contribution(DS, 'headers-only'), { prefer: 'return=headers-only' });
  assert.equal(res.status, 201, res.text);
  const { rows: [row] } = await db.query('select id from public.data_contributions where content_sha256 = $1', [h.sha256('headers-only')]);
  assert.equal(res.headers.get('location'), `/data_contributions?id=eq.${row.id}`);
});

test('missing=default with ?columns=: an absent contributor_id takes auth.uid()', async () => {
  const record = h.contribution(DS, 'missing-default');
  const columns = ['contributor_id', ...Object.keys(record)].join(',');
  const res = await post(record, { query: `columns=${columns}`, prefer: 'missing=default,return=representation' });
  assert.equal(res.status, 201, res.text);
  assert.equal(res.json[0].contributor_id, U1);
  // without missing=default the absent key is NULL; RLS's WITH CHECK runs before NOT NULL -> 403
  const withoutDefault = await post(h.contribution(DS, 'missing-null'), { query: `columns=${columns}` });
  assertError(withoutDefault, 403, '42501', 'new row violates row-level security policy for table "data_contributions"');
});

test('handling=strict with an unknown preference -> 400 PGRST122', async () => {
  const res = await post(h.contribution(DS, 'strict'), { prefer: 'handling=strict, return=nothing' });
  assertError(res, 400, 'PGRST122', 'Invalid preferences given with handling=strict',
    { details: 'Invalid preferences: return=nothing' });
});

test('no column can carry content: strings in flags/sub_scores, unknown types, free text -> 400 23514', async () => {
  const cases = [
    [{ flags: { pii_email: 'alice@example.com' } }, 'data_contributions_flags_shape'],
    [{ flags: { pii_email: 1.5 } }, 'data_contributions_flags_shape'],
    [{ flags: ['x'] }, 'data_contributions_flags_shape'],
    [{ flags: { 'Some Content': 1 } }, 'data_contributions_flags_shape'],
    [{ sub_scores: { quality: 101 } }, 'data_contributions_sub_scores_shape'],
    [{ sub_scores: { quality: 'excellent' } }, 'data_contributions_sub_scores_shape'],
    [{ sub_scores: { quality: { nested: 1 } } }, 'data_contributions_sub_scores_shape'],
    [{ detected_type: 'pdf' }, 'data_contributions_detected_type_known'],
    [{ model_id: 'a model id with spaces and text' }, 'data_contributions_model_id_format'],
    [{ scorer_version: '1.0.0 and some text' }, 'data_contributions_scorer_version_format'],
  ];
  for (const [i, [override, constraint]] of cases.entries()) {
    const res = await post(h.contribution(DS, `content-${i}`, override));
    assertError(res, 400, '23514',
      `new row for relation "data_contributions" violates check constraint "${constraint}"`);
  }
});

test('datasets: signed-in users read them, cannot write them', async () => {
  const read = await h.rest('datasets', { token: t2(), query: 'select=id,domain,name&domain=eq.news' });
  assert.equal(read.status, 200, read.text);
  assert.deepEqual(read.json, [{ id: DS, domain: 'news', name: 'headlines' }]);
  const write = await h.rest('datasets', { method: 'POST', token: t2(), body: { domain: 'x', name: 'y' } });
  assertError(write, 403, '42501', 'permission denied for table datasets');
});

test('contributors: a user reads only their own row', async () => {
  const res = await h.rest('contributors', { token: t2(), query: 'select=id' });
  assert.equal(res.status, 200, res.text);
  assert.deepEqual(res.json, [{ id: U2 }]);
});

test('service_role key without a user token bypasses RLS; with a user token RLS applies', async () => {
  const query = `select=contributor_id&content_sha256=eq.${h.sha256('case-1')}`;
  const service = await h.rest('data_contributions', { apikey: h.serviceRoleKey(), query });
  assert.deepEqual(service.json, [{ contributor_id: U1 }]);
  const asUser = await h.rest('data_contributions', { apikey: h.serviceRoleKey(), token: t2(), query });
  assert.deepEqual(asUser.json, []);
});

test('reads: order, limit/offset (206 with count=exact), in., is., single object', async () => {
  const base = `select=content_sha256&dataset_id=eq.${DS_OTHER}&contributor_id=eq.${U1}`;
  const ordered = await h.rest('data_contributions', { token: t1(), query: `${base}&order=content_sha256.desc&limit=2`, prefer: 'count=exact' });
  assert.equal(ordered.status, 206, ordered.text);
  assert.equal(ordered.json.length, 2);
  assert.ok(ordered.json[0].content_sha256 > ordered.json[1].content_sha256);
  assert.equal(ordered.headers.get('content-range'), '0-1/3');
  const hashes = [h.sha256('bulk-1'), h.sha256('bulk-2')];
  const inList = await h.rest('data_contributions', { token: t1(), query: `select=content_sha256&content_sha256=in.(${hashes.join(',')})` });
  assert.deepEqual(inList.json.map((r) => r.content_sha256).sort(), [...hashes].sort());
  const isNull = await h.rest('datasets', { token: t1(), query: 'select=id&quality_score=is.null&domain=eq.legal' });
  assert.deepEqual(isNull.json, [{ id: DS_OTHER }]);
  const single = await h.rest('datasets', { token: t1(), query: `id=eq.${DS}`, headers: { Accept: 'application/vnd.pgrst.object+json' } });
  assert.equal(single.status, 200, single.text);
  assert.equal(single.json.id, DS);
  const notSingle = await h.rest('datasets', { token: t1(), headers: { Accept: 'application/vnd.pgrst.object+json' } });
  assertError(notSingle, 406, 'PGRST116', 'Cannot coerce the result to a single JSON object');
  assertError(await h.rest('datasets', { token: t1(), query: 'domain=like' }), 400, 'PGRST100');
  const head = await h.rest('datasets', { method: 'HEAD', token: t1(), query: `id=eq.${DS}` });
  assert.equal(head.status, 200);
  assert.equal(head.text, '');
  assert.equal(head.headers.get('content-range'), '0-0/*');
});

test('unsupported method -> 405 PGRST117; CORS preflight -> 200 without a key', async () => {
  assertError(await h.rest('data_contributions', { method: 'DELETE', token: t1() }), 405, 'PGRST117',
    'Unsupported HTTP method: DELETE');
  const preflight = await fetch(`${h.env.gatewayUrl}/rest/v1/data_contributions`, {
    method: 'OPTIONS', headers: { Origin: 'http://localhost:3000', 'Access-Control-Request-Method': 'POST' },
  });
  assert.equal(preflight.status, 200);
  assert.equal(preflight.headers.get('access-control-allow-origin'), '*');
  assert.match(preflight.headers.get('access-control-allow-headers'), /prefer/);
});
