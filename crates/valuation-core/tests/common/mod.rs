//! Test fixtures: the real model (from the fetch script's cache) and `../shared` reference data.
//! Both are required; a missing one fails the test with the command that provides it.
#![allow(dead_code)]

use std::path::PathBuf;
use std::sync::OnceLock;

use valuation_core::{EmbedOptions, Embedder, ModelFiles, ModelSpec};

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
        ModelBytes {
            config: read(ModelSpec::CONFIG_FILE),
            tokenizer: read(ModelSpec::TOKENIZER_FILE),
            weights: read(ModelSpec::WEIGHTS_FILE),
        }
    })
}

pub fn embedder(batch_size: usize) -> Embedder {
    let options = EmbedOptions {
        batch_size,
        expected_weights_sha256: Some(ModelSpec::default().weights_sha256),
        ..Default::default()
    };
    Embedder::from_bytes(model_bytes().files(), &options).expect("real model loads")
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
