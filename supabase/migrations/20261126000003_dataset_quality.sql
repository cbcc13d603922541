-- Dataset-level quality for the marketplace (datasets.quality_score, contributor_count,
-- contribution_count). Scores are computed on the contributor's device, so any one client may
-- lie: the listed score counts each contributor once, whatever the number of their rows.
--
--   per contributor:  m_c = median of their contributions' quality_score in the dataset
--   per dataset:      quality_score = median of the m_c over its contributors (rounded to 0.01)
--
-- 200 rows scored 100 weigh exactly as one row scored 100: they move the listing by at most one
-- contributor's place in the ordered list of contributors. No contributions: null and 0 counts.
--
-- Kept cheap at 10 M rows: nothing is rescanned. Inserts and deletes (including the cascade when
-- an account is deleted) queue their (dataset, contributor) pairs in dataset_quality_dirty from a
-- statement-level trigger (one INSERT ... ON CONFLICT DO NOTHING per statement, not per row).
-- public.refresh_dataset_quality() (service_role, e.g. every minute from pg_cron) takes the queue,
-- recomputes the median of each queued pair only (an index range scan of that contributor's rows
-- in that dataset), stores it in dataset_contributor_quality, and recomputes the listed values
-- of the touched datasets from that summary (one row per contributor). The submit path itself
-- never touches the datasets row: a per-insert update of it would serialise every submit to a
-- dataset on that row's lock.

-- One row per (dataset, contributor) with contributions: their median and count.
create table public.dataset_contributor_quality (
  dataset_id     uuid not null references public.datasets (id) on delete cascade,
  contributor_id uuid not null,   -- no foreign key: a deleted account's row goes at the next refresh
  median_score   numeric(5,2) not null check (median_score >= 0 and median_score <= 100),
  contributions  bigint not null check (contributions > 0),
  primary key (dataset_id, contributor_id)
);
comment on table public.dataset_contributor_quality is
  'Per-contributor median quality per dataset; maintained by refresh_dataset_quality(). Operator only.';

-- (dataset, contributor) pairs whose rows changed since the last refresh.
create table public.dataset_quality_dirty (
  dataset_id     uuid not null,
  contributor_id uuid not null,
  primary key (dataset_id, contributor_id)
);
comment on table public.dataset_quality_dirty is
  'Queue of (dataset, contributor) pairs refresh_dataset_quality() must recompute. Filled by triggers.';

revoke all on public.dataset_contributor_quality, public.dataset_quality_dirty from anon, authenticated;
alter table public.dataset_contributor_quality enable row level security;
alter table public.dataset_quality_dirty enable row level security;

-- Statement-level, with the statement's transition table: rows skipped by ON CONFLICT DO NOTHING
-- (a retried submit) are not in it, so a retry queues nothing.
create function public.queue_dataset_quality() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  if tg_op = 'INSERT' then
    insert into public.dataset_quality_dirty (dataset_id, contributor_id)
    select distinct dataset_id, contributor_id from new_rows
    on conflict do nothing;
  else
    insert into public.dataset_quality_dirty (dataset_id, contributor_id)
    select distinct dataset_id, contributor_id from old_rows
    on conflict do nothing;
  end if;
  return null;
end $$;
revoke all on function public.queue_dataset_quality() from public, anon, authenticated;

create trigger data_contributions_quality_queue_insert
  after insert on public.data_contributions
  referencing new table as new_rows
  for each statement execute function public.queue_dataset_quality();
create trigger data_contributions_quality_queue_delete
  after delete on public.data_contributions
  referencing old table as old_rows
  for each statement execute function public.queue_dataset_quality();

-- refresh_dataset_quality():   process the queue (the scheduled job).
-- refresh_dataset_quality(id): rebuild one dataset from its rows (repair; queue entries of it are consumed).
-- Returns the number of datasets whose listing was recomputed.
create function public.refresh_dataset_quality(p_dataset_id uuid default null)
returns integer
language plpgsql security invoker set search_path = '' as $$
declare
  big_queue constant integer := 10000; -- pairs; above it 2a, below 2b
  ds uuid[];
  cs uuid[];
  dsu uuid[];
  n integer;
