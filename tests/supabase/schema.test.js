'use strict';
// The schema as PostgreSQL sees it after the migrations (no gateway): migration file layout,
// columns that cannot carry content, tightened grants, RLS everywhere, function privileges,
// the indexes the marketplace and "my contributions" reads use, and the RLS policies at SQL
// level (the pgTAP-style second layer: SET LOCAL ROLE + request.jwt.claims, as PostgREST does).

const { test, before, after } = require('node:test');
const assert = require('node:assert/strict');
const fs = require('node:fs');
const path = require('node:path');
const h = require('./helpers');

const DB = 'schema_check';
const U1 = '51111111-1111-4111-8111-111111111111';
const U2 = '52222222-2222-4222-8222-222222222222';
const DS = 'd5000000-0000-4000-8000-000000000001';
const CLIENT_COLUMNS = ['byte_size', 'content_sha256', 'contributor_id', 'dataset_id', 'detected_type', 'flags',
  'model_id', 'quality_score', 'scorer_version', 'sub_scores'];

let db;
const q = async (sql, params = []) => (await db.query(sql, params)).rows;

/** Run fn inside a transaction as `role` with the JWT claims PostgREST would set; always rolled back. */
async function asRole(role, claims, fn) {
  await db.query('begin');
  try {
    await db.query(`select set_config('role', $1, true), set_config('request.jwt.claims', $2, true)`, [role, JSON.stringify(claims)]);
    return await fn();
  } finally {
    await db.query('rollback');
  }
}

before(async () => {
  h.resetDatabase(DB);
  db = await h.adminClient(DB);
  await h.seed(db, { users: [U1, U2], datasets: [{ id: DS, domain: 'schema', name: 'checks' }] });
});
after(async () => { await db?.end(); });

test('migrations use the Supabase CLI layout: supabase/migrations/<14-digit timestamp>_<name>.sql', () => {
  const files = fs.readdirSync(path.join(h.ROOT, 'supabase/migrations'));
  assert.ok(files.length >= 2);
  for (const f of files) assert.match(f, /^\d{14}_[a-z0-9_]+\.sql$/);
});

test('data_contributions has exactly the metadata columns, none able to hold content', async () => {
  const columns = await q(`select column_name, data_type, is_nullable, column_default from information_schema.columns
                           where table_schema = 'public' and table_name = 'data_contributions' order by ordinal_position`);
  assert.deepEqual(columns.map((c) => [c.column_name, c.data_type, c.is_nullable]), [
    ['id', 'uuid', 'NO'], ['dataset_id', 'uuid', 'NO'], ['contributor_id', 'uuid', 'NO'],
    ['content_sha256', 'text', 'NO'], ['byte_size', 'bigint', 'NO'], ['detected_type', 'text', 'NO'],
    ['quality_score', 'numeric', 'NO'], ['sub_scores', 'jsonb', 'NO'], ['flags', 'jsonb', 'NO'],
    ['model_id', 'text', 'NO'], ['scorer_version', 'text', 'NO'], ['created_at', 'timestamp with time zone', 'NO'],
  ]);
  assert.equal(columns.find((c) => c.column_name === 'contributor_id').column_default, 'auth.uid()');
  // every text/jsonb column is bounded by a CHECK constraint on that column
  const checked = new Set((await q(`select a.attname from pg_constraint c
                                    join pg_attribute a on a.attrelid = c.conrelid and a.attnum = any(c.conkey)
                                    where c.conrelid = 'public.data_contributions'::regclass and c.contype = 'c'`)).map((r) => r.attname));
  for (const c of columns.filter((c) => ['text', 'jsonb'].includes(c.data_type))) {
    assert.ok(checked.has(c.column_name), `${c.column_name} has no CHECK constraint`);
  }
  const [key] = await q(`select pg_get_constraintdef(oid) as def from pg_constraint where conname = 'data_contributions_dedupe_key'`);
  assert.equal(key.def, 'UNIQUE (dataset_id, contributor_id, content_sha256)');
});

