#!/usr/bin/env bash
# Builds the npm package: the release wasm (wasm-pack --target web) into pkg/web, the int8 model
# files into pkg/model (scripts/package-model.mjs), then packs pkg/ into
# target/pkg/dataunion-valuation-<version>.tgz, which www/ and the tests install the way a user
# installs from the registry. Usage: scripts/build-pkg.sh [--skip-wasm]
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

if [[ ${1:-} != --skip-wasm ]]; then
  (cd crates/valuation-wasm &&
    wasm-pack build --release --target web --mode no-install --out-dir "$PWD/../../pkg/web" --out-name valuation_wasm)
fi
node scripts/package-model.mjs "$(scripts/fetch-model.sh)"
# wasm-pack's own .gitignore ('*') and package.json would hide the files from npm pack and
# shadow the real package manifest.
rm -f pkg/web/.gitignore pkg/web/package.json pkg/web/README.md
mkdir -p target/pkg
rm -f target/pkg/*.tgz
(cd pkg && npm pack --silent --pack-destination ../target/pkg >/dev/null)
ls target/pkg/*.tgz
