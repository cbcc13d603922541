//! Compute kernels of the encoder: the matrix products that take over 85 % of the time, and the
//! element-wise maths around them.
//!
//! Every output element is computed by one fixed sequence of IEEE operations (or exactly, in
//! integers), whatever the tile it falls in, the batch it belongs to or the instruction set:
//! the wasm simd128 kernels, the x86-64 ones and the portable ones give the same bits. Each kernel has a plain scalar `reference` that the
//! tests compare against bit for bit on odd shapes. No fused multiply-add anywhere: FMA rounds
//! once where mul + add rounds twice, so CPUs with and without it would disagree.

// Without the `model` feature (the ts-rs type generation builds so) the encoder that calls these
// is not compiled and only the self-check uses them.
#![cfg_attr(not(feature = "model"), allow(dead_code))]

pub(crate) mod attention;
pub mod check;
pub(crate) mod gemm_f32;
pub(crate) mod gemm_i8;
pub(crate) mod math;
pub(crate) mod quantize_rows;

pub use gemm_i8::{pick_relaxed_dot, relaxed_dot, RelaxedDot};

/// Which instruction set the kernels of this build use, for benchmarks and reports.
pub const fn variant() -> &'static str {
    if cfg!(all(target_arch = "wasm32", feature = "relaxed-simd")) {
        "wasm-relaxed-simd"
    } else if cfg!(all(target_arch = "wasm32", target_feature = "simd128")) {
        "wasm-simd128"
    } else if cfg!(target_arch = "wasm32") {
        "wasm-scalar"
    } else if cfg!(target_arch = "x86_64") {
        "x86_64-sse2"
    } else {
        "portable"
    }
}
