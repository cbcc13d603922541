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
  -- dataset-level quality for marketplace listings: mean quality_score of its contributions,
  -- refreshed by public.refresh_dataset_quality() (service_role); null until first refreshed
  quality_score      numeric(5,2) constraint datasets_quality_score_range
                       check (quality_score is null or (quality_score >= 0 and quality_score <= 100)),
  contribution_count bigint not null default 0 check (contribution_count >= 0),
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
