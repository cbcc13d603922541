-- PLAN, not yet a migration: convert public.data_contributions into a table partitioned by
-- HASH (dataset_id), keeping every row, the idempotency key, the grants and RLS.
-- Tested by tests/supabase/partitioning.test.js; rationale in supabase/README.md ("Partitioning").
-- To ship it: copy it to supabase/migrations/<14-digit timestamp>_partition_data_contributions.sql.
--
-- Why HASH (dataset_id): a unique key of a partitioned table must contain the partition key.
-- The idempotency key (dataset_id, contributor_id, content_sha256) already does, so it stays
-- enforceable and `?on_conflict=dataset_id,contributor_id,content_sha256` keeps working. With
-- RANGE (created_at) it would have to become (..., created_at), and a retried submit (new
-- created_at) would no longer conflict. The primary key becomes (id, dataset_id).
--
-- Cost: one transaction holding an ACCESS EXCLUSIVE lock on data_contributions while the rows are
-- copied (submits wait; at ~1e6 rows expect seconds, at 1e8 do a batched copy instead, see the README).
-- Applying it twice fails at the guard below without changing anything.
-- Nothing of the table's definition is restated here: columns, constraints, grants, policies and
-- triggers are copied from the old table; the test compares them before and after.

begin;

do $$
begin
  if (select relkind from pg_class where oid = 'public.data_contributions'::regclass) = 'p' then
    raise exception 'public.data_contributions is already partitioned';
  end if;
end $$;

lock table public.data_contributions in access exclusive mode;

-- 1. Move the current table aside. Index-backed constraints and indexes are renamed so that the
--    new table takes the original names (clients see them in 23505 messages and on_conflict).
alter table public.data_contributions rename to data_contributions_unpartitioned;
alter table public.data_contributions_unpartitioned
  rename constraint data_contributions_pkey to data_contributions_unpartitioned_pkey;
alter table public.data_contributions_unpartitioned
  rename constraint data_contributions_dedupe_key to data_contributions_unpartitioned_dedupe_key;
alter index public.data_contributions_contributor_created_idx
  rename to data_contributions_unpartitioned_contributor_created_idx;
alter index public.data_contributions_dataset_quality_idx
  rename to data_contributions_unpartitioned_dataset_quality_idx;

-- 2. The partitioned table: same columns, defaults, NOT NULLs and CHECK constraints (copied from
--    the old table, so they cannot drift from the migrations), then the keys and indexes.
create table public.data_contributions (
  like public.data_contributions_unpartitioned
    including defaults including constraints including comments including storage including statistics
) partition by hash (dataset_id);
comment on table public.data_contributions is
  'Valuation metadata of one contributed file (never its content). Insert-only for clients.';

alter table public.data_contributions
  add constraint data_contributions_pkey primary key (id, dataset_id),
  add constraint data_contributions_dedupe_key unique (dataset_id, contributor_id, content_sha256),
  add constraint data_contributions_dataset_id_fkey
    foreign key (dataset_id) references public.datasets (id),
  add constraint data_contributions_contributor_id_fkey
    foreign key (contributor_id) references public.contributors (id) on delete cascade;
create index data_contributions_contributor_created_idx
  on public.data_contributions (contributor_id, created_at desc);
create index data_contributions_dataset_quality_idx
  on public.data_contributions (dataset_id, quality_score desc);

-- 3. Partitions. Each is a table of its own in the exposed schema: Supabase's default privileges
--    grant it to anon and authenticated, and the parent's RLS does not apply when a partition is
--    queried directly (GET /rest/v1/data_contributions_p0). So: no grants, and RLS enabled with
--    no policy (deny all). Rows written or read through the parent use the parent's grants and
--    policies only.
do $$
begin
  for i in 0..7 loop
    execute format(
      'create table public.%I partition of public.data_contributions for values with (modulus 8, remainder %s)',
      'data_contributions_p' || i, i);
    execute format('revoke all on public.%I from anon, authenticated', 'data_contributions_p' || i);
    execute format('alter table public.%I enable row level security', 'data_contributions_p' || i);
  end loop;
end $$;

