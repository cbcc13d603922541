//! Test fixtures: the real model (from the fetch script's cache) and `../shared` reference data.
//! Both are required; a missing one fails the test with the command that provides it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use valuation_core::embed::quantize_weights;
use valuation_core::{EmbedOptions, Embedder, ModelFiles, ModelSpec, Precision};

pub fn workspace_root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("../..")
}

pub fn shared_dir() -> PathBuf {
    let dir = std::env::var_os("VALUATION_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("../shared"));
    assert!(
        dir.join("fixtures/minilm/corpus.txt").is_file(),
        "shared fixtures not found at {} (set VALUATION_SHARED to the shared/ folder)",
        dir.display()
    );
    dir
}

pub fn model_dir() -> PathBuf {
    let dir = std::env::var_os("VALUATION_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let home = std::env::var_os("HOME")
                .map(PathBuf::from)
                .unwrap_or_default();
            std::env::var_os("VALUATION_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| home.join(".cache/dataunion-valuation"))
                .join("models/all-MiniLM-L6-v2")
        });
    assert!(
        dir.join(ModelSpec::WEIGHTS_FILE).is_file(),
        "model not found at {}: run scripts/fetch-model.sh (or set VALUATION_MODEL_DIR)",
        dir.display()
    );
    dir
}

pub struct ModelBytes {
    pub config: Vec<u8>,
    pub tokenizer: Vec<u8>,
    pub weights: Vec<u8>,
    /// The int8 file, made from `weights` by the quantiser (as `valuation quantize` does).
    pub int8_weights: Vec<u8>,
}

impl ModelBytes {
    pub fn files(&self) -> ModelFiles<'_> {
        ModelFiles {
            config_json: &self.config,
            tokenizer_json: &self.tokenizer,
            weights_safetensors: &self.weights,
        }
    }
}

pub fn model_bytes() -> &'static ModelBytes {
    static BYTES: OnceLock<ModelBytes> = OnceLock::new();
    BYTES.get_or_init(|| {
        let dir = model_dir();
        let read = |f: &str| std::fs::read(dir.join(f)).unwrap();
        let (config, weights) = (read(ModelSpec::CONFIG_FILE), read(ModelSpec::WEIGHTS_FILE));
        let int8_weights = quantize_weights(&config, &weights).expect("the real model quantises");
        ModelBytes {
            config,
            tokenizer: read(ModelSpec::TOKENIZER_FILE),
            weights,
            int8_weights,
        }
    })
}

impl ModelBytes {
    pub fn files_of(&self, precision: Precision) -> ModelFiles<'_> {
        ModelFiles {
            weights_safetensors: match precision {
                Precision::F32 => &self.weights,
                Precision::Int8 => &self.int8_weights,
            },
            ..self.files()
        }
    }
}

/// The f32 encoder (sentence-transformers' vectors).
pub fn embedder(batch_size: usize) -> Embedder {
    embedder_of(Precision::F32, batch_size)
}

/// The encoder of `precision`, held to the default model's pinned hash of that file.
pub fn embedder_of(precision: Precision, batch_size: usize) -> Embedder {
    let options = EmbedOptions {
        batch_size,
        expected_weights_sha256: Some(ModelSpec::default().weights(precision).sha256.clone()),
        precision: Some(precision),
        ..Default::default()
    };
    Embedder::from_bytes(model_bytes().files_of(precision), &options).expect("real model loads")
}

pub fn corpus() -> Vec<String> {
    let text = std::fs::read_to_string(shared_dir().join("fixtures/minilm/corpus.txt")).unwrap();
    text.lines().map(str::to_owned).collect()
}

/// sentence-transformers fp32 embeddings of `corpus()`, row i = line i.
pub fn reference_embeddings() -> Vec<Vec<f32>> {
    let bytes = std::fs::read(
        shared_dir().join("fixtures/minilm/reference-sentence-transformers-fp32.f32"),
    )
    .unwrap();
    let floats: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    floats.chunks_exact(384).map(<[f32]>::to_vec).collect()
}

/// The labelled prose/junk corpus and datatrove's verdicts, built by `scripts/quality-corpus.sh`.
pub fn quality_corpus_dir() -> PathBuf {
    let dir = std::env::var_os("VALUATION_QUALITY_CORPUS")
        .map(PathBuf::from)
        .unwrap_or_else(|| workspace_root().join("target/test-data/quality"));
    assert!(
        dir.join("corpus.jsonl").is_file() && dir.join("datatrove-verdicts.jsonl").is_file(),
        "quality corpus not found at {}: run scripts/quality-corpus.sh (or set VALUATION_QUALITY_CORPUS)",
        dir.display()
    );
    dir
}

pub fn read_jsonl(path: &std::path::Path) -> Vec<serde_json::Value> {
    std::fs::read_to_string(path)
        .unwrap_or_else(|e| panic!("{}: {e}", path.display()))
        .lines()
        .filter(|l| !l.trim().is_empty())
        .map(|l| serde_json::from_str(l).expect("valid JSON line"))
        .collect()
}
