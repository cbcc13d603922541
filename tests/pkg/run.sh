#!/usr/bin/env bash
# The npm package's tests: installs the packed tarball (target/pkg, from scripts/build-pkg.sh)
# next to playwright-core and TypeScript, type-checks a user's code against its declarations,
# runs the browser tests in headless Chromium, then verify() under Node on the browser's report,
# then the submit tests against a local PostgreSQL + test gateway (scripts/with-stack.sh).
# Needs VALUATION_MODEL_DIR and VALUATION_NATIVE_REPORTS (scripts/test.sh sets both).
set -euo pipefail
cd "$(dirname "$0")"
tarball=$(ls ../../target/pkg/dataunion-valuation-*.tgz 2>/dev/null | head -1)
[[ -n $tarball ]] || { echo "no package tarball in target/pkg: run scripts/build-pkg.sh" >&2; exit 1; }
[[ -d node_modules/playwright-core && -d node_modules/@supabase/supabase-js ]] || npm ci --silent --no-audit --no-fund
# --no-save: the tarball's hash changes with every build, so it stays out of the lock file.
npm install --silent --no-audit --no-fund --no-save "$tarball"

echo "pkg-tests: pkg/decl is what tsc emits from the package's source (declarations.mjs; VALUATION_WRITE_TYPES=1 rewrites it)" >&2
node declarations.mjs
echo "pkg-tests: tsc -p pkg/tsconfig.json (the package's own JavaScript, // @ts-check + JSDoc, strict)" >&2
npx tsc -p ../../pkg/tsconfig.json
echo "pkg-tests: tsc --noEmit (the package's types against typecheck.ts)" >&2
npx tsc -p tsconfig.json
echo "pkg-tests: tsc --noEmit as a browser app compiles it (default lib, no @types/node, skipLibCheck off)" >&2
npx tsc -p tsconfig.browser.json
echo "pkg-tests: the README's JavaScript examples compile against the package (tsc, strict)" >&2
node readme-snippets.mjs
# Every test has a time bound: a hang fails with the test's name instead of stalling CI.
echo "pkg-tests: the pool's message protocol under seeded interleavings (scripted workers)" >&2
node --test --test-timeout=120000 pool.test.mjs
echo "pkg-tests: browser (headless Chromium)" >&2
node --test --test-concurrency=1 --test-timeout=300000 browser.test.mjs
echo "pkg-tests: Node (verify)" >&2
node --test --test-timeout=300000 verify.test.mjs error-codes.test.mjs model-source.test.mjs
echo "pkg-tests: submit (headless Chromium and Node; PostgreSQL 15 + the test gateway)" >&2
../../scripts/with-stack.sh timeout 300 node --test --test-concurrency=1 --test-timeout=120000 submit.test.mjs