-- 4. Copy every row (ids and created_at included) and check nothing was lost.
insert into public.data_contributions select * from public.data_contributions_unpartitioned;

do $$
declare
  before_count bigint;
  after_count bigint;
begin
  select count(*) into before_count from public.data_contributions_unpartitioned;
  select count(*) into after_count from public.data_contributions;
  if before_count <> after_count then
    raise exception 'row count changed: % before, % after', before_count, after_count;
  end if;
end $$;

-- 5. Privileges, RLS, policies and triggers on the parent: copied from the table moved aside, so
--    they cannot drift from the migrations (the test compares them before and after). The
--    triggers come only now, after the copy: the copied rows are already queued, claimed and
--    counted, and the operator's copy must not be rate limited or re-claimed row by row. Statement
--    triggers with transition tables are allowed on a partitioned table; row triggers are cloned
--    to each partition.
do $$
declare
  old constant regclass := 'public.data_contributions_unpartitioned';
  new constant regclass := 'public.data_contributions';
  r record;
begin
  -- The new table's ACL is what Supabase's default privileges gave it: clear it, then grant
  -- exactly the old table's, table-wide and per column (the client's INSERT is per column).
  for r in select distinct coalesce(g.rolname, 'public') as role
           from pg_class c, aclexplode(c.relacl) a left join pg_roles g on g.oid = a.grantee
           where c.oid = new and a.grantee <> c.relowner loop
    execute format('revoke all on %s from %s', new, case when r.role = 'public' then 'public' else quote_ident(r.role) end);
  end loop;
  for r in select a.privilege_type as priv, coalesce(quote_ident(g.rolname), 'public') as role
           from pg_class c, aclexplode(c.relacl) a left join pg_roles g on g.oid = a.grantee
           where c.oid = old and a.grantee <> c.relowner loop
    execute format('grant %s on %s to %s', r.priv, new, r.role);
  end loop;
  for r in select a.privilege_type as priv, coalesce(quote_ident(g.rolname), 'public') as role,
                  string_agg(quote_ident(att.attname), ', ' order by att.attnum) as columns
           from pg_attribute att, aclexplode(att.attacl) a left join pg_roles g on g.oid = a.grantee
           where att.attrelid = old and att.attnum > 0 and not att.attisdropped
           group by 1, 2 loop
    execute format('grant %s (%s) on %s to %s', r.priv, r.columns, new, r.role);
  end loop;

  if (select relrowsecurity from pg_class where oid = old) then
    execute format('alter table %s enable row level security', new);
  end if;
  if (select relforcerowsecurity from pg_class where oid = old) then
    execute format('alter table %s force row level security', new);
  end if;
  -- pg_policies deparses the expressions, qualifying the table's own columns by the old name
  -- where a subquery needs it (data_contributions_unpartitioned.dataset_id): renamed back.
  for r in select policyname, permissive, cmd, roles,
                  regexp_replace(qual, '\mdata_contributions_unpartitioned\.', 'data_contributions.', 'g') as qual,
                  regexp_replace(with_check, '\mdata_contributions_unpartitioned\.', 'data_contributions.', 'g') as with_check
           from pg_policies
           where schemaname = 'public' and tablename = 'data_contributions_unpartitioned' loop
    execute format('create policy %I on %s as %s for %s to %s%s%s',
      r.policyname, new, r.permissive, r.cmd,
      (select string_agg(case when role = 'public' then 'public' else quote_ident(role) end, ', ')
       from unnest(r.roles) as role),
      coalesce(' using (' || r.qual || ')', ''),
      coalesce(' with check (' || r.with_check || ')', ''));
  end loop;

  for r in select pg_get_triggerdef(oid) as def from pg_trigger
           where tgrelid = old and not tgisinternal order by tgname loop
    execute regexp_replace(r.def, ' ON (public\.)?data_contributions_unpartitioned ', format(' ON %s ', new));
  end loop;
end $$;

-- 6. The old table goes (its policies, grants and triggers with it).
drop table public.data_contributions_unpartitioned;

-- 7. PostgREST reloads its schema cache (Supabase also does this by itself after DDL).
notify pgrst, 'reload schema';

commit;
