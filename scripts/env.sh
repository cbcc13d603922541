# Sourced by the scripts: puts the project's tools first on PATH.
# wasm-opt comes from the npm package `binaryen`: Debian's binaryen 108 rewrites the externref table
# that wasm-bindgen 0.2.130 emits into one that fails at WebAssembly.Table.set when the module starts.
VALUATION_CACHE=${VALUATION_CACHE:-${XDG_CACHE_HOME:-$HOME/.cache}/dataunion-valuation}
export VALUATION_CACHE
export PATH="$VALUATION_CACHE/npm/binaryen/node_modules/.bin:$HOME/.cargo/bin:$PATH"
