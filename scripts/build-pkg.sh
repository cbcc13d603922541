#!/usr/bin/env bash
# Builds the npm package: the release wasm (wasm-pack --target web) twice — the simd128 build
# into pkg/web and the relaxed-SIMD build into pkg/web-relaxed (each with its own JS glue; the
# package loads the relaxed one where the engine has relaxed SIMD; same reports) — the int8 model
# files into pkg/model (scripts/package-model.mjs), then packs pkg/ into
# target/pkg/dataunion-valuation-<version>.tgz, which www/ and the tests install the way a user
# installs from the registry. Usage: scripts/build-pkg.sh [--skip-wasm]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

build() { # OUT_DIR [cargo args]
  local out=$1
  shift
  (cd crates/valuation-wasm &&
    wasm-pack build --release --target web --mode no-install --out-dir "$out" --out-name valuation_wasm -- "$@")
}

if [[ ${1:-} != --skip-wasm ]]; then
  build "$PWD/pkg/web"
  # Only valuation-core and the bindings are rebuilt for the second variant (a feature, not
  # RUSTFLAGS, selects it), so the dependencies compile once.
  build "$PWD/pkg/web-relaxed" --features relaxed-simd
fi
# wasm-bindgen declares `[Symbol.dispose]()`, which only the esnext.disposable lib types: without
# this reference an app with the default lib and no @types/node fails its type check (TS2550).
for d in pkg/web/valuation_wasm.d.ts pkg/web-relaxed/valuation_wasm.d.ts; do
  if [[ -f $d ]] && ! head -1 "$d" | grep -q 'reference lib="esnext.disposable"'; then
    printf '/// <reference lib="esnext.disposable" />\n%s\n' "$(cat "$d")" > "$d"
  fi
done
node scripts/package-model.mjs "$(scripts/fetch-model.sh)"
# wasm-pack's own .gitignore ('*') and package.json would hide the files from npm pack and
# shadow the real package manifest.
rm -f pkg/web/.gitignore pkg/web/package.json pkg/web/README.md
rm -f pkg/web-relaxed/.gitignore pkg/web-relaxed/package.json pkg/web-relaxed/README.md
for f in pkg/web/valuation_wasm_bg.wasm pkg/web-relaxed/valuation_wasm_bg.wasm; do
  echo "build-pkg: $f: $(wc -c < "$f") bytes, $(gzip -9c "$f" | wc -c) gzipped" >&2
done
mkdir -p target/pkg
rm -f target/pkg/*.tgz
(cd pkg && npm pack --silent --pack-destination ../target/pkg >/dev/null)
ls target/pkg/*.tgz
