//! Sentence embeddings: tokenizer + BERT encoder + masked mean pooling + L2 normalisation,
//! matching sentence-transformers' all-MiniLM-L6-v2 pipeline.

mod embedder;
mod error;
mod model_files;
mod pooling;
mod text_tokenizer;

pub use embedder::{Embedder, EmbedOptions, ModelInfo};
pub use error::EmbedError;
pub use model_files::{sha256_hex, ModelFiles, ModelSpec};
pub use pooling::{cosine, masked_mean_l2};
