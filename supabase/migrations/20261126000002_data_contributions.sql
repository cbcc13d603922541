-- data_contributions: one row per valued file. Metadata only: no column can carry file
-- content. Every text column is a bounded identifier or hash with a format CHECK, and the two
-- jsonb columns admit numbers only (sub-scores 0-100, flag counts), never strings.
-- Clients insert and read their own rows; rows are append-only (no UPDATE/DELETE grants).

create table public.data_contributions (
  id             uuid primary key default gen_random_uuid(),
  dataset_id     uuid not null references public.datasets (id),
  contributor_id uuid not null default auth.uid() references public.contributors (id) on delete cascade,
  content_sha256 text not null
                   constraint data_contributions_sha256_hex check (content_sha256 ~ '^[0-9a-f]{64}$'),
  byte_size      bigint not null
                   constraint data_contributions_byte_size_nonneg check (byte_size >= 0),
  detected_type  text not null
                   constraint data_contributions_detected_type_known
                   check (detected_type in ('text', 'markdown', 'csv', 'tsv', 'json', 'jsonl')),
  quality_score  numeric(5,2) not null
                   constraint data_contributions_quality_score_range
                   check (quality_score >= 0 and quality_score <= 100),
  -- {"quality": 87, "repetition": 100, "coherence": null, ...}: the scorer's sub-score names
  -- (valuation-core's Subscores, as valuation-submit's record writes them) -> integer 0..100 or null.
  -- A fixed name set and small integers: nothing else fits, so nothing can be smuggled here.
  sub_scores     jsonb not null default '{}'::jsonb
                   constraint data_contributions_sub_scores_shape check (
                     jsonb_typeof(sub_scores) = 'object'
                     and not jsonb_path_exists(sub_scores,
                       'strict $.keyvalue() ? (!(@.key == "quality" || @.key == "repetition" || @.key == "coherence"
                          || @.key == "structure" || @.key == "diversity" || @.key == "novelty" || @.key == "relevance"))')
                     and not jsonb_path_exists(sub_scores,
                       'strict $.* ? (!(@.type() == "null" || (@.type() == "number" && @ >= 0 && @ <= 100 && @.floor() == @)))')
                   ),
  -- {"pii_email": 2, "redact": 1, ...}: flag code -> count of occurrences in the file. PII is
  -- reported as counts only. At most 16 codes of <= 32 characters; a count is an integer
  -- 0 .. min(byte_size, 2^32 - 1) (nothing occurs more often than the file has bytes; the
  -- scorer's PII counters are u32), so a count cannot carry a long number.
  flags          jsonb not null default '{}'::jsonb
                   constraint data_contributions_flags_shape check (
                     jsonb_typeof(flags) = 'object'
                     and jsonb_array_length(jsonb_path_query_array(flags, 'strict $.*')) <= 16
                     and not jsonb_path_exists(flags,
                       'strict $.keyvalue() ? (!(@.key like_regex "^[a-z][a-z0-9_]{0,31}$"))')
                     and not jsonb_path_exists(flags,
                       'strict $.* ? (!(@.type() == "number" && @ >= 0 && @ <= 4294967295 && @.floor() == @ && @ <= $size))',
                       jsonb_build_object('size', greatest(byte_size, 1)))
                   ),
  -- A Hugging Face style id, "name" or "org/name" (e.g. sentence-transformers/all-MiniLM-L6-v2).
  model_id       text not null
                   constraint data_contributions_model_id_format
                   check (char_length(model_id) <= 96
                          and model_id ~ '^[A-Za-z0-9][A-Za-z0-9._-]{0,63}(/[A-Za-z0-9][A-Za-z0-9._-]{0,63})?$'),
  -- Semantic version, e.g. 1.0.0 or 1.1.0-rc.1+build.5 (valuation-core's SCORER_VERSION).
  scorer_version text not null
                   constraint data_contributions_scorer_version_format
                   check (scorer_version ~ '^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}(-[0-9A-Za-z.-]{1,20})?(\+[0-9A-Za-z.-]{1,20})?$'),
  created_at     timestamptz not null default now(),
  -- Idempotency key: a retried submit of the same record conflicts here and is ignored by
  -- POST ...?on_conflict=dataset_id,contributor_id,content_sha256
  --      Prefer: resolution=ignore-duplicates
  -- It includes dataset_id, the planned hash-partition key (see supabase/README.md).
  constraint data_contributions_dedupe_key unique (dataset_id, contributor_id, content_sha256)
);
comment on table public.data_contributions is
  'Valuation metadata of one contributed file (never its content). Insert-only for clients.';

-- "My contributions, newest first"; also the RLS predicate's column, leading.
create index data_contributions_contributor_created_idx
  on public.data_contributions (contributor_id, created_at desc);
-- "Best contributions of a dataset" and the per-dataset aggregates of refresh_dataset_quality().
-- (Equality lookups by dataset_id alone are served by the unique key's index.)
create index data_contributions_dataset_quality_idx
  on public.data_contributions (dataset_id, quality_score desc);

-- Privileges: anon nothing; authenticated reads (RLS: own rows) and inserts only the
-- client-supplied columns (id and created_at stay server-side). No UPDATE/DELETE.
revoke all on public.data_contributions from anon, authenticated;
grant select on public.data_contributions to authenticated;
grant insert (dataset_id, contributor_id, content_sha256, byte_size, detected_type,
              quality_score, sub_scores, flags, model_id, scorer_version)
  on public.data_contributions to authenticated;

alter table public.data_contributions enable row level security;

-- Insert: own rows only, and only into an 'open' dataset or an 'invite' dataset the user is a
-- member of. Written as "not (an invite dataset without my membership)" so that an unknown
-- dataset still reaches its foreign key (409 23503) instead of looking like a policy refusal.
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
