#!/usr/bin/env bash
# Fuzzes intake + the whole scoring pipeline (target `score`) and the dataset-reference parser
# (target `dataset_ref`) with libFuzzer through cargo fuzz, for a bounded time each. Any panic,
# hang (> 10 s on one input) or runaway memory (> 2 GiB) fails the run and leaves the input in
# fuzz/artifacts/<target>/. Usage: scripts/fuzz.sh [SECONDS_PER_TARGET]   (default 60)
#
# Stable Rust with RUSTC_BOOTSTRAP=1: libFuzzer's instrumentation needs -Z flags, and this
# machine has no way to fetch a nightly toolchain. The core is built without the model feature
# (candle's instrumented build alone takes minutes); fuzz/src/lib.rs explains what stands in.
set -euo pipefail
cd "$(dirname "$0")/.."
seconds=${1:-60}

if ! cargo fuzz --version >/dev/null 2>&1; then
  echo "fuzz: cargo install cargo-fuzz (about a minute, once)" >&2
  cargo install cargo-fuzz --locked --quiet
fi

corpus=target/fuzz-corpus
mkdir -p "$corpus/score" "$corpus/dataset_ref"
cp tests/data/score/* "$corpus/score/"
# A few shapes the bad-input tests name, so the fuzzer starts near them (first byte = options).
printf '\x00a,b,c\n1,2,3\n4,"5\n' > "$corpus/score/seed-unbalanced-quote.csv"
printf '\x3f\xff\xfeh\x00i\x00' > "$corpus/score/seed-utf16.txt"
printf '\x10[{"a":{"b":[1,null,"x"]}},{"a":2}]' > "$corpus/score/seed-nested.json"
printf '\x20{"k":1}\n{"k":2}\n{"k"\n' > "$corpus/score/seed-broken.jsonl"
printf '%s' '{"format":"dataunion-dataset-ref/1","files":1,"file_sha256":["00"],"sample_bits":0,"unit_hashes":"00000000000000ff","model":"m","sketches":[],"centroid":[1,-2,3]}' \
  > "$corpus/dataset_ref/seed.json"
# Format 2 (binary): magic, header length (u32 LE), header, one unit hash, one sketch.
header='{"format":"dataunion-dataset-ref/2","model":"m","sketch_bits":128,"files":0,"accepted_units":1,"sample_bits":0,"unit_hashes":1,"sketches":1,"centroid":[1,-2],"centroid_length":0.5,"center":[0.25,-0.5],"file_sha256":[]}'
n=${#header}
{ printf '\x89DUREF2\n'; printf "\\x$(printf %02x $((n & 255)))\\x$(printf %02x $((n >> 8)))\\x00\\x00"; printf '%s' "$header"
  printf '\xff\x00\x00\x00\x00\x00\x00\x00'; printf '\x01\x02\x03\x04\x05\x06\x07\x08\x09\x0a\x0b\x0c\x0d\x0e\x0f\x10'
} > "$corpus/dataset_ref/seed-format2.bin"

for target in score dataset_ref; do
  echo "fuzz: $target for ${seconds}s" >&2
  log=target/fuzz-$target.log
  if ! RUSTC_BOOTSTRAP=1 cargo fuzz run --sanitizer none --debug-assertions "$target" "$corpus/$target" -- \
    -max_total_time="$seconds" -max_len=262144 -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 >"$log" 2>&1; then
    tail -40 "$log" >&2
    echo "fuzz: $target failed; the input is in fuzz/artifacts/$target/, the log in $log" >&2
    exit 1
  fi
  grep -E '^(Done|stat::peak_rss_mb)' "$log" | sed "s/^/fuzz: $target: /" >&2
done
echo "fuzz: no failures" >&2
