-- What the submit path enforces beyond row shape, where no client can skip it:
--   1. the same content is paid once per dataset: a second account's identical content_sha256
--      in a dataset is refused (409 PT409), without saying whose it is;
--   2. the rate limit: at most 100 contributions per minute per contributor (429 PT429 with a
--      Retry-After header), all datasets together;
--   3. a per-contributor daily quota per dataset (datasets.daily_quota, default 10 000; 429 PT429).
-- All of it runs inside the INSERT statement, so rows skipped by ON CONFLICT DO NOTHING (a
-- retried submit) are neither refused nor counted, and a refused statement stores nothing.
--
-- Errors with headers use PostgREST's documented "RAISE SQLSTATE 'PGRST'" form: MESSAGE is the
-- JSON body ({"code","message","details","hint"}), DETAIL the JSON {"status","headers"}.
-- (A plain RAISE SQLSTATE 'PT429' sets the status but cannot add headers: response.headers is a
-- transaction-local setting, and PostgREST does not read it from a failed statement.)

------------------------------------------------------------------------------------------------
-- 1. Content claims: which contributor brought a content hash into a dataset first.

create table public.dataset_contents (
  dataset_id     uuid not null,
  content_sha256 text not null,
  contributor_id uuid not null,
  primary key (dataset_id, content_sha256)
);
comment on table public.dataset_contents is
  'First contributor of each content hash per dataset (the same content is paid once). Triggers only.';
revoke all on public.dataset_contents from anon, authenticated;
alter table public.dataset_contents enable row level security;

-- AFTER ROW: runs only for rows really inserted (not for ON CONFLICT DO NOTHING skips), after
-- RLS, CHECKs and the foreign keys (their "RI_..." triggers sort first), so it never speaks for
-- a row that would be refused anyway. Two accounts racing with the same file: the second's
-- claim waits for the first transaction (unique index) and then sees its claim. The same
-- contributor's row conflicts on data_contributions_dedupe_key first and never gets here.
create function public.claim_contribution_content() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  owner uuid;
begin
  insert into public.dataset_contents (dataset_id, content_sha256, contributor_id)
  values (new.dataset_id, new.content_sha256, new.contributor_id)
  on conflict (dataset_id, content_sha256) do nothing;
  if not found then
    select c.contributor_id into owner from public.dataset_contents c
    where c.dataset_id = new.dataset_id and c.content_sha256 = new.content_sha256;
    if owner is distinct from new.contributor_id then
      raise sqlstate 'PT409' using
        message = 'this content is already in the dataset',
        detail = 'A file with this content_sha256 was contributed to this dataset before; the same content is paid once per dataset.',
        hint = 'Do not submit this file to this dataset again.';
    end if;
  end if;
  return null;
end $$;
revoke all on function public.claim_contribution_content() from public, anon, authenticated;

create trigger data_contributions_claim_content
  after insert on public.data_contributions
  for each row execute function public.claim_contribution_content();

