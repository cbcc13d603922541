use std::sync::Mutex;

use super::encoder::{BertConfig, Encoder, Profile, Profiler, Scratch};
use super::text_tokenizer::{TextTokenizer, Tokens};
use super::{sha256_hex, EmbedError, ModelFiles, ModelSpec, Precision};

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
    /// When set, loading fails unless the weights file is of this precision.
    pub precision: Option<Precision>,
}

impl Default for EmbedOptions {
    fn default() -> Self {
        let spec = ModelSpec::default();
        EmbedOptions {
            batch_size: 1,
            expected_weights_sha256: None,
            max_tokens: spec.max_tokens,
            precision: None,
        }
    }
}

/// What was loaded: goes into every report so a score can be traced to its exact model.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelInfo {
    pub weights_sha256: String,
    pub dim: usize,
    pub max_tokens: usize,
    pub precision: Precision,
}

pub struct Embedder {
    encoder: Encoder,
    tokenizer: TextTokenizer,
    info: ModelInfo,
    batch_size: usize,
    // Reused between calls; uncontended (one embedder per worker or thread of use).
    scratch: Mutex<Scratch>,
}

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
        let config = BertConfig::parse(files.config_json)?;
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
        let encoder = Encoder::load(files.weights_safetensors, &config)?;
        if let Some(want) = options.precision {
            if want != encoder.precision() {
                return Err(EmbedError::InvalidWeights(format!(
                    "expected {} weights, got {} weights",
                    want.as_str(),
                    encoder.precision().as_str()
                )));
            }
        }
        Ok(Embedder {
            info: ModelInfo {
                weights_sha256,
                dim: config.hidden_size,
                max_tokens: options.max_tokens,
                precision: encoder.precision(),
            },
            encoder,
            tokenizer,
            batch_size: options.batch_size,
            scratch: Mutex::new(Scratch::default()),
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

    /// Embeds `texts` like [`Embedder::embed`] and says where the time went, per op class.
    /// `clock` returns milliseconds (e.g. `performance.now` in the browser).
    pub fn profile<S: AsRef<str>>(
        &self,
        texts: &[S],
        clock: fn() -> f64,
    ) -> Result<Profile, EmbedError> {
        self.lock_scratch().profiler = Some(Profiler::new(clock));
        let result = self.embed(texts);
        let profile = self
            .lock_scratch()
            .profiler
            .take()
            .map(|p| p.finish())
            .unwrap_or_default();
        result.map(|_| profile)
    }

    fn lock_scratch(&self) -> std::sync::MutexGuard<'_, Scratch> {
        // A panic in an earlier call cannot leave the scratch half-valid: it is rewritten.
        self.scratch.lock().unwrap_or_else(|e| e.into_inner())
    }

    pub fn embed_one(&self, text: &str) -> Result<Vec<f32>, EmbedError> {
        Ok(self.embed(&[text])?.pop().unwrap_or_default())
    }

    fn run(&self, batch: &[&Tokens]) -> Result<Vec<Vec<f32>>, EmbedError> {
        let ids: Vec<&[u32]> = batch.iter().map(|t| t.ids.as_slice()).collect();
        Ok(self.encoder.embed(&ids, &mut self.lock_scratch()))
    }
}

/// Texts being embedded batch by batch (see [`Embedder::start`]).
pub struct EmbedJob {
    tokens: Vec<Tokens>,
    order: Vec<usize>,
    next: usize,
    out: Vec<Vec<f32>>,
}

impl EmbedJob {
    /// A job whose vectors were made elsewhere (see `Staged::set_vectors`).
    pub(crate) fn finished(out: Vec<Vec<f32>>) -> EmbedJob {
        EmbedJob {
            tokens: Vec::new(),
            order: (0..out.len()).collect(),
            next: out.len(),
            out,
        }
    }

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
