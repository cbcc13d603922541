'use strict';
// The partitioning plan (supabase/partitioning/plan.sql) applied to a database with data, while
// a gateway serves it: rows are preserved, grants and policies are unchanged, the idempotency
// key still makes a retried submit harmless, RLS still applies, partitions are not reachable
// directly, and the gateway picks the new table up from NOTIFY pgrst.

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const path = require('node:path');
const h = require('./helpers');

const DB = 'partition_plan';
const PLAN = path.join(h.ROOT, 'supabase/partitioning/plan.sql');
const A = 'aaaaaaaa-0000-4000-8000-00000000000a';
const B = 'bbbbbbbb-0000-4000-8000-00000000000b';
const DATASETS = [1, 2, 3, 4, 5, 6].map((i) => ({ id: `d3000000-0000-4000-8000-00000000000${i}`, domain: 'plan', name: `ds${i}` }));
const DEDUPE = 'on_conflict=dataset_id,contributor_id,content_sha256';

let db;
let gateway;

const q = async (sql, params = []) => (await db.query(sql, params)).rows;
const count = async (where = 'true', params = []) =>
  Number((await q(`select count(*) from public.data_contributions where ${where}`, params))[0].count);

/** What must not change: rows, grants, column grants, policies, checks/foreign/unique keys. */
async function snapshot() {
  const [rows] = await q(`select count(*)::int as n, md5(string_agg(t::text, ',' order by t.id)) as digest
                          from public.data_contributions t`);
  const acl = await q(`select relacl::text from pg_class where oid = 'public.data_contributions'::regclass`);
  const columnAcl = await q(`select attname, attacl::text from pg_attribute
                             where attrelid = 'public.data_contributions'::regclass and attacl is not null order by attname`);
  const policies = await q(`select policyname, cmd, roles::text, qual, with_check from pg_policies
                            where schemaname = 'public' and tablename = 'data_contributions' order by policyname`);
  const constraints = await q(`select conname, pg_get_constraintdef(oid) as def from pg_constraint
                               where conrelid = 'public.data_contributions'::regclass and contype in ('c', 'f', 'u')
                               order by conname`);
  const rls = await q(`select relrowsecurity, relforcerowsecurity from pg_class where oid = 'public.data_contributions'::regclass`);
  const triggers = await q(`select tgname, pg_get_triggerdef(oid) as def from pg_trigger
                            where tgrelid = 'public.data_contributions'::regclass and not tgisinternal order by tgname`);
  return { rows, acl, columnAcl, policies, constraints, rls, triggers };
}

