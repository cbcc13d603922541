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
-- Keep in step with the migrations: the policies (step 5) and triggers (step 6) are written out
-- here; the test compares them (and grants, constraints) before and after.

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

-- 5. Privileges and RLS on the parent: the same as 20261126000002_data_contributions.sql.
revoke all on public.data_contributions from anon, authenticated;
grant select on public.data_contributions to authenticated;
grant insert (dataset_id, contributor_id, content_sha256, byte_size, detected_type,
              quality_score, sub_scores, flags, model_id, scorer_version)
  on public.data_contributions to authenticated;

alter table public.data_contributions enable row level security;

create policy "contributions: insert own" on public.data_contributions
  for insert to authenticated with check (
    contributor_id = (select auth.uid())
    and not exists (
      select 1 from public.datasets d
      where d.id = dataset_id and d.access = 'invite'
        and not exists (select 1 from public.dataset_members m
                        where m.dataset_id = d.id and m.contributor_id = (select auth.uid()))));
create policy "contributions: read own" on public.data_contributions
  for select to authenticated using (contributor_id = (select auth.uid()));

-- 6. The triggers of 20261126000003/4 (quality queue, content claims, rate limit and quota), only
--    now, after the copy: the copied rows are already queued, claimed and counted, and the
--    operator's copy must not be rate limited or re-claimed row by row. Statement triggers with
--    transition tables are allowed on a partitioned table; row triggers are cloned to each partition.
create trigger data_contributions_quality_queue_insert
  after insert on public.data_contributions
  referencing new table as new_rows
  for each statement execute function public.queue_dataset_quality();
create trigger data_contributions_quality_queue_delete
  after delete on public.data_contributions
  referencing old table as old_rows
  for each statement execute function public.queue_dataset_quality();
create trigger data_contributions_claim_content
  after insert on public.data_contributions
  for each row execute function public.claim_contribution_content();
create trigger data_contributions_release_content
  after delete on public.data_contributions
  referencing old table as old_rows
  for each statement execute function public.release_contribution_content();
create trigger data_contributions_limits
  after insert on public.data_contributions
  referencing new table as new_rows
  for each statement execute function public.enforce_contribution_limits();

-- 7. The old table goes (its policies, grants and triggers with it).
drop table public.data_contributions_unpartitioned;

-- 8. PostgREST reloads its schema cache (Supabase also does this by itself after DDL).
notify pgrst, 'reload schema';

commit;
