#!/usr/bin/env bash
# Embedding speed in the browser, as a ratio against transformers.js measured in the same run.
#
#   tests/bench/browser-embed/run.sh [--quick]
#
# 1. builds the npm package (scripts/build-pkg.sh: both wasm builds, the int8 model files),
# 2. embeds ../shared/fixtures/minilm/corpus.txt in a module Web Worker in headless Chromium
#    for int8 and f32 × the relaxed-SIMD and simd128 builds × batch 1 and 8 (cold start,
#    sentences/s, cosine vs sentence-transformers, a profile per op class),
# 3. runs ../shared/bench/anchor/run.sh (transformers.js 4.3.1, q8 and fp32, one thread, batch 1),
# 4. prints both, the ratios and each target of the performance issue next to its figure.
# Results JSON: tests/bench/out/.
# --quick: 200 sentences, 1 pass (a smoke run; the figures are not for reporting).
# A benchmark, not a test: it asserts nothing about speed. Run it on an otherwise idle machine.
set -euo pipefail
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../../.." && pwd)
SHARED=${VALUATION_SHARED:-$ROOT/../shared}
OUT=$ROOT/tests/bench/out
source "$ROOT/scripts/env.sh"
CACHE=$VALUATION_CACHE
DRIVER=$CACHE/npm/bench-driver
EXTRA=() ANCHOR_EXTRA=()
if [[ ${1:-} == --quick ]]; then
  EXTRA=(--limit 200 --repeats 1 --warmup 20)
  ANCHOR_EXTRA=(--limit 200 --repeats 1 --warmup 20)
fi

[[ -f $SHARED/fixtures/minilm/corpus.txt ]] || { echo "shared/ not found at $SHARED (set VALUATION_SHARED)" >&2; exit 1; }
[[ -x $SHARED/bench/anchor/run.sh ]] || { echo "anchor benchmark missing at $SHARED/bench/anchor" >&2; exit 1; }
"$ROOT/scripts/setup.sh"
MODEL=$("$ROOT/scripts/fetch-model.sh")

if [[ -z ${VALUATION_BENCH_NO_BUILD:-} ]]; then # set it to measure the package as last built
  echo "== building the package (both wasm builds, the int8 model files)" >&2
  "$ROOT/scripts/build-pkg.sh" >/dev/null
fi

if [[ ! -d $DRIVER/node_modules/playwright-core ]]; then
  mkdir -p "$DRIVER"
  (cd "$DRIVER" && echo '{"private":true}' > package.json && npm install --silent --no-audit --no-fund playwright-core@1.65.1)
fi

mkdir -p "$OUT"
PORT_FILE=$(mktemp)
node "$HERE/server.mjs" "$PORT_FILE" "/=$HERE/web" "/pkg=$ROOT/pkg/web" "/pkg-relaxed=$ROOT/pkg/web-relaxed" \
  "/model=$MODEL" "/model-int8=$ROOT/pkg/model" &
SERVER=$!
trap 'kill $SERVER 2>/dev/null || true; rm -f "$PORT_FILE"' EXIT
for _ in $(seq 50); do [[ -s $PORT_FILE ]] && break; sleep 0.1; done
URL="http://127.0.0.1:$(cat "$PORT_FILE")/"

echo "== ours: valuation-wasm in a module worker" >&2
node "$HERE/bench.mjs" --url "$URL" --driver "$DRIVER" --corpus "$SHARED/fixtures/minilm/corpus.txt" \
  --reference "$SHARED/fixtures/minilm/reference-sentence-transformers-fp32.f32" \
  --out "$OUT/ours.json" "${EXTRA[@]}" ${VALUATION_BENCH_ARGS:-}

echo "== anchor: transformers.js (shared/bench/anchor)" >&2
ANCHOR_DIR=$CACHE/anchor "$SHARED/bench/anchor/run.sh" --out "$OUT/anchor.json" -- \
  --versions 4 --dtypes q8,fp32 --threads 1 --batches 1 --no-mem "${ANCHOR_EXTRA[@]}" >&2

node "$HERE/compare.mjs" "$OUT/ours.json" "$OUT/anchor.json" | tee "$OUT/summary.txt"
