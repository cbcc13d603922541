-- Contributors and datasets. Each table is locked down (grants + RLS) in the migration that
-- creates it, so no table is ever exposed with Supabase's default grants between migrations.
--
-- Supabase grants ALL on every new table in schema public to anon and authenticated (default
-- privileges); RLS would be the only gate. Here anon gets nothing and authenticated gets only
-- what the client needs; service_role (the operator's secret key, never in a browser) keeps ALL.

-- contributors: one row per signed-in user (id = auth.users.id = the JWT's sub)
create table public.contributors (
  id           uuid primary key references auth.users (id) on delete cascade,
  display_name text check (display_name is null or char_length(display_name) between 1 and 100),
  created_at   timestamptz not null default now()
);
comment on table public.contributors is
  'One row per signed-in user; created by the on_auth_user_created_contributor trigger.';

-- datasets: curated by the operator (service_role or migrations), readable by signed-in users
create table public.datasets (
  id                 uuid primary key default gen_random_uuid(),
  domain             text not null check (char_length(domain) between 1 and 100),
  name               text not null check (char_length(name) between 1 and 200),
  description        text check (description is null or char_length(description) <= 4000),
  -- Dataset-level quality for marketplace listings: each contributor counts once (the median of
  -- the per-contributor medians, see 20261126000003_dataset_quality.sql), maintained by
  -- public.refresh_dataset_quality() (service_role); null while the dataset has no contributions.
  quality_score      numeric(5,2) constraint datasets_quality_score_range
                       check (quality_score is null or (quality_score >= 0 and quality_score <= 100)),
  contributor_count  bigint not null default 0 check (contributor_count >= 0),
  contribution_count bigint not null default 0 check (contribution_count >= 0),
  -- Who may contribute: 'open' = any signed-in user, 'invite' = members only (dataset_members).
  access             text not null default 'open'
                       constraint datasets_access_known check (access in ('open', 'invite')),
  -- Contributions one contributor may add to this dataset per UTC day (429 beyond it).
  daily_quota        integer not null default 10000
                       constraint datasets_daily_quota_range check (daily_quota between 1 and 1000000),
  created_at         timestamptz not null default now(),
  constraint datasets_domain_name_key unique (domain, name)   -- also serves "datasets of a domain"
);
comment on table public.datasets is
  'Datasets contributors submit to. Written by the operator only; read by signed-in users.';

-- marketplace: "datasets in domain D, best first" / "... with quality >= Q"
create index datasets_domain_quality_idx on public.datasets (domain, quality_score desc nulls last);

-- Privileges
revoke all on public.contributors, public.datasets from anon, authenticated;
grant select on public.datasets to authenticated;
grant select on public.contributors to authenticated;
grant insert (id, display_name) on public.contributors to authenticated;
grant update (display_name) on public.contributors to authenticated;

-- Row level security
alter table public.contributors enable row level security;
alter table public.datasets     enable row level security;

create policy "contributors: read own" on public.contributors
  for select to authenticated using (id = (select auth.uid()));
create policy "contributors: insert own" on public.contributors
  for insert to authenticated with check (id = (select auth.uid()));
create policy "contributors: update own" on public.contributors
  for update to authenticated using (id = (select auth.uid())) with check (id = (select auth.uid()));

create policy "datasets: signed-in users read" on public.datasets
  for select to authenticated using (true);

-- dataset_members: who may contribute to an 'invite' dataset. Written by the operator
-- (service_role); a signed-in user reads only their own memberships.
create table public.dataset_members (
  dataset_id     uuid not null references public.datasets (id) on delete cascade,
  contributor_id uuid not null references public.contributors (id) on delete cascade,
  created_at     timestamptz not null default now(),
  primary key (dataset_id, contributor_id)
);
comment on table public.dataset_members is
  'Contributors allowed to submit to an invite-only dataset. Written by the operator only.';
-- "my memberships" (and the cascade from contributors)
create index dataset_members_contributor_idx on public.dataset_members (contributor_id);

revoke all on public.dataset_members from anon, authenticated;
grant select on public.dataset_members to authenticated;
alter table public.dataset_members enable row level security;
create policy "dataset_members: read own" on public.dataset_members
  for select to authenticated using (contributor_id = (select auth.uid()));

-- Create the contributors row when a user signs up (the standard Supabase pattern). Users that
-- existed before this migration need a one-off backfill:
--   insert into public.contributors (id) select id from auth.users on conflict do nothing;
create function public.handle_new_contributor() returns trigger
language plpgsql security definer set search_path = '' as $$
begin
  insert into public.contributors (id) values (new.id) on conflict (id) do nothing;
  return new;
end $$;
revoke all on function public.handle_new_contributor() from public, anon, authenticated;

create trigger on_auth_user_created_contributor
  after insert on auth.users for each row execute function public.handle_new_contributor();
