use sha2::{Digest, Sha256};

use super::Precision;

const INT8_SHA256: &str = "c334242da037d2d49b8e9d75fdac8dee9289c8f2a78e009d6d7d61e242c47792";

/// The three files a sentence-transformers BERT model needs, as bytes.
///
/// Where they come from (a cache folder, a CDN, Cache Storage) is the caller's business; the core
/// never does I/O.
#[derive(Clone, Copy)]
pub struct ModelFiles<'a> {
    pub config_json: &'a [u8],
    pub tokenizer_json: &'a [u8],
    pub weights_safetensors: &'a [u8],
}

/// Where a model lives and what its weights must hash to.
///
/// `base_url` follows the Hugging Face hub layout (`{base_url}/{file}`), so the app's own CDN can
/// mirror the same three files.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelSpec {
    pub id: String,
    pub base_url: String,
    /// SHA-256 of `config.json` and `tokenizer.json`: every file is checked before the package
    /// caches it, so a wrong URL's HTML page can never sit in the cache as a model file.
    pub config_sha256: String,
    pub tokenizer_sha256: String,
    /// SHA-256 of the f32 `model.safetensors`.
    pub weights_sha256: String,
    /// SHA-256 of the int8 file `valuation quantize` makes from those f32 weights (the quantiser
    /// is deterministic, so this is pinned; a change to it must change this too).
    pub int8_weights_sha256: String,
    /// Word pieces per text, including `[CLS]`/`[SEP]` (sentence-transformers' `max_seq_length`).
    pub max_tokens: usize,
}

impl ModelSpec {
    pub const CONFIG_FILE: &'static str = "config.json";
    pub const TOKENIZER_FILE: &'static str = "tokenizer.json";
    pub const WEIGHTS_FILE: &'static str = "model.safetensors";
    pub const INT8_WEIGHTS_FILE: &'static str = "model.int8.safetensors";
    pub const FILES: [&'static str; 3] =
        [Self::CONFIG_FILE, Self::TOKENIZER_FILE, Self::WEIGHTS_FILE];

    /// sentence-transformers/all-MiniLM-L6-v2, the default model.
    pub fn all_minilm_l6_v2() -> Self {
        ModelSpec {
            id: "sentence-transformers/all-MiniLM-L6-v2".into(),
            base_url: "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main"
                .into(),
            config_sha256: "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41"
                .into(),
            tokenizer_sha256: "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037"
                .into(),
            weights_sha256: "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db"
                .into(),
            int8_weights_sha256: INT8_SHA256.into(),
            max_tokens: 256,
        }
    }

    /// The weights file of a precision and the SHA-256 it must have.
    pub fn weights(&self, precision: Precision) -> (&'static str, &str) {
        match precision {
            Precision::F32 => (Self::WEIGHTS_FILE, &self.weights_sha256),
            Precision::Int8 => (Self::INT8_WEIGHTS_FILE, &self.int8_weights_sha256),
        }
    }

    pub fn file_url(&self, file: &str) -> String {
        format!("{}/{}", self.base_url.trim_end_matches('/'), file)
    }
}

impl Default for ModelSpec {
    fn default() -> Self {
        Self::all_minilm_l6_v2()
    }
}

/// Lowercase hex SHA-256.
///
/// Fed in 64 KiB pieces: V8 runs a wasm function in its baseline tier until that function is called
/// again after its optimised code is ready, so one `update` over 90 MB stayed unoptimised for the
/// whole hash (5.6 s cold in Chromium vs 0.6 s warm); many short calls let it tier up early.
pub fn sha256_hex(bytes: &[u8]) -> String {
    let mut hasher = Sha256::new();
    for piece in bytes.chunks(64 * 1024) {
        hasher.update(piece);
    }
    let digest = hasher.finalize();
    let mut out = String::with_capacity(64);
    for b in digest {
        out.push_str(&format!("{b:02x}"));
    }
    out
}
