#!/usr/bin/env bash
# The demo: the real all-MiniLM-L6-v2 embeds a file of sentences with the native `valuation`
# CLI, and each sentence is shown with its nearest neighbour by cosine similarity.
#   scripts/demo.sh [FILE]     (default: tests/data/sample-sentences.txt, one sentence per line)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh
FILE=${1:-tests/data/sample-sentences.txt}

scripts/setup.sh --native-only
cargo build --quiet --release --locked -p valuation-cli
echo "embedding $FILE with all-MiniLM-L6-v2 ..." >&2
target/release/valuation embed "$FILE" > target/demo-embeddings.jsonl
python3 - "$FILE" target/demo-embeddings.jsonl <<'PY'
import json, sys
lines = open(sys.argv[1], encoding="utf-8", errors="replace").read().splitlines()
vecs = [json.loads(l) for l in open(sys.argv[2])]
print(f"{len(vecs)} sentences -> {len(vecs[0]) if vecs else 0}-dimensional unit vectors\n")
cos = lambda a, b: sum(x * y for x, y in zip(a, b))
for i, v in enumerate(vecs):
    others = [(cos(v, w), j) for j, w in enumerate(vecs) if j != i]
    if not others:
        break
    score, j = max(others)
    print(f"{lines[i][:60]:<60}  ~ {score:.2f}  {lines[j][:60]}")
PY