test('grants are tightened: anon has nothing; authenticated reads and inserts client columns only', async () => {
  const anon = await q(`select table_name, privilege_type from information_schema.role_table_grants
                        where table_schema = 'public' and grantee = 'anon'`);
  assert.deepEqual(anon, []);
  const anonColumns = await q(`select table_name, column_name from information_schema.column_privileges
                               where table_schema = 'public' and grantee = 'anon'`);
  assert.deepEqual(anonColumns, []);
  const tablePrivileges = await q(`select privilege_type from information_schema.role_table_grants
                                   where table_schema = 'public' and table_name = 'data_contributions' and grantee = 'authenticated'
                                   order by privilege_type`);
  assert.deepEqual(tablePrivileges.map((r) => r.privilege_type), ['SELECT']);
  const insertable = await q(`select column_name from information_schema.column_privileges
                              where table_schema = 'public' and table_name = 'data_contributions'
                                and grantee = 'authenticated' and privilege_type = 'INSERT' order by column_name`);
  assert.deepEqual(insertable.map((r) => r.column_name), CLIENT_COLUMNS);
  const [datasets] = await q(`select has_table_privilege('authenticated', 'public.datasets', 'select') as s,
                                     has_table_privilege('authenticated', 'public.datasets', 'insert') as i,
                                     has_table_privilege('authenticated', 'public.datasets', 'update') as u`);
  assert.deepEqual(datasets, { s: true, i: false, u: false });
});

test('RLS is enabled on every table of the exposed schema', async () => {
  const tables = await q(`select c.relname, c.relrowsecurity from pg_class c join pg_namespace n on n.oid = c.relnamespace
                          where n.nspname = 'public' and c.relkind in ('r', 'p') order by c.relname`);
  assert.deepEqual(tables.map((t) => t.relname), ['contribution_daily', 'contribution_limits', 'contribution_rate',
    'contributors', 'data_contributions', 'dataset_contents', 'dataset_contributor_quality', 'dataset_members',
    'dataset_quality_dirty', 'dataset_references', 'datasets']);
  for (const t of tables) assert.equal(t.relrowsecurity, true, t.relname);
});

test('functions: refresh_dataset_quality is service_role only; the signup trigger function is not callable', async () => {
  const [p] = await q(`select has_function_privilege('anon', 'public.refresh_dataset_quality(uuid)', 'execute') as anon,
                              has_function_privilege('authenticated', 'public.refresh_dataset_quality(uuid)', 'execute') as auth,
                              has_function_privilege('service_role', 'public.refresh_dataset_quality(uuid)', 'execute') as service,
                              has_function_privilege('authenticated', 'public.handle_new_contributor()', 'execute') as trigger_fn`);
  assert.deepEqual(p, { anon: false, auth: false, service: true, trigger_fn: false });
  await asRole('authenticated', { sub: U1, role: 'authenticated' }, async () => {
    await assert.rejects(db.query('select public.refresh_dataset_quality()'), (e) => e.code === '42501');
  });
});

test('issue 13 tables: clients get dataset_members SELECT only; bookkeeping tables and trigger functions are closed', async () => {
  const granted = await q(`select table_name, privilege_type from information_schema.role_table_grants
                           where table_schema = 'public' and grantee = 'authenticated'
                             and table_name not in ('contributors', 'datasets', 'data_contributions')
                           order by table_name, privilege_type`);
  // (issue 14's reference table and listing view: SELECT here, column-level INSERT/UPDATE on the table)
  assert.deepEqual(granted, [{ table_name: 'contributable_datasets', privilege_type: 'SELECT' },
    { table_name: 'dataset_members', privilege_type: 'SELECT' }, { table_name: 'dataset_references', privilege_type: 'SELECT' }]);
  for (const fn of ['queue_dataset_quality()', 'claim_contribution_content()', 'release_contribution_content()',
    'enforce_contribution_limits()']) {
    const [p] = await q(`select has_function_privilege('authenticated', 'public.${fn}', 'execute') as auth,
                                has_function_privilege('anon', 'public.${fn}', 'execute') as anon,
                                p.prosecdef as definer, p.proconfig::text as config
                         from pg_proc p where p.oid = 'public.${fn}'::regprocedure`);
    assert.deepEqual(p, { auth: false, anon: false, definer: true, config: String.raw`{"search_path=\"\""}` }, fn);
  }
  const [d] = await q(`select column_default, is_nullable from information_schema.columns
                       where table_schema = 'public' and table_name = 'datasets' and column_name = 'access'`);
  assert.deepEqual(d, { column_default: "'open'::text", is_nullable: 'NO' });
  await assert.rejects(db.query(`update public.datasets set access = 'secret' where id = $1`, [DS]),
    (e) => e.code === '23514' && /datasets_access_known/.test(e.message));
  await assert.rejects(db.query(`insert into public.contribution_limits (id) values (false)`), (e) => e.code === '23514');
  await assert.rejects(db.query(`insert into public.contribution_limits default values`), (e) => e.code === '23505');
});

