#!/usr/bin/env bash
# End-to-end test of the Next.js app in www/ with the packed npm package, as a user installs it.
# Builds the app with webpack and with Turbopack (both must work), serves each build with
# `next start`, and runs tests/www/e2e.mjs against it in headless Chromium. The Turbopack build is
# last, so www/.next holds it afterwards. Leaves no process behind.
# Each build also submits: the whole run is inside scripts/with-stack.sh (a fresh PostgreSQL 15 with
# the migrations + the test gateway), with a seeded contributor whose token, the gateway URL and the
# anon key are built into the page. A second user owns the datasets (one per build, plus one with a
# malformed reference) and publishes their references with scripts/publish-reference.mjs, the
# documented upload step; the reference is `valuation dataset-ref` of tests/data/score/speech.txt.
# e2e.mjs picks the build's dataset, values a near copy of speech.txt (one word changed), which must
# equal the native report made with the same --domain and --dataset, presses Submit, finds the row
# and "My contributions" listing it, and checks the owner reads none of it.
#
# Needs: target/pkg/dataunion-valuation-0.1.0.tgz (scripts/build-pkg.sh), the CLI (VALUATION_CLI,
# default target/release/valuation, built by cargo if missing), /usr/bin/chromium, PostgreSQL 15.
# Env: VALUATION_MODEL_DIR (default: scripts/fetch-model.sh), VALUATION_CLI,
#      VALUATION_PKG_TGZ (another tarball to test instead), CHROMIUM.
# Output: target/www-e2e/ (build and server logs, screenshots, result-*.json, timings.txt).
set -euo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
# Everything below runs against the stack, started before and torn down after.
[[ -n ${WWW_E2E_IN_STACK:-} ]] || exec scripts/with-stack.sh env WWW_E2E_IN_STACK=1 tests/www/run.sh "$@"
source scripts/env.sh

TGZ=${VALUATION_PKG_TGZ:-target/pkg/dataunion-valuation-0.1.0.tgz}
OUT=target/www-e2e
export NEXT_TELEMETRY_DISABLED=1
VALUATION_MODEL_DIR=${VALUATION_MODEL_DIR:-$(scripts/fetch-model.sh)}
export VALUATION_MODEL_DIR
VALUATION_CLI=${VALUATION_CLI:-target/release/valuation}

say() { echo "[www] $*"; }
die() { echo "[www] $*" >&2; exit 1; }
ms_since() { echo $(( ($(date +%s%N) - $1) / 1000000 )); }

