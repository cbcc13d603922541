#!/usr/bin/env bash
# How cheap the marketplace listing's refresh stays on a big data_contributions table
# (supabase/migrations/20261126000003_dataset_quality.sql), on a fresh PostgreSQL 15 with the
# project's migrations (scripts/with-stack.sh).
#
#   tests/bench/quality-refresh/run.sh
#   ROWS=10000000 tests/bench/quality-refresh/run.sh      # the issue's 10 M rows (several minutes)
#
# Env: ROWS (default 1000000), DATASETS (100), CONTRIBUTORS (1000), BURST (1000 rows: the new
# contributions between two refreshes), BURST_PAIRS (20 (dataset, contributor) pairs they touch).
# 1. generates ROWS rows (operator load, triggers off) over DATASETS x CONTRIBUTORS pairs;
# 2. full build: every pair queued, one refresh_dataset_quality() -> rows/s;
# 3. incremental: BURST rows inserted through the normal trigger path, then the refresh that
#    the scheduled job would run -> its time, the rows it re-read, rows/s, and the table's rows
#    per second of refresh (what a non-incremental refresh would have to reach);
# 4. for comparison, one full GROUP BY scan computing the same medians.
# A benchmark, not a test: it asserts nothing about speed and is not part of scripts/test.sh.
set -euo pipefail
ROOT=$(cd "$(dirname "$0")/../../.." && pwd)
if [[ -z ${PG_PORT:-} ]]; then exec "$ROOT/scripts/with-stack.sh" "$0" "$@"; fi

ROWS=${ROWS:-1000000} DATASETS=${DATASETS:-100} CONTRIBUTORS=${CONTRIBUTORS:-1000}
BURST=${BURST:-1000} BURST_PAIRS=${BURST_PAIRS:-20}
PSQL=("${PGBIN:-/usr/lib/postgresql/15/bin}/psql" -X -q -A -t -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB")
sql() { PGOPTIONS='-c client_min_messages=warning' "${PSQL[@]}" -c "$1"; }
now() { date +%s.%N; }
secs() { awk -v s="$1" -v e="$2" 'BEGIN { printf "%.3f", e - s }'; }
per_s() { awk -v n="$1" -v t="$2" 'BEGIN { printf "%.0f", (t > 0 ? n / t : 0) }'; }

echo "quality-refresh: $ROWS rows, $DATASETS datasets x $CONTRIBUTORS contributors ($(per_s "$ROWS" "$((DATASETS * CONTRIBUTORS))") rows per pair)"

sql "insert into auth.users (id) select gen_random_uuid() from generate_series(1, $CONTRIBUTORS);
     insert into public.datasets (domain, name) select 'bench', 'ds ' || g from generate_series(1, $DATASETS) g;"
t0=$(now)
sql "set session_replication_role = replica;  -- an operator's bulk load: no triggers, no FK checks
     set maintenance_work_mem = '256MB';
     insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size, detected_type,
                                            quality_score, model_id, scorer_version)
     select d.ids[1 + g % $DATASETS], c.ids[1 + (g / $DATASETS) % $CONTRIBUTORS],
            md5(g::text) || md5((-g)::text), 1000, 'text', (g * 7919 % 10001) / 100.0,
            'sentence-transformers/all-MiniLM-L6-v2', '1.0.0'
     from generate_series(1::bigint, $ROWS) g,
          (select array_agg(id order by id) as ids from public.datasets) d,
          (select array_agg(id order by id) as ids from public.contributors) c;
     analyze public.data_contributions;"
t1=$(now)
echo "  generate:                         $(secs "$t0" "$t1") s"

# 2. full build: everything queued (as after the migration on an existing table)
sql "insert into public.dataset_quality_dirty select distinct dataset_id, contributor_id from public.data_contributions;"
t0=$(now)
n=$(sql "set role service_role; select public.refresh_dataset_quality();")
t1=$(now)
full=$(secs "$t0" "$t1")
echo "  full build (every pair queued):   ${full} s for $n datasets = $(per_s "$ROWS" "$full") rows/s"

# 3. incremental: a burst of new contributions through the trigger path, then the scheduled refresh
sql "with pairs as (
       select d.id as dataset_id, c.id as contributor_id, row_number() over () as k
       from (select id from public.datasets order by id limit greatest(1, $BURST_PAIRS / 4)) d
       cross join (select id from public.contributors order by id limit 4) c
       limit $BURST_PAIRS)
     insert into public.data_contributions (dataset_id, contributor_id, content_sha256, byte_size, detected_type,
                                            quality_score, model_id, scorer_version)
     select p.dataset_id, p.contributor_id, md5('burst' || g) || md5('burst-' || g), 1000, 'text', 99,
            'sentence-transformers/all-MiniLM-L6-v2', '1.0.0'
     from generate_series(1, $BURST) g join pairs p on p.k = 1 + g % (select count(*) from pairs);"
read -r queued reread < <(sql "select count(*), (select count(*) from public.data_contributions c
                                 join public.dataset_quality_dirty q using (dataset_id, contributor_id))
                               from public.dataset_quality_dirty" | tr '|' ' ')
t0=$(now)
n=$(sql "set role service_role; select public.refresh_dataset_quality();")
t1=$(now)
inc=$(secs "$t0" "$t1")
echo "  incremental after $BURST new rows:  ${inc} s for $queued queued pairs ($reread rows re-read), $n datasets"
echo "                                    = $(per_s "$reread" "$inc") rows re-read/s; $(per_s "$ROWS" "$inc") table rows/s equivalent"

# 4. what a non-incremental refresh costs: the same medians from one scan of every row
t0=$(now)
sql "select count(*) from (
       select dataset_id, percentile_cont(0.5) within group (order by m)
       from (select dataset_id, percentile_cont(0.5) within group (order by quality_score) as m
             from public.data_contributions group by dataset_id, contributor_id) per
       group by dataset_id) x;" >/dev/null
t1=$(now)
scan=$(secs "$t0" "$t1")
echo "  full scan for comparison:         ${scan} s = $(per_s "$ROWS" "$scan") rows/s"
