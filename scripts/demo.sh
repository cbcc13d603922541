#!/usr/bin/env bash
# The demo: pick a file, see its score, submit it to a local Supabase stand-in.
#   scripts/demo.sh           installs what is missing (scripts/setup.sh), builds the npm package if
#                             target/pkg/*.tgz is missing or older than its sources, starts a fresh
#                             PostgreSQL 15 with the migrations behind the test gateway
#                             (scripts/with-stack.sh), seeds a small marketplace (two users; three
#                             datasets with different domains, each owned by the first user, who
#                             publishes its reference built by `valuation dataset-ref` from real text
#                             of tests/data), serves the model and the www/ app, signed in as the
#                             second user (a contributor), on http://localhost:${PORT:-3000}, and runs
#                             until Ctrl-C, which stops and deletes all of it.
#   scripts/demo.sh --check   the same, but headless Chromium picks the "State of the Union" dataset,
#                             values tests/data/score/speech.txt (already in its reference: novelty 0
#                             with its reason), presses Submit, checks "My contributions" and that the
#                             owner sees none of it; prints the score and the stored row, exits.
#                             (Port: $PORT if set, else a free one.)
#   scripts/demo.sh --cli [FILE...] [-- score options, e.g. --domain "what the dataset is about"]
#                             the native CLI on files: score, sub-scores and reasons. Default: a real
#                             speech, a CSV and a JSON Lines file from tests/data/score, plus the speech
#                             with its words shuffled, to show what the score is for.
# Env: PORT; VALUATION_PKG_TGZ: use this package tarball as it is (never rebuilt);
#      VALUATION_CLI: the CLI that builds the references (default target/release/valuation, built if missing).
# Output: target/demo/ (build and server logs; --check: screenshot.png).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/env.sh

say() { echo "[demo] $*"; }
die() { echo "[demo] $*" >&2; exit 1; }

