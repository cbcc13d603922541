use sha2::{Digest, Sha256};

use super::Precision;

const INT8_SHA256: &str = "c334242da037d2d49b8e9d75fdac8dee9289c8f2a78e009d6d7d61e242c47792";
const INT8_BYTES: u64 = 23_489_952;

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

/// One file of a model as the manifest pins it: its name in the model folder (and under
/// `base_url`), its SHA-256 and its size.
///
/// The size lets a downloader show a total when the host sends no `content-length` and stop
/// reading as soon as a wrong file outgrows the real one, before hashing it.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct PinnedFile {
    pub name: String,
    /// Lowercase hex SHA-256.
    pub sha256: String,
    pub bytes: u64,
}

impl PinnedFile {
    fn new(name: &str, sha256: &str, bytes: u64) -> Self {
        PinnedFile {
            name: name.into(),
            sha256: sha256.into(),
            bytes,
        }
    }

    /// Whether `bytes` are this file: the size first, so a wrong file is rejected unhashed.
    pub fn matches(&self, bytes: &[u8]) -> bool {
        bytes.len() as u64 == self.bytes && sha256_hex(bytes) == self.sha256
    }
}

/// The model manifest: where a model lives and what each of its files must be.
///
/// `base_url` follows the Hugging Face hub layout (`{base_url}/{file}`), so the app's own CDN can
/// mirror the same files. The CLI, the package (`pkg/model-spec.js`, generated from this), the
/// fetch script and the tests all read the pins from here.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub struct ModelSpec {
    pub id: String,
    pub base_url: String,
    /// `config.json` and `tokenizer.json` are pinned too: every file is checked before the
    /// package caches it, so a wrong URL's HTML page can never sit in the cache as a model file.
    pub config: PinnedFile,
    pub tokenizer: PinnedFile,
    /// The f32 `model.safetensors`.
    pub weights: PinnedFile,
    /// The int8 file `valuation quantize` makes from those f32 weights (the quantiser is
    /// deterministic, so it is pinned; a change to the quantiser must change this too).
    pub int8_weights: PinnedFile,
    /// Word pieces per text, including `[CLS]`/`[SEP]` (sentence-transformers' `max_seq_length`).
    pub max_tokens: usize,
}

impl ModelSpec {
    pub const CONFIG_FILE: &'static str = "config.json";
    pub const TOKENIZER_FILE: &'static str = "tokenizer.json";
    pub const WEIGHTS_FILE: &'static str = "model.safetensors";
    pub const INT8_WEIGHTS_FILE: &'static str = "model.int8.safetensors";

    /// sentence-transformers/all-MiniLM-L6-v2, the default model.
    pub fn all_minilm_l6_v2() -> Self {
        ModelSpec {
            id: "sentence-transformers/all-MiniLM-L6-v2".into(),
            base_url: "https://huggingface.co/sentence-transformers/all-MiniLM-L6-v2/resolve/main"
                .into(),
            config: PinnedFile::new(
                Self::CONFIG_FILE,
                "953f9c0d463486b10a6871cc2fd59f223b2c70184f49815e7efbcab5d8908b41",
                612,
            ),
            tokenizer: PinnedFile::new(
                Self::TOKENIZER_FILE,
                "be50c3628f2bf5bb5e3a7f17b1f74611b2561a3a27eeab05e5aa30f411572037",
                466_247,
            ),
            weights: PinnedFile::new(
                Self::WEIGHTS_FILE,
                "53aa51172d142c89d9012cce15ae4d6cc0ca6895895114379cacb4fab128d9db",
                90_868_376,
            ),
            int8_weights: PinnedFile::new(Self::INT8_WEIGHTS_FILE, INT8_SHA256, INT8_BYTES),
            max_tokens: 256,
        }
    }

    /// The weights file of a precision.
    pub fn weights(&self, precision: Precision) -> &PinnedFile {
        match precision {
            Precision::F32 => &self.weights,
            Precision::Int8 => &self.int8_weights,
        }
    }

    /// The three files a precision loads: config, tokenizer, weights.
    pub fn files(&self, precision: Precision) -> [&PinnedFile; 3] {
        [&self.config, &self.tokenizer, self.weights(precision)]
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
