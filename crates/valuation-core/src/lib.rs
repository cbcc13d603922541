//! Pure-Rust core of DataUnion Valuation.
//!
//! Everything here runs unchanged natively, in Node and in the browser: no I/O, no wasm-bindgen.
//! Bytes come in, numbers and serde types go out; the binding crates only move data across.

/// Whole-file loops run a block of this many bytes per call (decoding, the PII prefilters): V8
/// compiles a wasm function with its optimising tier only for its later calls, so one call over a
/// whole file would run unoptimised on the first file a worker values.
pub(crate) const WHOLE_FILE_BLOCK: usize = 64 * 1024;

pub mod embed;
mod error_code;
pub use error_code::ErrorCode;
pub mod kernels;

pub use embed::{EmbedError, ModelFiles, ModelSpec, PinnedFile, Precision};
#[cfg(feature = "model")]
pub use embed::{EmbedJob, EmbedOptions, Embedder, ModelInfo};
pub mod coherence;
pub mod dataset_ref;
pub mod heuristics;
pub mod intake;
pub mod pii;
mod rng;
pub mod score;
pub mod structure;
pub mod text;
pub mod units;
