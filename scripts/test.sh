#!/usr/bin/env bash
# Runs every test: native (core + CLI) on the real model, then the same model in a Web Worker
# in headless Chromium. Installs what is missing first (scripts/setup.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

step() { echo; echo "=== $* ($(date +%T))"; }

step "setup"
scripts/setup.sh
# One resolved model folder for every test (Rust tests, CLI, build.rs all read it first).
VALUATION_MODEL_DIR=$(scripts/fetch-model.sh)
export VALUATION_MODEL_DIR

step "native tests (cargo test --workspace)"
cargo test --workspace --locked

step "native embeddings of the reference corpus, for the browser-equals-native test"
mkdir -p target/test-data
native=$PWD/target/test-data/corpus-native.f32
shared=${VALUATION_SHARED:-$PWD/../shared}
[[ -f $shared/fixtures/minilm/corpus.txt ]] || { echo "shared fixtures missing at $shared (set VALUATION_SHARED)" >&2; exit 1; }
cargo run --quiet --locked -p valuation-cli -- embed --format f32 "$shared/fixtures/minilm/corpus.txt" > "$native"

step "browser tests (wasm-pack test, headless Chromium, dedicated worker)"
export VALUATION_NATIVE_EMBEDDINGS=$native VALUATION_SHARED=$shared
export WASM_BINDGEN_TEST_TIMEOUT=${WASM_BINDGEN_TEST_TIMEOUT:-900} CHROMEDRIVER=/usr/bin/chromedriver
(cd crates/valuation-wasm &&
  wasm-pack test --headless --chrome --chromedriver /usr/bin/chromedriver --mode no-install -- --locked)

step "all tests passed"