test('signing up creates the contributors row (trigger on auth.users)', async () => {
  assert.deepEqual(await q('select id from public.contributors order by id'), [{ id: U1 }, { id: U2 }]);
});

test('RLS at SQL level: insert own only, read own only, defaults from the JWT', async () => {
  const sha = 'ab'.repeat(32);
  await asRole('authenticated', { sub: U1, role: 'authenticated' }, async () => {
    const [row] = (await db.query(`insert into public.data_contributions
      (dataset_id, content_sha256, byte_size, detected_type, quality_score, model_id, scorer_version)
      values ($1, $2, 10, 'csv', 55, 'm', '1.0.0') returning contributor_id, sub_scores, flags`, [DS, sha])).rows;
    assert.deepEqual(row, { contributor_id: U1, sub_scores: {}, flags: {} });
    await db.query('savepoint s');
    await assert.rejects(db.query(`insert into public.data_contributions
      (dataset_id, contributor_id, content_sha256, byte_size, detected_type, quality_score, model_id, scorer_version)
      values ($1, $2, $3, 10, 'csv', 55, 'm', '1.0.0')`, [DS, U2, 'cd'.repeat(32)]),
    (e) => e.code === '42501' && /row-level security/.test(e.message));
    await db.query('rollback to savepoint s');
    await db.query(`select set_config('request.jwt.claims', $1, true)`, [JSON.stringify({ sub: U2, role: 'authenticated' })]);
    assert.deepEqual((await db.query('select id from public.data_contributions')).rows, []);
    assert.equal((await db.query('select id from public.datasets')).rows.length, 1);
  });
});

test('refresh_dataset_quality: median of per-contributor medians, both counts, from the queue', async () => {
  // U1: 10.00, 20.50, 91.25 -> median 20.50; U2: 60 -> 60; the listing: median(20.50, 60) = 40.25
  await db.query(`insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size,
                    detected_type, quality_score, model_id, scorer_version)
                  select $1, $2, encode(sha256(convert_to(g::text, 'UTF8')), 'hex'), 1, 'text', s, 'm', '1.0.0'
                  from unnest(array[10.00, 20.50, 91.25]) with ordinality as t(s, g)`, [DS, U1]);
  await db.query(`insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size,
                    detected_type, quality_score, model_id, scorer_version)
                  values ($1, $2, $3, 1, 'text', 60, 'm', '1.0.0')`, [DS, U2, 'ef'.repeat(32)]);
  assert.deepEqual(await q('select dataset_id, contributor_id from public.dataset_quality_dirty order by contributor_id'),
    [{ dataset_id: DS, contributor_id: U1 }, { dataset_id: DS, contributor_id: U2 }]);
  const refresh = async (arg) => {
    await db.query('begin');
    try {
      await db.query('set local role service_role');
      return (await db.query(`select public.refresh_dataset_quality(${arg}) as n`)).rows[0].n;
    } finally {
      await db.query('commit');
    }
  };
  assert.equal(await refresh(''), 1);
  const listing = async () => q(`select quality_score, contributor_count, contribution_count from public.datasets where id = $1`, [DS]);
  assert.deepEqual(await listing(), [{ quality_score: '40.25', contributor_count: '2', contribution_count: '4' }]);
  assert.deepEqual(await q('select count(*)::int as n from public.dataset_quality_dirty'), [{ n: 0 }]);
  assert.equal(await refresh(''), 0, 'an empty queue touches nothing');
  // a rebuild of one dataset from its rows gives the same
  assert.equal(await refresh(`'${DS}'`), 1);
  assert.deepEqual(await listing(), [{ quality_score: '40.25', contributor_count: '2', contribution_count: '4' }]);
});

