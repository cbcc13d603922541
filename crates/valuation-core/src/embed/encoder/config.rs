//! The model's `config.json`: the BERT sizes the encoder needs, checked against hostile values.

use crate::embed::EmbedError;

/// Sizes far beyond any sentence-embedding BERT; a config past them is hostile or broken and
/// would otherwise ask for absurd allocations.
const MAX_HIDDEN: usize = 8192;
const MAX_LAYERS: usize = 128;
const MAX_VOCAB: usize = 1 << 20;

#[derive(Debug, Clone, serde::Deserialize)]
pub struct BertConfig {
    pub vocab_size: usize,
    pub hidden_size: usize,
    pub num_hidden_layers: usize,
    pub num_attention_heads: usize,
    pub intermediate_size: usize,
    #[serde(default = "default_act")]
    pub hidden_act: String,
    pub max_position_embeddings: usize,
    #[serde(default = "one")]
    pub type_vocab_size: usize,
    #[serde(default = "default_eps")]
    pub layer_norm_eps: f64,
}

fn default_act() -> String {
    "gelu".into()
}
fn one() -> usize {
    1
}
fn default_eps() -> f64 {
    1e-12
}

impl BertConfig {
    pub fn parse(bytes: &[u8]) -> Result<Self, EmbedError> {
        let config: BertConfig =
            serde_json::from_slice(bytes).map_err(|e| EmbedError::InvalidConfig(e.to_string()))?;
        let bad = |what: &str| Err(EmbedError::InvalidConfig(what.to_string()));
        if config.hidden_size == 0 || config.hidden_size > MAX_HIDDEN {
            return bad("hidden_size out of range");
        }
        if config.num_attention_heads == 0 || config.hidden_size % config.num_attention_heads != 0 {
            return bad("hidden_size must be a multiple of num_attention_heads");
        }
        if config.num_hidden_layers == 0 || config.num_hidden_layers > MAX_LAYERS {
            return bad("num_hidden_layers out of range");
        }
        if config.vocab_size == 0 || config.vocab_size > MAX_VOCAB {
            return bad("vocab_size out of range");
        }
        if config.intermediate_size == 0 || config.intermediate_size > 8 * MAX_HIDDEN {
            return bad("intermediate_size out of range");
        }
        if config.max_position_embeddings == 0 || config.max_position_embeddings > 1 << 16 {
            return bad("max_position_embeddings out of range");
        }
        if config.type_vocab_size == 0 {
            return bad("type_vocab_size must be at least 1");
        }
        if config.hidden_act != "gelu" {
            return bad("hidden_act must be \"gelu\" (the erf form BERT uses)");
        }
        if !(config.layer_norm_eps > 0.0 && config.layer_norm_eps < 1.0) {
            return bad("layer_norm_eps out of range");
        }
        Ok(config)
    }
}
