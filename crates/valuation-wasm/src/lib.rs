//! WebAssembly bindings of valuation-core: thin wrappers only. Logic belongs in the core; every
//! JS↔Rust conversion lives in `convert`.

mod convert;
mod embedder;
mod file_buffer;
pub mod gloo;
mod panic;
mod score;
pub mod submit;
mod valuation;

pub use embedder::{quantize_weights, JsEmbedder};
pub use file_buffer::JsFileBuffer;
pub use valuation::JsValuation;
