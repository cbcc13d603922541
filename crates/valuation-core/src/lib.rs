//! Pure-Rust core of DataUnion Valuation.
//!
//! Everything here runs unchanged natively, in Node and in the browser: no I/O, no wasm-bindgen.
//! Bytes come in, numbers and serde types go out; the binding crates only move data across.

/// Whole-file loops run a block of this many bytes per call (decoding, the PII prefilters): V8
/// compiles a wasm function with its optimising tier only for its later calls, so one call over a
/// whole file would run unoptimised on the first file a worker values.
pub(crate) const WHOLE_FILE_BLOCK: usize = 64 * 1024;

// The public surface is what the CLI, the wasm bindings and the submit crate use: these four
// modules (report types, model, dataset references, the kernels' self-check) and the re-exports
// below. Everything else is an implementation detail that may change with any release.
pub mod dataset_ref;
pub mod embed;
pub mod kernels;
pub mod score;

mod coherence;
mod error_code;
mod hash;
mod intake;
mod pii;
mod rng;
mod structure;
mod text;
mod units;

/// Not API: public only so the peer-agreement test can hold each heuristic to datatrove's own
/// verdicts on the same documents (through the report they are mixed into sub-scores).
#[doc(hidden)]
pub mod heuristics;

pub use embed::{EmbedError, ModelFiles, ModelSpec, PinnedFile, Precision};
#[cfg(feature = "model")]
pub use embed::{EmbedJob, EmbedOptions, Embedder, ModelInfo};
pub use error_code::ErrorCode;
pub use intake::{Encoding, FileKind, IntakeError};
