use candle_core::{DType, Device, Tensor};
use candle_nn::VarBuilder;
use candle_transformers::models::bert::{BertModel, Config as BertConfig};

use super::pooling::masked_mean_l2;
use super::text_tokenizer::{TextTokenizer, Tokens};
use super::{sha256_hex, EmbedError, ModelFiles, ModelSpec};

/// How texts are embedded; the same options give the same vectors.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(default)]
pub struct EmbedOptions {
    /// Texts run through the model together. Texts are grouped by token length first, so padding
    /// stays small; 1 runs each text alone.
    pub batch_size: usize,
    /// When set, loading fails unless the weights hash to this (lowercase hex SHA-256).
    pub expected_weights_sha256: Option<String>,
    /// Word pieces per text including special tokens; longer texts are truncated.
    pub max_tokens: usize,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        let spec = ModelSpec::default();
        EmbedOptions {
            batch_size: 1,
            expected_weights_sha256: None,
            max_tokens: spec.max_tokens,
        }
    }
}

/// What was loaded: goes into every report so a score can be traced to its exact model.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelInfo {
    pub weights_sha256: String,
    pub dim: usize,
    pub max_tokens: usize,
}

pub struct Embedder {
    model: BertModel,
    tokenizer: TextTokenizer,
    info: ModelInfo,
    batch_size: usize,
}

/// Sizes far beyond any sentence-embedding BERT; a config past them is hostile or broken and
/// would otherwise ask candle for absurd allocations.
const MAX_HIDDEN: usize = 8192;
const MAX_LAYERS: usize = 128;
const MAX_VOCAB: usize = 1 << 20;

impl Embedder {
    pub fn from_bytes(files: ModelFiles<'_>, options: &EmbedOptions) -> Result<Self, EmbedError> {
        if options.batch_size == 0 || options.batch_size > 1024 {
            return Err(EmbedError::InvalidOption(
                "batch_size must be in 1..=1024".into(),
            ));
        }
        let weights_sha256 = sha256_hex(files.weights_safetensors);
        if let Some(expected) = &options.expected_weights_sha256 {
            if !expected.eq_ignore_ascii_case(&weights_sha256) {
                return Err(EmbedError::WeightsHashMismatch {
                    expected: expected.to_ascii_lowercase(),
                    actual: weights_sha256,
                });
            }
        }
        let config = parse_config(files.config_json)?;
        if options.max_tokens > config.max_position_embeddings {
            return Err(EmbedError::InvalidOption(format!(
                "max_tokens {} exceeds the model's {} positions",
                options.max_tokens, config.max_position_embeddings
            )));
        }
        let tokenizer = TextTokenizer::from_bytes(files.tokenizer_json, options.max_tokens)?;
        if tokenizer.vocab_size() > config.vocab_size {
            return Err(EmbedError::IncompatibleModel(format!(
                "tokenizer has {} tokens but the model embeds only {}",
                tokenizer.vocab_size(),
                config.vocab_size
            )));
        }
        let vb =
            VarBuilder::from_slice_safetensors(files.weights_safetensors, DType::F32, &Device::Cpu)
                .map_err(|e| EmbedError::InvalidWeights(e.to_string()))?;
        let model =
            BertModel::load(vb, &config).map_err(|e| EmbedError::InvalidWeights(e.to_string()))?;
        Ok(Embedder {
            model,
            tokenizer,
            info: ModelInfo {
                weights_sha256,
                dim: config.hidden_size,
                max_tokens: options.max_tokens,
            },
            batch_size: options.batch_size,
        })
    }

    pub fn info(&self) -> &ModelInfo {
        &self.info
    }

    pub fn dim(&self) -> usize {
        self.info.dim
    }

    /// One unit-length vector per text, in input order.
    pub fn embed<S: AsRef<str>>(&self, texts: &[S]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let mut job = self.start(texts)?;
        while self.step(&mut job)? {}
        Ok(job.into_vectors())
    }

    /// Tokenizes now and embeds one batch per [`Embedder::step`], so a host can report progress
    /// and stop between batches. The groups are those of [`Embedder::embed`]: same vectors, bit
    /// for bit.
    pub fn start<S: AsRef<str>>(&self, texts: &[S]) -> Result<EmbedJob, EmbedError> {
        let tokens = texts
            .iter()
            .map(|t| self.tokenizer.tokenize(t.as_ref()))
            .collect::<Result<Vec<_>, _>>()?;
        // Shortest first, ties by position: deterministic groups with little padding.
        let mut order: Vec<usize> = (0..tokens.len()).collect();
        order.sort_by_key(|&i| (tokens[i].ids.len(), i));
        let out = vec![Vec::new(); tokens.len()];
        Ok(EmbedJob {
            tokens,
            order,
            next: 0,
            out,
        })
    }

    /// Runs the job's next batch; false once every text is embedded.
    pub fn step(&self, job: &mut EmbedJob) -> Result<bool, EmbedError> {
        if job.next >= job.order.len() {
            return Ok(false);
        }
        let end = (job.next + self.batch_size).min(job.order.len());
        let group = &job.order[job.next..end];
        let batch: Vec<&Tokens> = group.iter().map(|&i| &job.tokens[i]).collect();
        for (&i, vector) in group.iter().zip(self.run(&batch)?) {
            job.out[i] = vector;
        }
        job.next = end;
        Ok(job.next < job.order.len())
    }

    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        Ok(self.embed(&[text])?.pop().unwrap_or_default())
    }

    fn run(&self, batch: &[&Tokens]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let seq = batch.iter().map(|t| t.ids.len()).max().unwrap_or(0);
        let (mut ids, mut mask) = (Vec::with_capacity(batch.len() * seq), Vec::new());
        for t in batch {
            ids.extend_from_slice(&t.ids);
            ids.resize(ids.len() + seq - t.ids.len(), 0);
            mask.extend_from_slice(&t.mask);
            mask.resize(mask.len() + seq - t.mask.len(), 0);
        }
        let dev = &Device::Cpu;
        let shape = (batch.len(), seq);
        let ids_t = Tensor::from_vec(ids, shape, dev)?;
        let type_ids = ids_t.zeros_like()?;
        let mask_t = Tensor::from_vec(mask.clone(), shape, dev)?;
        let hidden = self.model.forward(&ids_t, &type_ids, Some(&mask_t))?;
        let hidden = hidden.flatten_all()?.to_vec1::<f32>()?;
        let dim = self.info.dim;
        Ok(hidden
            .chunks_exact(seq * dim)
            .zip(mask.chunks_exact(seq))
            .map(|(h, m)| masked_mean_l2(h, m, dim))
            .collect())
    }
}

fn parse_config(bytes: &[u8]) -> Result<BertConfig, EmbedError> {
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
    Ok(config)
}

/// Texts being embedded batch by batch (see [`Embedder::start`]).
pub struct EmbedJob {
    tokens: Vec<Tokens>,
    order: Vec<usize>,
    next: usize,
    out: Vec<Vec<f32>>,
}

impl EmbedJob {
    pub fn done(&self) -> usize {
        self.next
    }

    pub fn total(&self) -> usize {
        self.order.len()
    }

    /// One vector per text, in input order; empty vectors for texts not embedded yet.
    pub fn into_vectors(self) -> Vec<Vec<f32>> {
        self.out
    }
}
