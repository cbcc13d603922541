use thiserror::Error;

/// Why a model could not be loaded or text could not be embedded.
///
/// Each variant has a stable [`EmbedError::code`] so JS callers and scripts can branch on it
/// without parsing messages.
#[derive(Debug, Error, Clone, PartialEq, Eq)]
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
    pub fn code(&self) -> &'static str {
        match self {
            EmbedError::InvalidConfig(_) => "invalid_config",
            EmbedError::InvalidTokenizer(_) => "invalid_tokenizer",
            EmbedError::InvalidWeights(_) => "invalid_weights",
            EmbedError::WeightsHashMismatch { .. } => "weights_hash_mismatch",
            EmbedError::IncompatibleModel(_) => "incompatible_model",
            EmbedError::InvalidOption(_) => "invalid_option",
            EmbedError::Tokenize(_) => "tokenize_failed",
            EmbedError::Inference(_) => "inference_failed",
        }
    }
}
