-- Dataset references (issue 14): the content-free novelty reference `valuation dataset-ref`
-- writes, published by the dataset's owner and read by the browsers of its contributors.
--
-- Why a table column and not a Storage object: the app reaches Supabase through PostgREST only
-- (the local stack's gateway has no Storage server), a reference is small (16 bytes per accepted
-- unit: 100 000 units are 2 MB), and a row lets the database itself hold the rules that matter:
-- who may publish (RLS on the dataset's owner), who may read (RLS on who may contribute), and that
-- the stored hash and size are those of the stored bytes (CHECKs), so a client that lies about
-- either is refused and a browser can verify what it downloaded against the listing.

-- Who owns a dataset: the one signed-in user who may publish its reference. Null for datasets
-- the operator curates alone (then only service_role publishes). Set by the operator.
alter table public.datasets
  add column owner_id uuid references public.contributors (id) on delete set null;
create index datasets_owner_idx on public.datasets (owner_id) where owner_id is not null;

create table public.dataset_references (
  dataset_id   uuid primary key references public.datasets (id) on delete cascade,
  -- The reference file as `valuation dataset-ref` wrote it (format 2, binary). Sent and read as
  -- PostgREST sends bytea: a JSON string "\x<hex>".
  content      bytea not null,
  -- Lowercase hex SHA-256 of content: the browser's cache key and its integrity check.
  sha256       text not null
                 constraint dataset_references_sha256_hex check (sha256 ~ '^[0-9a-f]{64}$'),
  -- 1 byte .. 4 MiB (about 200 000 accepted units). The cap bounds what every contributor's
  -- browser downloads once per version; a larger dataset belongs in a Storage object instead.
  byte_size    integer not null
                 constraint dataset_references_byte_size_range check (byte_size between 1 and 4194304),
  -- Who published this version; null when the operator did (service_role or SQL, no JWT).
  published_by uuid default auth.uid() references public.contributors (id) on delete set null,
  published_at timestamptz not null default now(),
  -- The client-supplied hash and size must describe the bytes actually stored.
  constraint dataset_references_size_matches check (byte_size = octet_length(content)),
  constraint dataset_references_sha256_matches check (sha256 = encode(sha256(content), 'hex'))
);
comment on table public.dataset_references is
  'Novelty reference (valuation dataset-ref output) of a dataset; its owner publishes/replaces it, its contributors read it.';

-- published_by and published_at are the server's, on insert and on every replacement (an upsert
-- with Prefer: resolution=merge-duplicates only sets the columns it sends).
create function public.stamp_dataset_reference() returns trigger
language plpgsql set search_path = '' as $$
begin
  new.published_by := auth.uid();
  new.published_at := now();
  return new;
end $$;
revoke all on function public.stamp_dataset_reference() from public, anon, authenticated;

create trigger dataset_references_stamp
  before insert or update on public.dataset_references
  for each row execute function public.stamp_dataset_reference();

-- Privileges: anon nothing; authenticated reads (RLS below) and writes only the reference itself.
-- Publish or replace = POST /rest/v1/dataset_references?on_conflict=dataset_id with
-- Prefer: resolution=merge-duplicates (INSERT ... ON CONFLICT DO UPDATE of the columns sent).
revoke all on public.dataset_references from anon, authenticated;
grant select on public.dataset_references to authenticated;
grant insert (dataset_id, content, sha256, byte_size) on public.dataset_references to authenticated;
grant update (dataset_id, content, sha256, byte_size) on public.dataset_references to authenticated;
grant select, insert, update, delete on public.dataset_references to service_role;

alter table public.dataset_references enable row level security;

-- The owner of the dataset writes (insert and replace); nobody else, whatever they send.
create policy "dataset_references: owner publishes" on public.dataset_references
  for insert to authenticated with check (
    exists (select 1 from public.datasets d where d.id = dataset_id and d.owner_id = (select auth.uid())));
create policy "dataset_references: owner replaces" on public.dataset_references
  for update to authenticated
  using (exists (select 1 from public.datasets d where d.id = dataset_id and d.owner_id = (select auth.uid())))
  with check (exists (select 1 from public.datasets d where d.id = dataset_id and d.owner_id = (select auth.uid())));
-- Read by the owner and by whoever may contribute (the rule of "contributions: insert own").
create policy "dataset_references: owner and contributors read" on public.dataset_references
  for select to authenticated using (
    exists (select 1 from public.datasets d
            where d.id = dataset_id
              and (d.owner_id = (select auth.uid())
                   or d.access = 'open'
                   or exists (select 1 from public.dataset_members m
                              where m.dataset_id = d.id and m.contributor_id = (select auth.uid())))));

-- The app's listing: the datasets the signed-in user may contribute to, with their reference's
-- hash and size (not its bytes). security_invoker: the caller's RLS applies to both tables.
-- Served by datasets_domain_quality_idx for "order=domain,quality_score.desc.nullslast".
create view public.contributable_datasets with (security_invoker = true) as
select d.id, d.domain, d.name, d.description, d.quality_score, d.contributor_count,
       d.contribution_count, d.access,
       r.sha256 as reference_sha256, r.byte_size as reference_byte_size,
       r.published_at as reference_published_at
from public.datasets d
left join public.dataset_references r on r.dataset_id = d.id
where d.access = 'open'
   or exists (select 1 from public.dataset_members m
              where m.dataset_id = d.id and m.contributor_id = (select auth.uid()));
comment on view public.contributable_datasets is
  'Datasets the caller may contribute to, with their published reference''s hash and size.';

revoke all on public.contributable_datasets from anon, authenticated;
grant select on public.contributable_datasets to authenticated;
