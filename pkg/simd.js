// @ts-check
// Which of the package's two wasm builds this engine runs: the relaxed-SIMD one where
// WebAssembly relaxed SIMD validates (Chrome 114+, Firefox 120+ on most machines), else the
// simd128 one. Both give the same reports bit for bit; only the int8 kernel's speed differs.

import { ValuationError } from './errors.js';

/** @import { WasmBuild } from './api.js' */

// (module (func (result v128) i32.const 1 i8x16.splat i32.const 2 i8x16.splat i8x16.relaxed_swizzle))
const RELAXED_PROBE = new Uint8Array([
  0, 97, 115, 109, 1, 0, 0, 0, 1, 5, 1, 96, 0, 1, 123, 3, 2, 1, 0, 10, 15, 1, 13, 0, 65, 1, 253, 15, 65, 2, 253, 15,
  253, 128, 2, 11,
]);

export function hasRelaxedSimd() {
  try {
    return WebAssembly.validate(RELAXED_PROBE);
  } catch {
    return false;
  }
}

/** @type {readonly WasmBuild[]} */
const BUILDS = ['auto', 'simd128', 'relaxed-simd'];

/**
 * The `wasm` option as asked for, or `invalid_option`.
 * @param {unknown} [requested]
 * @returns {WasmBuild}
 */
export function checkBuild(requested = 'auto') {
  // The cast only lets includes() take it: the check is what makes it a WasmBuild.
  if (!BUILDS.includes(/** @type {WasmBuild} */ (requested))) {
    throw new ValuationError('invalid_option', `wasm must be "auto", "simd128" or "relaxed-simd", not ${JSON.stringify(requested)}`);
  }
  return /** @type {WasmBuild} */ (requested);
}

/**
 * 'relaxed-simd' or 'simd128' for the `wasm` option ('auto' by default).
 * @param {unknown} [requested]
 * @returns {Exclude<WasmBuild, 'auto'>}
 */
export function pickVariant(requested = 'auto') {
  const build = checkBuild(requested);
  if (build !== 'auto') return build;
  return hasRelaxedSimd() ? 'relaxed-simd' : 'simd128';
}
