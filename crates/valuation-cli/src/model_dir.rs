//! Finding and reading the model files: the CLI's I/O, kept out of the core.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use valuation_core::{EmbedOptions, Embedder, ModelFiles, ModelSpec};

/// `--model`, else `$VALUATION_MODEL_DIR`, else the fetch script's cache. Only the default cache
/// is held to the default model's weights hash: `--model` may point at any compatible model.
pub fn resolve(explicit: Option<&Path>) -> (PathBuf, bool) {
    if let Some(dir) = explicit {
        return (dir.to_path_buf(), false);
    }
    if let Some(dir) = std::env::var_os("VALUATION_MODEL_DIR") {
        return (PathBuf::from(dir), false);
    }
    let cache = std::env::var_os("VALUATION_CACHE")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            let base = std::env::var_os("XDG_CACHE_HOME")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    PathBuf::from(std::env::var_os("HOME").unwrap_or_default()).join(".cache")
                });
            base.join("dataunion-valuation")
        });
    (cache.join("models").join("all-MiniLM-L6-v2"), true)
}

pub fn load_embedder(explicit: Option<&Path>, mut options: EmbedOptions) -> Result<Embedder> {
    let (dir, is_default) = resolve(explicit);
    if !dir.is_dir() {
        bail!(
            "model folder {} not found: run scripts/fetch-model.sh or pass --model DIR",
            dir.display()
        );
    }
    let read = |name: &str| {
        let path = dir.join(name);
        std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
    };
    let (config, tokenizer, weights) = (
        read(ModelSpec::CONFIG_FILE)?,
        read(ModelSpec::TOKENIZER_FILE)?,
        read(ModelSpec::WEIGHTS_FILE)?,
    );
    if is_default && options.expected_weights_sha256.is_none() {
        options.expected_weights_sha256 = Some(ModelSpec::default().weights_sha256);
    }
    let files = ModelFiles {
        config_json: &config,
        tokenizer_json: &tokenizer,
        weights_safetensors: &weights,
    };
    Embedder::from_bytes(files, &options)
        .map_err(|e| anyhow::anyhow!("[{}] {e} (model folder {})", e.code(), dir.display()))
}