async function waitForReload(previousVersion) {
  for (let i = 0; i < 100; i++) {
    const { json } = await h.control('GET', '/__health', undefined, gateway.url);
    if (json.schema_cache_version > previousVersion) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error('the gateway did not reload its schema cache after NOTIFY pgrst');
}

const post = (token, body, options = {}) => h.rest('data_contributions', { method: 'POST', token, body, baseUrl: gateway.url, ...options });
const get = (token, table, query) => h.rest(table, { token, query, baseUrl: gateway.url });

before(async () => {
  h.resetDatabase(DB);
  db = await h.adminClient(DB);
  await h.seed(db, { users: [A, B], datasets: DATASETS });
  // 6 datasets x 2 contributors x 40 files, as the operator would have them after a while
  await db.query(`
    insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size, detected_type,
                                           quality_score, sub_scores, flags, model_id, scorer_version, created_at)
    select d.id, u.id, encode(sha256(convert_to(d.id::text || u.id::text || g::text, 'UTF8')), 'hex'),
           g * 100, (array['text', 'csv', 'jsonl'])[1 + g % 3], g % 101,
           jsonb_build_object('quality', g % 101), jsonb_build_object('pii_email', g % 3),
           'sentence-transformers/all-MiniLM-L6-v2', '1.0.0', now() - g * interval '1 hour'
    from public.datasets d cross join auth.users u cross join generate_series(1, 40) g`);
  gateway = await h.startGateway({ db: DB });
});

after(async () => {
  await gateway?.stop();
  await db?.end();
});

test('a unique key without the partition key is refused (why RANGE (created_at) would break idempotency)', async () => {
  await db.query('begin');
  try {
    await db.query(`create table public.contributions_by_month (like public.data_contributions including defaults)
                    partition by range (created_at)`);
    await assert.rejects(
      db.query(`alter table public.contributions_by_month
                add constraint by_month_dedupe unique (dataset_id, contributor_id, content_sha256)`),
      (e) => e.code === '0A000' && /must include all partitioning columns/.test(e.message),
    );
  } finally {
    await db.query('rollback');
  }
});

test('the plan keeps every row, grant, policy and constraint, and the gateway follows', async () => {
  const pre = await post(h.userToken(A), h.contribution(DATASETS[0].id, 'before-plan'));
  assert.equal(pre.status, 201, pre.text);
  const before = await snapshot();
  assert.equal(before.rows.n, 481);
  const { json: health } = await h.control('GET', '/__health', undefined, gateway.url);

  const applied = h.applySqlFile(DB, PLAN);
  assert.equal(applied.status, 0, applied.stderr);

  const [{ relkind }] = await q(`select relkind from pg_class where oid = 'public.data_contributions'::regclass`);
  assert.equal(relkind, 'p');
  const parts = await q(`select c.relname, c.relrowsecurity, c.relacl::text as acl,
                                (select count(*)::int from public.data_contributions t where t.tableoid = c.oid) as n
                         from pg_inherits i join pg_class c on c.oid = i.inhrelid
                         where i.inhparent = 'public.data_contributions'::regclass order by c.relname`);
  assert.equal(parts.length, 8);
  assert.equal(parts.reduce((s, p) => s + p.n, 0), 481);
  assert.ok(parts.filter((p) => p.n > 0).length >= 3, 'rows are spread over partitions');
  for (const p of parts) {
    assert.equal(p.relrowsecurity, true, p.relname);
    assert.doesNotMatch(p.acl ?? '', /\b(anon|authenticated)=/, `${p.relname} is granted to a client role`);
  }

  const afterPlan = await snapshot();
  assert.deepEqual(afterPlan, before);
  assert.deepEqual(before.triggers.map((t) => t.tgname), ['data_contributions_claim_content', 'data_contributions_limits',
    'data_contributions_quality_queue_delete', 'data_contributions_quality_queue_insert', 'data_contributions_release_content']);
  const [pk] = await q(`select pg_get_constraintdef(oid) as def from pg_constraint
                        where conrelid = 'public.data_contributions'::regclass and contype = 'p'`);
  assert.equal(pk.def, 'PRIMARY KEY (id, dataset_id)');
  assert.deepEqual(await q(`select 1 from pg_class where relname = 'data_contributions_unpartitioned'`), []);

  await waitForReload(health.schema_cache_version);
});

test('after the plan: the idempotency key still makes a retried submit harmless', async () => {
  const tokenA = h.userToken(A);
  const record = h.contribution(DATASETS[2].id, 'after-plan');
  assert.equal((await post(tokenA, record, { query: DEDUPE, prefer: 'resolution=ignore-duplicates' })).status, 201);
  const retry = await post(tokenA, record, { query: DEDUPE, prefer: 'return=representation,resolution=ignore-duplicates' });
  assert.equal(retry.status, 201, retry.text);
  assert.deepEqual(retry.json, []);
  assert.equal(await count('content_sha256 = $1', [h.sha256('after-plan')]), 1);

  // a record stored before the conversion is still recognised as a duplicate
  const old = await post(tokenA, h.contribution(DATASETS[0].id, 'before-plan'), { query: DEDUPE, prefer: 'resolution=ignore-duplicates' });
  assert.equal(old.status, 201, old.text);
  assert.equal(await count('content_sha256 = $1', [h.sha256('before-plan')]), 1);

  // without resolution it is a 409 23505 (the message now names the partition's index: use the code)
  const conflict = await post(tokenA, record);
  assert.equal(conflict.status, 409, conflict.text);
  assert.equal(conflict.json.code, '23505');
});

test('after the plan: RLS, grants and checks still apply, through the parent only', async () => {
  const tokenA = h.userToken(A);
  const tokenB = h.userToken(B);
  const foreign = await post(tokenA, h.contribution(DATASETS[1].id, 'for-b', { contributor_id: B }));
  assert.equal(foreign.status, 403, foreign.text);
  assert.equal(foreign.json.code, '42501');
  const check = await post(tokenA, h.contribution(DATASETS[1].id, 'bad', { quality_score: 101 }));
  assert.equal(check.status, 400);
  assert.equal(check.json.code, '23514');
  const createdAt = await post(tokenA, h.contribution(DATASETS[1].id, 'created-at', { created_at: '2020-01-01T00:00:00Z' }));
  assert.equal(createdAt.status, 403);

  const mine = await get(tokenA, 'data_contributions', 'select=contributor_id');
  assert.equal(mine.status, 200, mine.text);
  assert.equal(mine.json.length, await count('contributor_id = $1', [A]));
  assert.ok(mine.json.every((r) => r.contributor_id === A));
  const theirs = await get(tokenB, 'data_contributions', `select=contributor_id&content_sha256=eq.${h.sha256('after-plan')}`);
  assert.deepEqual(theirs.json, []);

  const partition = await get(tokenA, 'data_contributions_p0', 'select=id');
  assert.equal(partition.status, 403, partition.text);
  assert.equal(partition.json.code, '42501');
  const anonPartition = await get(undefined, 'data_contributions_p0', 'select=id');
  assert.equal(anonPartition.status, 401);
});

test('after the plan: same content once per dataset, rate limit and invite-only datasets still apply', async () => {
  // B's identical file in a dataset where A contributed it (before and after the plan) -> 409 PT409
  for (const label of ['before-plan', 'after-plan']) {
    const ds = label === 'before-plan' ? DATASETS[0].id : DATASETS[2].id;
    const res = await post(h.userToken(B), h.contribution(ds, label), { query: DEDUPE, prefer: 'resolution=ignore-duplicates' });
    assert.equal(res.status, 409, res.text);
    assert.equal(res.json.code, 'PT409');
  }
  // the rate limit counts on: 101 rows in one request are more than a window allows -> 413
  const many = Array.from({ length: 101 }, (_, i) => h.contribution(DATASETS[3].id, `burst-${i}`));
  const burst = await post(h.userToken(B), many, { query: DEDUPE, prefer: 'resolution=ignore-duplicates' });
  assert.equal(burst.status, 413, burst.text);
  assert.equal(burst.json.code, 'PT413');
  // an invite-only dataset refuses a non-member
  await db.query(`update public.datasets set access = 'invite' where id = $1`, [DATASETS[4].id]);
  const refused = await post(h.userToken(B), h.contribution(DATASETS[4].id, 'invite-only'));
  assert.equal(refused.status, 403, refused.text);
  assert.equal(refused.json.code, '42501');
  await db.query(`update public.datasets set access = 'open' where id = $1`, [DATASETS[4].id]);
});

test('after the plan: refresh_dataset_quality still works', async () => {
  await db.query('begin');
  try {
    await db.query('set local role service_role');
    const [{ updated }] = (await db.query('select public.refresh_dataset_quality() as updated')).rows;
    assert.equal(updated, DATASETS.length);
  } finally {
    await db.query('commit');
  }
  const [ds] = await q('select quality_score, contribution_count from public.datasets where id = $1', [DATASETS[5].id]);
  const [expected] = await q(`select round(percentile_cont(0.5) within group (order by m)::numeric, 2)::text as median,
                                     sum(n)::int as n
                              from (select percentile_cont(0.5) within group (order by quality_score) as m, count(*) as n
                                    from public.data_contributions where dataset_id = $1 group by contributor_id) per`,
  [DATASETS[5].id]);
  assert.equal(ds.quality_score, expected.median);
  assert.equal(Number(ds.contribution_count), expected.n);
});

test('the plan refuses to run twice', async () => {
  const again = h.applySqlFile(DB, PLAN);
  assert.notEqual(again.status, 0);
  assert.match(again.stderr, /already partitioned/);
});
