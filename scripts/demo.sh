#!/usr/bin/env bash
# The demo: value files with the real all-MiniLM-L6-v2 and the scorer the browser runs, natively.
# Each gets its 0–100 score, the sub-scores, and the reasons it lost points.
#   scripts/demo.sh [FILE...] [-- score options, e.g. --domain "what the dataset is about"]
# Default: a real speech, a CSV and a JSON Lines file from tests/data/score, plus the speech with
# its words shuffled, to show what the score is for.
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

files=() opts=()
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