[[ -f $TGZ ]] || die "$TGZ is missing: run scripts/build-pkg.sh"
TGZ=$(realpath "$TGZ")
mkdir -p "$OUT"
rm -f "$OUT"/*.png "$OUT"/result-*.json "$OUT"/timings.txt

# Every process this script starts runs in its own process group (setsid), so the whole group
# goes on exit, whatever happened.
groups=()
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in {1..50}; do kill -0 -- "-$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
  local left=() pid
  for pid in "${groups[@]}"; do [[ $pid == "$1" ]] || left+=("$pid"); done
  groups=("${left[@]}")
}
cleanup() {
  local pid
  trap '' INT TERM # Ctrl-C reaches this script and scripts/with-stack.sh, which then sends TERM: finish anyway
  for pid in "${groups[@]}"; do stop_group "$pid"; done
}
trap cleanup EXIT
trap 'exit 130' INT TERM

# Starts "$@" in the background in a new process group, output to the log $1; sets $started.
start_group() {
  local log=$1; shift
  : > "$log" # now, not in the background child: a reader must never see the last run's log
  setsid "$@" > "$log" 2>&1 < /dev/null &
  started=$!
  groups+=("$started")
}

# Runs "$@" in a new process group, waiting with `wait` so that a signal reaches the traps at once.
run_group() {
  setsid "$@" < /dev/null &
  local pid=$! status=0
  groups+=("$pid")
  wait "$pid" || status=$?
  stop_group "$pid" # whatever it left running
  return "$status"
}

# --- dependencies ------------------------------------------------------------------------------
# The tarball is rebuilt under the same name and version after every Rust change, and npm keeps
# the copy it already has; so the installed copy is checked against the tarball's hash. (The
# lockfile carries no integrity for it for the same reason: npm ci would refuse a rebuilt tarball.)
t=$(date +%s%N)
stamp=www/node_modules/.valuation-tgz.sha256
want=$(sha256sum "$TGZ" | cut -d' ' -f1)
if [[ ! -d www/node_modules ]]; then
  say "npm ci in www/"
  (cd www && npm ci --no-audit --no-fund)
  echo "$want" > "$stamp"
elif [[ $(cat "$stamp" 2>/dev/null) != "$want" ]]; then
  say "installing the new $TGZ into www/"
  (cd www && npm install --no-save --no-audit --no-fund "$TGZ")
  echo "$want" > "$stamp"
fi
[[ -d tests/www/node_modules ]] || (cd tests/www && npm ci --no-audit --no-fund)
say "dependencies ready in $(ms_since "$t") ms"

# --- the model: the package's own int8 files, emitted by the bundler as the app's assets ---------
# (zero config, as a new user gets it; a self-hosted baseUrl is covered by tests/pkg).
unset NEXT_PUBLIC_MODEL_BASE_URL

# --- the reference, the near copy and its native report ------------------------------------------
if [[ ! -x $VALUATION_CLI ]]; then
  say "building the CLI (cargo build --release -p valuation-cli)"
  cargo build --quiet --release --locked -p valuation-cli
fi
DOMAIN="The government of the United States: Congress, the economy and public policy."
mkdir -p "$OUT/native"
"$VALUATION_CLI" dataset-ref tests/data/score/speech.txt -o "$OUT/speech.ref" >&2
head -c 100 "$OUT/speech.ref" > "$OUT/malformed.ref" # a truncated reference: the package must refuse it
sed '1s/successful/complete/' tests/data/score/speech.txt > "$OUT/near-copy.txt"
cmp -s tests/data/score/speech.txt "$OUT/near-copy.txt" && die "the near copy is not a copy with a change"
"$VALUATION_CLI" score --json --domain "$DOMAIN" --dataset "$OUT/speech.ref" "$OUT/near-copy.txt" > "$OUT/native/near-copy.txt.json"
export VALUATION_NATIVE_REPORTS=$ROOT/$OUT/native E2E_INPUT=$OUT/near-copy.txt
: > "$OUT/empty.txt" # "Many files": an empty file fails alone, the others go on
# 20 files in all: the empty one, the CSV, the near copy and 17 distinct prefixes of the speech
E2E_QUEUE_FILES=$OUT/empty.txt,tests/data/score/documents.csv,$OUT/near-copy.txt
mkdir -p "$OUT/queue"
for i in $(seq 17); do
  head -c $((1500 + i * 200)) tests/data/score/speech.txt > "$OUT/queue/part-$i.txt"
  E2E_QUEUE_FILES+=,$OUT/queue/part-$i.txt
done
export E2E_QUEUE_FILES

# --- the stack: a contributor (the page's stand-in session), a dataset owner, one dataset per build ---
export E2E_SUBMIT_USER=e2e00000-0000-4000-8000-0000000000a1
export E2E_OTHER_USER=e2e00000-0000-4000-8000-0000000000a2 # owns the datasets, contributes nothing
DATASET_WEBPACK=e2e00000-0000-4000-8000-0000000000d1
DATASET_TURBOPACK=e2e00000-0000-4000-8000-0000000000d2
export E2E_BROKEN_DATASET_ID=e2e00000-0000-4000-8000-0000000000d3
"$PGBIN/psql" -X -q -v ON_ERROR_STOP=1 -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB" \
  -c "insert into auth.users (id) values ('$E2E_SUBMIT_USER'), ('$E2E_OTHER_USER')" \
  -c "insert into public.datasets (id, domain, name, owner_id) values
        ('$DATASET_WEBPACK', '$DOMAIN', 'www e2e (webpack)', '$E2E_OTHER_USER'),
        ('$DATASET_TURBOPACK', '$DOMAIN', 'www e2e (turbopack)', '$E2E_OTHER_USER'),
        ('$E2E_BROKEN_DATASET_ID', 'zz: a malformed reference', 'www e2e (malformed reference)', '$E2E_OTHER_USER')"
export NEXT_PUBLIC_SUPABASE_URL=$GATEWAY_URL
NEXT_PUBLIC_SUPABASE_ANON_KEY=$(node tests/gateway/src/mint-jwt.js --api-key anon)
NEXT_PUBLIC_DEMO_ACCESS_TOKEN=$(node tests/gateway/src/mint-jwt.js --sub "$E2E_SUBMIT_USER")
export NEXT_PUBLIC_SUPABASE_ANON_KEY NEXT_PUBLIC_DEMO_ACCESS_TOKEN
# The owner's upload step, as documented in the README
for d in "$DATASET_WEBPACK" "$DATASET_TURBOPACK"; do
  SUPABASE_URL=$GATEWAY_URL SUPABASE_ANON_KEY=$NEXT_PUBLIC_SUPABASE_ANON_KEY \
    SUPABASE_ACCESS_TOKEN=$(node tests/gateway/src/mint-jwt.js --sub "$E2E_OTHER_USER") \
    node scripts/publish-reference.mjs "$d" "$OUT/speech.ref"
done
SUPABASE_URL=$GATEWAY_URL SUPABASE_ANON_KEY=$NEXT_PUBLIC_SUPABASE_ANON_KEY \
  SUPABASE_ACCESS_TOKEN=$(node tests/gateway/src/mint-jwt.js --sub "$E2E_OTHER_USER") \
  node scripts/publish-reference.mjs "$E2E_BROKEN_DATASET_ID" "$OUT/malformed.ref"
say "submitting to $GATEWAY_URL as user $E2E_SUBMIT_USER"

# --- build, serve, test --------------------------------------------------------------------------
build_and_test() {
  local label=$1 screenshot=$2 dataset=$3; shift 3
  local t ms pid url
  say "next build $* ($label, dataset $dataset)"
  t=$(date +%s%N)
  run_group env -C www node_modules/.bin/next build "$@" > "$OUT/build-$label.log" 2>&1 ||
    { tail -40 "$OUT/build-$label.log" >&2; die "next build $* failed (log: $OUT/build-$label.log)"; }
  ms=$(ms_since "$t")
  say "built with $label in $ms ms"
  echo "build-$label-ms $ms" >> "$OUT/timings.txt"

  local port
  port=$(node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})')
  url="http://127.0.0.1:$port/"
  start_group "$OUT/next-start-$label.log" env -C www node_modules/.bin/next start -p "$port" -H 127.0.0.1
  pid=$started
  for _ in {1..300}; do
    curl -fso /dev/null "$url" && break
    kill -0 "$pid" 2>/dev/null || die "next start exited: $(cat "$OUT/next-start-$label.log")"
    sleep 0.1
  done
  curl -fso /dev/null "$url" || die "next start does not answer at $url (log: $OUT/next-start-$label.log)"

  t=$(date +%s%N)
  run_group env WWW_URL="$url" E2E_LABEL="$label" E2E_SCREENSHOT="$screenshot" E2E_DATASET_ID="$dataset" node tests/www/e2e.mjs
  ms=$(ms_since "$t")
  echo "e2e-$label-ms $ms" >> "$OUT/timings.txt"
  stop_group "$pid"
}

build_and_test webpack "$OUT/screenshot-webpack.png" "$DATASET_WEBPACK" --webpack
build_and_test turbopack "$OUT/screenshot.png" "$DATASET_TURBOPACK"

say "timings (ms):"; sed 's/^/[www]   /' "$OUT/timings.txt"
say "all passed; screenshot: $OUT/screenshot.png"
