#!/usr/bin/env bash
# A fresh Vite app with the package, as a new user makes one: installs the packed tarball
# (target/pkg, scripts/build-pkg.sh), `vite build` with no config, serves dist/ and values
# tests/data/score/speech.txt in headless Chromium (e2e.mjs). Needs VALUATION_NATIVE_REPORTS
# (scripts/test.sh sets it).
set -euo pipefail
cd "$(dirname "$0")"
: "${VALUATION_NATIVE_REPORTS:?set by scripts/test.sh}"
tarball=$(ls ../../target/pkg/dataunion-valuation-*.tgz 2>/dev/null | head -1)
[[ -n $tarball ]] || { echo "no package tarball in target/pkg: run scripts/build-pkg.sh" >&2; exit 1; }
[[ -d node_modules/vite ]] || npm ci --silent --no-audit --no-fund
# --no-save: the tarball's hash changes with every build, so it stays out of the lock file.
npm install --silent --no-audit --no-fund --no-save "$tarball"
rm -rf dist
node_modules/.bin/vite build --logLevel warn
port_file=$(mktemp)
node ../bench/browser-embed/server.mjs "$port_file" "/=$PWD/dist" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [[ -s $port_file ]] && break; sleep 0.1; done
# Must match the domain scripts/test.sh gives the native CLI.
domain="The government of the United States: Congress, the economy and public policy."
node e2e.mjs "http://127.0.0.1:$(cat "$port_file")/" "$VALUATION_NATIVE_REPORTS/speech.txt.json" "$domain"
