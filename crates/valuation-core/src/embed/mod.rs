//! Sentence embeddings: tokenizer + BERT encoder + masked mean pooling + L2 normalisation,
//! matching sentence-transformers' all-MiniLM-L6-v2 pipeline.

#[cfg(feature = "model")]
mod embedder;
#[cfg(feature = "model")]
pub mod encoder;
mod error;
mod model_files;
#[cfg(feature = "model")]
mod pooling;
mod precision;
#[cfg(feature = "model")]
mod text_tokenizer;

#[cfg(feature = "model")]
pub use embedder::{EmbedJob, EmbedOptions, Embedder, ModelInfo};
#[cfg(feature = "model")]
pub use encoder::quantize::quantize_weights;
#[cfg(feature = "model")]
pub use encoder::Profile;
pub use error::EmbedError;
pub use model_files::{sha256_hex, ModelFiles, ModelSpec, PinnedFile};
#[cfg(feature = "model")]
pub use pooling::{cosine, mean_l2};
pub use precision::Precision;
