#!/usr/bin/env bash
# A fresh Vite app with the package, as a new user makes one: installs the packed tarball
# (target/pkg, scripts/build-pkg.sh), builds with no config for the package (`vite build`, or the
# app's own `npm run build`, e.g. `tsc -b && vite build` in the React + TypeScript template),
# serves dist/ and values tests/data/score/speech.txt in headless Chromium (e2e.mjs here).
#   tests/vite/run.sh [APP_DIR]   APP_DIR: tests/vite (plain JS, the default) or tests/vite-react
# Needs VALUATION_NATIVE_REPORTS (scripts/test.sh sets it).
set -euo pipefail
here=$(cd "$(dirname "$0")" && pwd)
app=$(cd "${1:-$here}" && pwd)
: "${VALUATION_NATIVE_REPORTS:?set by scripts/test.sh}"
tarball=$(ls "$here"/../../target/pkg/dataunion-valuation-*.tgz 2>/dev/null | head -1)
[[ -n $tarball ]] || { echo "no package tarball in target/pkg: run scripts/build-pkg.sh" >&2; exit 1; }
# e2e.mjs's playwright-core comes from this folder's lock file.
for dir in "$here" "$app"; do
  [[ -d $dir/node_modules/vite ]] || (cd "$dir" && npm ci --silent --no-audit --no-fund)
done
cd "$app"
# --no-save: the tarball's hash changes with every build, so it stays out of the lock file.
npm install --silent --no-audit --no-fund --no-save "$tarball"
rm -rf dist
if node -e 'process.exit(require("./package.json").scripts?.build ? 0 : 1)'; then
  npm run --silent build -- --logLevel warn
else
  node_modules/.bin/vite build --logLevel warn
fi
port_file=$(mktemp)
node "$here/../bench/browser-embed/server.mjs" "$port_file" "/=$PWD/dist" &
server=$!
trap 'kill $server 2>/dev/null || true; rm -f "$port_file"' EXIT
for _ in $(seq 50); do [[ -s $port_file ]] && break; sleep 0.1; done
# Must match the domain scripts/test.sh gives the native CLI.
domain="The government of the United States: Congress, the economy and public policy."
node "$here/e2e.mjs" "http://127.0.0.1:$(cat "$port_file")/" "$VALUATION_NATIVE_REPORTS/speech.txt.json" "$domain"