begin
  -- 1. Take the queue (rows queued meanwhile by other transactions stay for the next run).
  with taken as (
    delete from public.dataset_quality_dirty q
    where p_dataset_id is null or q.dataset_id = p_dataset_id
    returning q.dataset_id, q.contributor_id
  ), pairs as (
    select dataset_id, contributor_id from taken
    union
    select c.dataset_id, c.contributor_id from public.data_contributions c
    where p_dataset_id is not null and c.dataset_id = p_dataset_id
    union
    select s.dataset_id, s.contributor_id from public.dataset_contributor_quality s
    where p_dataset_id is not null and s.dataset_id = p_dataset_id
  )
  select coalesce(array_agg(dataset_id), '{}'), coalesce(array_agg(contributor_id), '{}') into ds, cs from pairs;

  -- 2a. A big queue (the first build on an existing table, a rebuild): one pass over the touched
  --     datasets' rows is cheaper than an index lookup per pair; every pair of them is recomputed.
  if cardinality(ds) > big_queue then
    select array_agg(distinct t.dataset_id) into dsu from unnest(ds) as t (dataset_id);
    with fresh as (
      select c.dataset_id, c.contributor_id,
             round(percentile_cont(0.5) within group (order by c.quality_score)::numeric, 2) as median_score,
             count(*) as contributions
      from public.data_contributions c
      where c.dataset_id = any (dsu)
      group by c.dataset_id, c.contributor_id
    ), gone as (
      delete from public.dataset_contributor_quality s
      where s.dataset_id = any (dsu)
        and not exists (select 1 from fresh f where f.dataset_id = s.dataset_id and f.contributor_id = s.contributor_id)
    )
    insert into public.dataset_contributor_quality (dataset_id, contributor_id, median_score, contributions)
    select f.dataset_id, f.contributor_id, f.median_score, f.contributions
    from fresh f
    where exists (select 1 from public.datasets d where d.id = f.dataset_id)
    on conflict (dataset_id, contributor_id) do update
      set median_score = excluded.median_score, contributions = excluded.contributions;
    ds := dsu;
  else
    -- 2b. Per-contributor medians of the queued pairs only (index range scans of their rows).
    with fresh as (
      select p.dataset_id, p.contributor_id, agg.median_score, agg.contributions
      from unnest(ds, cs) as p (dataset_id, contributor_id)
      cross join lateral (
        select round(percentile_cont(0.5) within group (order by c.quality_score)::numeric, 2) as median_score,
               count(*) as contributions
        from public.data_contributions c
        where c.dataset_id = p.dataset_id and c.contributor_id = p.contributor_id
      ) agg
    ), gone as (
      delete from public.dataset_contributor_quality s
      using fresh f
      where f.contributions = 0 and s.dataset_id = f.dataset_id and s.contributor_id = f.contributor_id
    )
    insert into public.dataset_contributor_quality (dataset_id, contributor_id, median_score, contributions)
    select f.dataset_id, f.contributor_id, f.median_score, f.contributions
    from fresh f
    where f.contributions > 0 and exists (select 1 from public.datasets d where d.id = f.dataset_id)
    on conflict (dataset_id, contributor_id) do update
      set median_score = excluded.median_score, contributions = excluded.contributions;
  end if;

  -- 3. The listing of every touched dataset, from the summary (one row per contributor). A
  --    dataset without contributions is reset: null score, 0 and 0.
  with touched as (
    select distinct t.dataset_id from unnest(ds) as t (dataset_id)
  ), listing as (
    select t.dataset_id,
           round(percentile_cont(0.5) within group (order by s.median_score)::numeric, 2) as quality_score,
           count(s.contributor_id) as contributor_count,
           coalesce(sum(s.contributions), 0) as contribution_count
    from touched t
    left join public.dataset_contributor_quality s on s.dataset_id = t.dataset_id
    group by t.dataset_id
  ), updated as (
    update public.datasets d
    set quality_score = l.quality_score,
        contributor_count = l.contributor_count,
        contribution_count = l.contribution_count
    from listing l
    where d.id = l.dataset_id
    returning 1
  )
  select count(*)::integer into n from updated;
  return n;
end $$;
comment on function public.refresh_dataset_quality(uuid) is
  'Recompute the marketplace listing (median of per-contributor medians, counts) of the datasets '
  'queued by inserts/deletes, or of one dataset from scratch; service_role only.';

-- Supabase's default privileges (and PostgreSQL's PUBLIC default) would let anyone call it.
revoke all on function public.refresh_dataset_quality(uuid) from public, anon, authenticated;
grant execute on function public.refresh_dataset_quality(uuid) to service_role;
-- The function runs as its caller: service_role needs the summary and the queue.
grant select, insert, update, delete on public.dataset_contributor_quality, public.dataset_quality_dirty
  to service_role;