test('refresh_dataset_quality: a big queue (> 10 000 pairs) takes the one-pass path with the same result', async () => {
  const BIG = 'd5000000-0000-4000-8000-0000000000b1';
  const ghost = '5e000000-0000-4000-8000-000000000001'; // a summary row whose contributor has no rows any more
  await db.query(`insert into public.datasets (id, domain, name) values ($1, 'schema', 'big')`, [BIG]);
  await db.query(`insert into auth.users (id) select gen_random_uuid() from generate_series(1, 10001)`);
  await db.query(`insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size,
                    detected_type, quality_score, model_id, scorer_version)
                  select $1, c.id, encode(sha256(convert_to(c.id::text || k::text, 'UTF8')), 'hex'), 1, 'text',
                         (abs(hashtext(c.id::text || k::text)) % 10001) / 100.0, 'm', '1.0.0'
                  from public.contributors c cross join generate_series(1, 1 + abs(hashtext(c.id::text)) % 3) k
                  where c.id not in ($2, $3)`, [BIG, U1, U2]);
  await db.query(`insert into public.dataset_contributor_quality values ($1, $2, 99, 5)`, [BIG, ghost]);
  await db.query(`insert into public.dataset_quality_dirty values ($1, $2)`, [BIG, ghost]);
  assert.ok(Number((await q('select count(*) from public.dataset_quality_dirty'))[0].count) > 10000);
  await db.query('begin');
  try {
    await db.query('set local role service_role');
    assert.equal((await db.query('select public.refresh_dataset_quality() as n')).rows[0].n, 1);
  } finally {
    await db.query('commit');
  }
  const [expected] = await q(`select round(percentile_cont(0.5) within group (order by m)::numeric, 2)::text as quality_score,
                                     count(*)::text as contributor_count, sum(n)::text as contribution_count
                              from (select round(percentile_cont(0.5) within group (order by quality_score)::numeric, 2) as m,
                                           count(*) as n
                                    from public.data_contributions where dataset_id = $1 group by contributor_id) per`, [BIG]);
  assert.equal(expected.contributor_count, '10001');
  assert.deepEqual(await q('select quality_score, contributor_count::text, contribution_count::text from public.datasets where id = $1', [BIG]),
    [expected]);
  assert.deepEqual(await q('select * from public.dataset_contributor_quality where contributor_id = $1', [ghost]), []);
});

test('the marketplace and "my contributions" reads can use their indexes', async () => {
  const plan = async (sql) => {
    await db.query('begin');
    try {
      await db.query('set local enable_seqscan = off');
      return (await db.query(`explain (costs off) ${sql}`)).rows.map((r) => r['QUERY PLAN']).join('\n');
    } finally {
      await db.query('rollback');
    }
  };
  assert.match(await plan(`select id from public.datasets where domain = 'news' and quality_score >= 70
                           order by quality_score desc nulls last limit 20`), /datasets_domain_quality_idx/);
  assert.match(await plan(`select id from public.data_contributions where dataset_id = '${DS}'
                           order by quality_score desc limit 20`), /data_contributions_dataset_quality_idx/);
  assert.match(await plan(`select id from public.data_contributions where contributor_id = '${U1}'
                           order by created_at desc limit 20`), /data_contributions_contributor_created_idx/);
});

test('platform stand-in: the roles Supabase has, with the same attributes', async () => {
  const roles = await q(`select rolname, rolcanlogin, rolinherit, rolbypassrls from pg_roles
                         where rolname in ('anon', 'authenticated', 'service_role', 'authenticator') order by rolname`);
  assert.deepEqual(roles, [
    { rolname: 'anon', rolcanlogin: false, rolinherit: false, rolbypassrls: false },
    { rolname: 'authenticated', rolcanlogin: false, rolinherit: false, rolbypassrls: false },
    { rolname: 'authenticator', rolcanlogin: true, rolinherit: false, rolbypassrls: false },
    { rolname: 'service_role', rolcanlogin: false, rolinherit: false, rolbypassrls: true },
  ]);
});
