#!/usr/bin/env bash
# Database-side tests of the submit path (issue 5), from an empty database every time: a fresh
# PostgreSQL 15 and the test gateway (scripts/with-stack.sh), then
# node --test tests/supabase/*.test.js (case table, schema, partitioning plan, fault injection).
#
# Usage: tests/supabase/run.sh [FILE.test.js ...]    (default: every tests/supabase/*.test.js)
set -euo pipefail
cd "$(dirname "$0")/../.."
if (($# > 0)); then files=("$@"); else files=(tests/supabase/*.test.js); fi
# timeout passes a signal on to the test runner's whole process group; 120 s bounds a hung run.
exec scripts/with-stack.sh timeout 120 node --test --test-concurrency=1 --test-timeout=60000 "${files[@]}"
