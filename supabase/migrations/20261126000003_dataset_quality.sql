-- Dataset-level quality for the marketplace (datasets.quality_score, contribution_count):
-- recomputed in one statement by the operator (service_role, e.g. a scheduled job), not by a
-- trigger on every insert, which would serialise all submits to a dataset on its row lock.

create function public.refresh_dataset_quality(p_dataset_id uuid default null)
returns integer
language sql security invoker set search_path = '' as $$
  with agg as (
    select dataset_id, round(avg(quality_score), 2) as quality_score, count(*) as n
    from public.data_contributions
    where p_dataset_id is null or dataset_id = p_dataset_id
    group by dataset_id
  ), updated as (
    update public.datasets d
    set quality_score = agg.quality_score, contribution_count = agg.n
    from agg
    where d.id = agg.dataset_id
    returning 1
  )
  select count(*)::integer from updated
$$;
comment on function public.refresh_dataset_quality(uuid) is
  'Recompute datasets.quality_score/contribution_count from data_contributions; service_role only.';

-- Supabase's default privileges (and PostgreSQL's PUBLIC default) would let anyone call it.
revoke all on function public.refresh_dataset_quality(uuid) from public, anon, authenticated;
grant execute on function public.refresh_dataset_quality(uuid) to service_role;