# --- the native CLI --------------------------------------------------------------------------------
cli_demo() {
  local files=() opts=()
  while (($#)); do
    if [[ $1 == -- ]]; then shift; opts=("$@"); break; fi
    files+=("$1"); shift
  done
  if ((${#files[@]} == 0)); then
    mkdir -p target/demo
    tr -s ' \n' '\n\n' < tests/data/score/speech.txt | shuf --random-source=tests/data/score/speech.txt |
      paste -sd ' ' | fold -sw 90 > target/demo/speech-shuffled.txt
    files=(tests/data/score/speech.txt target/demo/speech-shuffled.txt tests/data/score/documents.csv tests/data/score/documents.jsonl)
  fi
  scripts/setup.sh --native-only
  cargo build --quiet --release --locked -p valuation-cli
  for f in "${files[@]}"; do
    echo
    target/release/valuation score "${opts[@]}" "$f"
  done
  echo
  echo "(valuation score --json FILE prints the full report; valuation dataset-ref FILE... -o REF builds a novelty reference)"
}

# --- the app: before the stack -----------------------------------------------------------------------
port_free() {
  node -e 'const s=require("net").createServer();s.once("error",()=>process.exit(1));s.listen(+process.argv[1],"127.0.0.1",()=>s.close())' "$1"
}
free_port() {
  node -e 'const s=require("net").createServer().listen(0,"127.0.0.1",()=>{console.log(s.address().port);s.close()})'
}

prepare() {
  local mode=$1
  if [[ $mode == serve || -n ${PORT:-} ]]; then
    PORT=${PORT:-3000}
    port_free "$PORT" || die "port $PORT is taken: stop what uses it, or run PORT=<another> scripts/demo.sh"
  else
    PORT=$(free_port)
  fi
  export PORT

  scripts/setup.sh # the wasm toolchain (to build the package), PostgreSQL 15, the model

  if [[ -n ${VALUATION_PKG_TGZ:-} ]]; then
    TGZ=$(realpath "$VALUATION_PKG_TGZ")
  else
    TGZ=$(ls target/pkg/dataunion-valuation-*.tgz 2>/dev/null | head -n1 || true)
    local newer="" wasm=pkg/web-relaxed/valuation_wasm_bg.wasm
    # The Rust against the wasm it was built into (a JS-only repack leaves that alone), then the
    # package's JS against the tarball.
    if [[ -n $TGZ && -f $wasm ]]; then
      newer=$(find Cargo.toml Cargo.lock .cargo crates/valuation-{core,submit,wasm}/{Cargo.toml,src} crates/valuation-wasm/build.rs \
        -type f -newer "$wasm" -print -quit)
      [[ -n $newer ]] || newer=$(find pkg -type f -newer "$TGZ" -not -path 'pkg/web/*' -not -path 'pkg/web-relaxed/*' -not -path 'pkg/model/*' -not -path 'pkg/node/*' \
        -not -path '*/node_modules/*' -print -quit)
    fi
    if [[ -z $TGZ || ! -f $wasm || -n $newer ]]; then
      say "building the npm package (${newer:+$newer changed since the last build; }scripts/build-pkg.sh, a few minutes)"
      scripts/build-pkg.sh
      TGZ=$(ls target/pkg/dataunion-valuation-*.tgz | head -n1)
    fi
    TGZ=$ROOT/$TGZ
  fi
  [[ -f $TGZ ]] || die "$TGZ is missing"

  # Into www/ as a user installs it; the same check as tests/www/run.sh (the tarball is rebuilt
  # under the same name, and npm keeps the copy it has).
  local stamp=www/node_modules/.valuation-tgz.sha256 want
  want=$(sha256sum "$TGZ" | cut -d' ' -f1)
  if [[ ! -d www/node_modules ]]; then
    (cd www && npm ci --no-audit --no-fund)
    [[ $TGZ == "$ROOT/target/pkg/dataunion-valuation-0.1.0.tgz" ]] || (cd www && npm install --no-save --no-audit --no-fund "$TGZ")
    echo "$want" > "$stamp"
  elif [[ $(cat "$stamp" 2>/dev/null) != "$want" ]]; then
    say "installing $TGZ into www/"
    (cd www && npm install --no-save --no-audit --no-fund "$TGZ")
    echo "$want" > "$stamp"
  fi
  [[ $mode == serve || -d tests/www/node_modules ]] || (cd tests/www && npm ci --no-audit --no-fund) # playwright-core
}

# --- the app: inside the stack (scripts/with-stack.sh exported GATEWAY_URL, PG_PORT, PG_DB, JWT_SECRET)
DEMO_USER=de300000-0000-4000-8000-000000000001  # the contributor the page is signed in as
DEMO_OWNER=de300000-0000-4000-8000-000000000002 # owns the datasets, publishes their references
DEMO_DATASET=de300000-0000-4000-8000-0000000000d1
OUT=target/demo
# The marketplace: id | domain (what relevance is measured against) | name | reference built from
MARKETPLACE=(
  "$DEMO_DATASET|The government of the United States: Congress, the economy and public policy.|State of the Union addresses|tests/data/score/speech.txt"
  "de300000-0000-4000-8000-0000000000d2|Catalogues of documents: identifiers, labels, word counts and openings.|Address catalogue|tests/data/score/documents.csv tests/data/score/documents.jsonl"
  "de300000-0000-4000-8000-0000000000d3|Everyday life: the weather, interest rates and pets.|Everyday sentences|tests/data/sample-sentences.txt"
)

# Every process started here runs in its own process group (as in tests/www/run.sh), stopped on exit.
groups=()
stop_group() {
  kill -TERM -- "-$1" 2>/dev/null || true
  for _ in {1..50}; do kill -0 -- "-$1" 2>/dev/null || break; sleep 0.1; done
  kill -KILL -- "-$1" 2>/dev/null || true
}
cleanup() {
  local pid
  trap '' INT TERM # Ctrl-C reaches this script and scripts/with-stack.sh, which then sends TERM: finish anyway
  for pid in "${groups[@]}"; do stop_group "$pid"; done
}
start_group() { # LOG COMMAND...: in the background; sets $started
  local log=$1; shift
  : > "$log"
  setsid "$@" > "$log" 2>&1 < /dev/null &
  started=$!
  groups+=("$started")
}
run_group() { # LOG|- COMMAND...: waits with `wait`, so that a signal reaches the traps at once
  local log=$1; shift
  if [[ $log == - ]]; then setsid "$@" < /dev/null & else setsid "$@" > "$log" 2>&1 < /dev/null & fi
  local pid=$! status=0
  groups+=("$pid")
  wait "$pid" || status=$?
  return "$status"
}

in_stack() {
  local mode=$1
  trap cleanup EXIT
  trap 'say "stopping"; exit 130' INT TERM
  mkdir -p "$OUT"
  export NEXT_TELEMETRY_DISABLED=1
  local psql=("$PGBIN/psql" -X -h 127.0.0.1 -p "$PG_PORT" -U postgres -d "$PG_DB")

  # What the operator does in Supabase: two users (signed up) and three datasets, owned by the first.
  "${psql[@]}" -q -v ON_ERROR_STOP=1 -c "insert into auth.users (id) values ('$DEMO_OWNER'), ('$DEMO_USER')"
  local entry id domain name sources
  for entry in "${MARKETPLACE[@]}"; do
    IFS='|' read -r id domain name sources <<< "$entry"
    # (psql quotes :'var' safely; it interpolates only in input it reads, not in -c)
    "${psql[@]}" -q -v ON_ERROR_STOP=1 -v id="$id" -v domain="$domain" -v name="$name" -v owner="$DEMO_OWNER" \
      <<< "insert into public.datasets (id, domain, name, owner_id) values (:'id', :'domain', :'name', :'owner')"
  done
  # The page has no sign-in: it gets this user's token at build time (NEXT_PUBLIC_DEMO_ACCESS_TOKEN,
  # a stand-in for a supabase-js session; see www/app/lib/supabase.ts). Valid for a day.
  export NEXT_PUBLIC_SUPABASE_URL=$GATEWAY_URL
  NEXT_PUBLIC_SUPABASE_ANON_KEY=$(node tests/gateway/src/mint-jwt.js --api-key anon)
  NEXT_PUBLIC_DEMO_ACCESS_TOKEN=$(node tests/gateway/src/mint-jwt.js --sub "$DEMO_USER" --expires-in 86400)
  export NEXT_PUBLIC_SUPABASE_ANON_KEY NEXT_PUBLIC_DEMO_ACCESS_TOKEN

  # What each dataset's owner does: build the reference, then the one upload step (README).
  local cli=${VALUATION_CLI:-target/release/valuation}
  [[ -x $cli ]] || { say "building the CLI (cargo build --release -p valuation-cli)"; cargo build --quiet --release --locked -p valuation-cli; }
  for entry in "${MARKETPLACE[@]}"; do
    IFS='|' read -r id domain name sources <<< "$entry"
    # shellcheck disable=SC2086 # sources is a list of paths without spaces
    "$cli" dataset-ref $sources -o "$OUT/$id.ref" >&2
    SUPABASE_URL=$GATEWAY_URL SUPABASE_ANON_KEY=$NEXT_PUBLIC_SUPABASE_ANON_KEY \
      SUPABASE_ACCESS_TOKEN=$(node tests/gateway/src/mint-jwt.js --sub "$DEMO_OWNER") \
      node scripts/publish-reference.mjs "$id" "$OUT/$id.ref"
  done

  # The model: the package's own int8 files, which next build emits as the app's assets.
  unset NEXT_PUBLIC_MODEL_BASE_URL

  say "building the app (next build, Turbopack; log: $OUT/build.log)"
  local t=$SECONDS
  run_group "$OUT/build.log" env -C www node_modules/.bin/next build ||
    { tail -n 40 "$OUT/build.log" >&2; die "next build failed (log: $OUT/build.log)"; }
  say "built in $((SECONDS - t)) s"

  local url="http://127.0.0.1:$PORT/"
  start_group "$OUT/next-start.log" env -C www node_modules/.bin/next start -p "$PORT" -H 127.0.0.1
  local app=$started
  for _ in {1..300}; do
    curl -fso /dev/null "$url" && break
    kill -0 "$app" 2>/dev/null || die "next start exited: $(cat "$OUT/next-start.log")"
    sleep 0.1
  done
  curl -fso /dev/null "$url" || die "the app does not answer at $url (log: $OUT/next-start.log)"

  local query="select dataset_id, content_sha256, byte_size, detected_type, quality_score, sub_scores, flags, created_at from public.data_contributions order by created_at"
  local rows_cmd="$PGBIN/psql -h 127.0.0.1 -p $PG_PORT -U postgres -d $PG_DB -x -c '$query'"
  local stop="Ctrl-C stops everything and deletes the database."
  [[ $mode == check ]] && stop="--check: headless Chromium does steps 1 to 4 now, then everything stops."
  cat <<EOF

========================================================================================================
  The demo is running.
    1. Open http://localhost:$PORT and choose a dataset: the three listed come from Supabase, each
       with its domain (relevance) and its published reference (novelty).
    2. Pick a file: it is scored in the browser, never uploaded. Try, against "State of the Union addresses":
         a fresh file           tests/data/score/documents.jsonl    (novelty high: not in the reference)
         a file already in it   tests/data/score/speech.txt         (novelty 0: "already in the dataset")
         an off-topic file      tests/data/sample-sentences.txt     (relevance lower: weather, banks, cats)
    3. Press Submit: only the record shown next to the button goes to the local stack.
    4. "My contributions" lists it, read back under RLS (only your rows).
  Signed in as the contributor $DEMO_USER; the datasets' owner is $DEMO_OWNER.
  An owner replaces a reference with: valuation dataset-ref FILES... -o REF, then
    SUPABASE_URL=... SUPABASE_ANON_KEY=... SUPABASE_ACCESS_TOKEN=<owner's JWT> node scripts/publish-reference.mjs DATASET_ID REF
  The stored rows:
    $rows_cmd
  Supabase stand-in: $GATEWAY_URL (PostgREST API), PostgreSQL 127.0.0.1:$PG_PORT database $PG_DB.
  $stop
========================================================================================================

EOF
  if [[ $mode == serve ]]; then
    wait "$app" || true # until Ctrl-C (with-stack.sh then stops this script, which stops the app)
    die "the app stopped: $(tail -n 20 "$OUT/next-start.log")"
  fi

  say "checking: headless Chromium picks \"State of the Union addresses\", values tests/data/score/speech.txt, presses Submit"
  run_group - env WWW_URL="$url" E2E_MODE=demo E2E_LABEL=demo E2E_SCREENSHOT="$OUT/screenshot.png" \
    E2E_DATASET_ID="$DEMO_DATASET" E2E_SUBMIT_USER="$DEMO_USER" E2E_OTHER_USER="$DEMO_OWNER" \
    node tests/www/e2e.mjs || die "the check failed"
  say "the stored rows, as the command above shows them:"
  "${psql[@]}" -P pager=off -x -c "$query"
  say "check passed"
}

case ${1:-} in
  --cli) shift; cli_demo "$@" ;;
  --stack-stage) in_stack "$2" ;; # internal: run by scripts/with-stack.sh
  --check | "")
    mode=serve
    [[ ${1:-} == --check ]] && mode=check
    prepare "$mode"
    exec scripts/with-stack.sh scripts/demo.sh --stack-stage "$mode"
    ;;
  -h | --help) sed -n '2,/^set -e/p' "$0" | sed '$d; s/^# \{0,1\}//' ;;
  *) die "unknown argument '$1' (see scripts/demo.sh --help)" ;;
esac