-- Rows that go (an account deleted, an operator's delete) release their claims.
create function public.release_contribution_content() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  delete from public.dataset_contents c
  using old_rows o
  where c.dataset_id = o.dataset_id and c.content_sha256 = o.content_sha256
    and c.contributor_id = o.contributor_id;
  return null;
end $$;
revoke all on function public.release_contribution_content() from public, anon, authenticated;

create trigger data_contributions_release_content
  after delete on public.data_contributions
  referencing old table as old_rows
  for each statement execute function public.release_contribution_content();

------------------------------------------------------------------------------------------------
-- 2. + 3. Rate limit and daily quota.

-- The limit itself: one row, operator only. The default is the seed's Phase-2 limit,
-- 100 contributions per 60 s window per contributor.
create table public.contribution_limits (
  id             boolean primary key default true constraint contribution_limits_one_row check (id),
  per_window     integer not null default 100 check (per_window between 1 and 100000),
  window_seconds integer not null default 60 check (window_seconds between 1 and 3600)
);
comment on table public.contribution_limits is
  'Rate limit of the submit path: at most per_window contributions per window_seconds per contributor.';
insert into public.contribution_limits default values;
revoke all on public.contribution_limits from anon, authenticated;
alter table public.contribution_limits enable row level security;

-- One row per contributor: the current fixed window and how many rows it has taken. A row per
-- contributor, not per window, so nothing has to be pruned.
create table public.contribution_rate (
  contributor_id uuid primary key references public.contributors (id) on delete cascade,
  window_start   timestamptz not null,
  used           integer not null check (used >= 0)
);
comment on table public.contribution_rate is
  'Contributions of the current rate-limit window per contributor. Triggers only.';

-- One row per (contributor, dataset): the current UTC day and its count.
create table public.contribution_daily (
  contributor_id uuid not null references public.contributors (id) on delete cascade,
  dataset_id     uuid not null references public.datasets (id) on delete cascade,
  day            date not null,
  used           integer not null check (used >= 0),
  primary key (contributor_id, dataset_id)
);
comment on table public.contribution_daily is
  'Contributions of the current UTC day per contributor and dataset (datasets.daily_quota). Triggers only.';
create index contribution_daily_dataset_idx on public.contribution_daily (dataset_id); -- FK cascade

revoke all on public.contribution_rate, public.contribution_daily from anon, authenticated;
alter table public.contribution_rate enable row level security;
alter table public.contribution_daily enable row level security;

-- Statement-level, from the statement's transition table: one upsert of the contributor's
-- counter per statement, not per row. Concurrent statements of the same contributor serialise
-- on that one counter row for the rest of their (short) transaction; different contributors
-- never touch the same row, so 100 clients at once do not wait for each other. A refused
-- statement rolls back, its count with it: waiting clients do not dig themselves deeper.
-- Only rows a signed-in user adds for themselves are limited (auth.uid() = contributor_id):
-- the operator's own loads (service_role, migrations) are not.
create function public.enforce_contribution_limits() returns trigger
language plpgsql security definer set search_path = '' as $$
declare
  uid constant uuid := auth.uid();
  added integer;
  per_window integer;
  window_seconds integer;
  win timestamptz;
  used_now integer;
  retry_after integer;
  over record;
begin
  if uid is null then
    return null;
  end if;
  select count(*) into added from new_rows where contributor_id = uid;
  if added = 0 then
    return null;
  end if;
  -- (aggregates: should the operator delete the row, the default applies instead of no limit)
  select coalesce(max(l.per_window), 100), coalesce(max(l.window_seconds), 60)
  into per_window, window_seconds from public.contribution_limits l;

  -- More rows in one statement than a whole window allows can never succeed: 413, which makes
  -- the client split the batch (a 429 would only make it wait and fail again).
  if added > per_window then
    raise sqlstate 'PGRST' using
      message = json_build_object(
        'code', 'PT413',
        'message', format('more contributions in one request than the rate limit allows (%s per %s s)',
                          per_window, window_seconds),
        'details', format('%s rows for one contributor in one request', added),
        'hint', 'Send smaller batches.')::text,
      detail = json_build_object('status', 413, 'headers', json_build_object())::text;
  end if;

  win := to_timestamp(floor(extract(epoch from now()) / window_seconds) * window_seconds);
  insert into public.contribution_rate as r (contributor_id, window_start, used)
  values (uid, win, added)
  on conflict (contributor_id) do update
    set used = case when r.window_start = excluded.window_start then r.used + excluded.used
                    else excluded.used end,
        window_start = excluded.window_start
  returning r.used into used_now;

  if used_now > per_window then
    retry_after := greatest(1, ceil(extract(epoch from
      (win + make_interval(secs => window_seconds) - clock_timestamp())))::integer);
    raise sqlstate 'PGRST' using
      message = json_build_object(
        'code', 'PT429',
        'message', format('rate limit: at most %s contributions per %s s per contributor', per_window, window_seconds),
        'details', format('%s of them used in the current window; this request adds %s', used_now - added, added),
        'hint', format('Retry after %s s.', retry_after))::text,
      detail = json_build_object('status', 429,
        'headers', json_build_object('Retry-After', retry_after::text))::text;
  end if;

  -- Daily quota, per dataset touched by the statement.
  for over in
    with per_dataset as (
      select dataset_id, count(*)::integer as n from new_rows where contributor_id = uid group by dataset_id
    ), counted as (
      insert into public.contribution_daily as q (contributor_id, dataset_id, day, used)
      select uid, p.dataset_id, (now() at time zone 'UTC')::date, p.n from per_dataset p
      order by p.dataset_id   -- one lock order for every statement
      on conflict (contributor_id, dataset_id) do update
        set used = case when q.day = excluded.day then q.used + excluded.used else excluded.used end,
            day = excluded.day
      returning q.dataset_id, q.used
    )
    select c.dataset_id, c.used, d.daily_quota
    from counted c join public.datasets d on d.id = c.dataset_id
    where c.used > d.daily_quota
    limit 1
  loop
    retry_after := greatest(1, ceil(extract(epoch from
      (((now() at time zone 'UTC')::date + 1)::timestamp at time zone 'UTC') - clock_timestamp()))::integer);
    raise sqlstate 'PGRST' using
      message = json_build_object(
        'code', 'PT429',
        'message', format('daily quota: at most %s contributions per day per contributor to this dataset',
                          over.daily_quota),
        'details', format('dataset %s', over.dataset_id),
        'hint', format('Retry after %s s (00:00 UTC).', retry_after))::text,
      detail = json_build_object('status', 429,
        'headers', json_build_object('Retry-After', retry_after::text))::text;
  end loop;
  return null;
end $$;
revoke all on function public.enforce_contribution_limits() from public, anon, authenticated;

create trigger data_contributions_limits
  after insert on public.data_contributions
  referencing new table as new_rows
  for each statement execute function public.enforce_contribution_limits();
