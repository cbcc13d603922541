use thiserror::Error;

use crate::ErrorCode;

/// Why a model could not be loaded or text could not be embedded.
///
/// Each variant has a stable [`EmbedError::code`] so JS callers and scripts can branch on it
/// without parsing messages.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
#[non_exhaustive]
pub enum EmbedError {
    #[error("config.json is not a usable BERT config: {0}")]
    InvalidConfig(String),
    #[error("tokenizer.json could not be loaded: {0}")]
    InvalidTokenizer(String),
    #[error("model.safetensors could not be loaded: {0}")]
    InvalidWeights(String),
    #[error("model weights hash mismatch: expected sha256 {expected}, got {actual}")]
    WeightsHashMismatch { expected: String, actual: String },
    #[error("tokenizer and model do not fit together: {0}")]
    IncompatibleModel(String),
    #[error("invalid option: {0}")]
    InvalidOption(String),
    #[error("tokenization failed: {0}")]
    Tokenize(String),
    #[error("model inference failed: {0}")]
    Inference(String),
}

impl EmbedError {
    pub fn code(&self) -> ErrorCode {
        match self {
            EmbedError::InvalidConfig(_) => ErrorCode::InvalidConfig,
            EmbedError::InvalidTokenizer(_) => ErrorCode::InvalidTokenizer,
            EmbedError::InvalidWeights(_) => ErrorCode::InvalidWeights,
            EmbedError::WeightsHashMismatch { .. } => ErrorCode::WeightsHashMismatch,
            EmbedError::IncompatibleModel(_) => ErrorCode::IncompatibleModel,
            EmbedError::InvalidOption(_) => ErrorCode::InvalidOption,
            EmbedError::Tokenize(_) => ErrorCode::TokenizeFailed,
            EmbedError::Inference(_) => ErrorCode::InferenceFailed,
        }
    }
}
