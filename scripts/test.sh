#!/usr/bin/env bash
# Runs every test: native (core + CLI) on the real model and the labelled quality corpus, then
# the same model and scorer in a Web Worker in headless Chromium. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { echo; echo "=== $* ($(date +%T))"; }
# Runs "$@" with a time bound in minutes, well above its usual time: a hang fails the step that
# hangs, with its name, instead of CI's own limit stopping the whole run with no reason.
bounded() {
  local minutes=$1 rc=0
  shift
  timeout -k 30 "${minutes}m" "$@" || rc=$?
  if ((rc == 124)); then echo "test.sh: still running after ${minutes} min, stopped: $*" >&2; fi
  return "$rc"
}

step "setup"
scripts/setup.sh
# One resolved model folder for every test (Rust tests, CLI, build.rs all read it first).
VALUATION_MODEL_DIR=$(scripts/fetch-model.sh)
export VALUATION_MODEL_DIR

step "quality corpus and datatrove's verdicts (the peer the heuristics are compared with)"
scripts/quality-corpus.sh

step "formatting and lints (cargo fmt --check; clippy, warnings are errors, natively and for wasm32, tests included)"
cargo fmt --all --check
cargo clippy --workspace --all-targets --locked -- -D warnings
cargo clippy --locked --target wasm32-unknown-unknown -p valuation-wasm --all-targets --features relaxed-simd -- -D warnings

step "native tests (cargo test --workspace)"
bounded 35 cargo test --workspace --locked

step "native embeddings of the reference corpus, for the browser-equals-native test"
mkdir -p target/test-data
native=$PWD/target/test-data/corpus-native.f32
shared=${VALUATION_SHARED:-$PWD/../shared}
[[ -f $shared/fixtures/minilm/corpus.txt ]] || { echo "shared fixtures missing at $shared (set VALUATION_SHARED)" >&2; exit 1; }
cargo run --quiet --locked -p valuation-cli -- embed --format f32 "$shared/fixtures/minilm/corpus.txt" > "$native"

step "the int8 weights file (valuation quantize, held to its pinned SHA-256) beside the f32 model"
cargo run --quiet --locked -p valuation-cli -- quantize

# The CLI that the E2E steps use to build dataset references and native reports: the one just built
# (dev profile, core and dependencies at opt-level 3), not a second, LTO release build.
export VALUATION_CLI=${VALUATION_CLI:-$PWD/target/debug/valuation}

step "native reports of tests/data/score, for the browser-equals-native report test"
reports=$PWD/target/test-data/reports
mkdir -p "$reports"
export VALUATION_NATIVE_REPORTS=$reports
# The domain must match DOMAIN in crates/valuation-wasm/tests/browser_scores.rs.
domain="The government of the United States: Congress, the economy and public policy."
for f in speech.txt documents.csv documents.jsonl; do
  cargo run --quiet --locked -p valuation-cli -- score --json --domain "$domain" "tests/data/score/$f" > "$reports/$f.json"
done

step "TypeScript declarations of the report are generated from the Rust types and current"
cargo test --locked -p valuation-core --no-default-features --features typescript --test typescript

step "npm package (release wasm, packed tarball)"
scripts/build-pkg.sh

step "npm package in headless Chromium and Node: cache, progress, 100 files, cancel, panics, verify()"
bounded 20 tests/pkg/run.sh

step "Next.js app with the package: next build (Turbopack and webpack), next start, end to end"
bounded 25 tests/www/run.sh

step "a fresh Vite app with the package: vite build with no config, the model from the app's assets, end to end"
bounded 15 tests/vite/run.sh

step "a fresh Vite + React + TypeScript app (create-vite's react-ts template): tsc -b && vite build, end to end"
bounded 15 tests/vite/run.sh tests/vite-react

step "Supabase schema, RLS and the PostgREST contract (real PostgreSQL 15 + the test gateway)"
bounded 10 tests/supabase/run.sh

step "fuzzing intake + scoring and the dataset-reference parser (bounded)"
bounded 15 scripts/fuzz.sh "${VALUATION_FUZZ_SECONDS:-60}"

step "browser tests (wasm-pack test, headless Chromium, dedicated worker)"
export VALUATION_NATIVE_EMBEDDINGS=$native VALUATION_NATIVE_REPORTS=$reports VALUATION_SHARED=$shared
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-900} CHROMEDRIVER=/usr/bin/chromedriver
browser_tests() {
  cd crates/valuation-wasm
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --mode no-install -- --locked
  # The relaxed-SIMD build's kernels against their scalar references too (only the core rebuilds).
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --mode no-install -- \
    --locked --features relaxed-simd --test browser_embeddings -- kernels
}
export -f browser_tests
bounded 30 bash -euo pipefail -c browser_tests

step "all tests passed"
