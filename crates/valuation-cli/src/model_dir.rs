//! Finding and reading the model files: the CLI's I/O, kept out of the core.

use std::path::{Path, PathBuf};

use anyhow::{bail, Context, Result};
use valuation_core::embed::{quantize_weights, sha256_hex};
use valuation_core::{EmbedOptions, Embedder, ModelFiles, ModelSpec, Precision};

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

fn read(dir: &Path, name: &str) -> Result<Vec<u8>> {
    let path = dir.join(name);
    std::fs::read(&path).with_context(|| format!("reading {}", path.display()))
}

fn existing_dir(explicit: Option<&Path>) -> Result<(PathBuf, bool)> {
    let (dir, is_default) = resolve(explicit);
    if !dir.is_dir() {
        bail!(
            "model folder {} not found: run scripts/fetch-model.sh or pass --model DIR",
            dir.display()
        );
    }
    Ok((dir, is_default))
}

/// The int8 file of the folder's f32 weights: `model.int8.safetensors` when the folder has it,
/// else made from `model.safetensors` now (deterministic, ~0.3 s) and saved there when possible.
fn int8_weights(dir: &Path) -> Result<Vec<u8>> {
    let path = dir.join(ModelSpec::INT8_WEIGHTS_FILE);
    if path.is_file() {
        return read(dir, ModelSpec::INT8_WEIGHTS_FILE);
    }
    let bytes = quantize_weights(
        &read(dir, ModelSpec::CONFIG_FILE)?,
        &read(dir, ModelSpec::WEIGHTS_FILE)?,
    )
    .map_err(|e| anyhow::anyhow!("[{}] {e} (quantising {})", e.code(), dir.display()))?;
    // A read-only folder only costs the quantisation again next time.
    let _ = write_atomic(&path, &bytes);
    Ok(bytes)
}

pub fn write_atomic(path: &Path, bytes: &[u8]) -> Result<()> {
    let part = path.with_extension("part");
    std::fs::write(&part, bytes).with_context(|| format!("writing {}", part.display()))?;
    std::fs::rename(&part, path).with_context(|| format!("writing {}", path.display()))
}

pub fn load_embedder(
    explicit: Option<&Path>,
    mut options: EmbedOptions,
    precision: Precision,
) -> Result<Embedder> {
    let (dir, is_default) = existing_dir(explicit)?;
    let weights = match precision {
        Precision::F32 => read(&dir, ModelSpec::WEIGHTS_FILE)?,
        Precision::Int8 => int8_weights(&dir)?,
    };
    if is_default && options.expected_weights_sha256.is_none() {
        options.expected_weights_sha256 =
            Some(ModelSpec::default().weights(precision).sha256.clone());
    }
    options.precision = Some(precision);
    let (config, tokenizer) = (
        read(&dir, ModelSpec::CONFIG_FILE)?,
        read(&dir, ModelSpec::TOKENIZER_FILE)?,
    );
    let files = ModelFiles {
        config_json: &config,
        tokenizer_json: &tokenizer,
        weights_safetensors: &weights,
    };
    Embedder::from_bytes(files, &options)
        .map_err(|e| anyhow::anyhow!("[{}] {e} (model folder {})", e.code(), dir.display()))
}

/// `valuation quantize`: writes the int8 file and prints where and its SHA-256.
pub fn run_quantize(explicit: Option<&Path>, output: Option<&Path>) -> Result<()> {
    let (dir, is_default) = existing_dir(explicit)?;
    let f32_weights = read(&dir, ModelSpec::WEIGHTS_FILE)?;
    let spec = ModelSpec::default();
    let is_default_model = spec.weights.matches(&f32_weights);
    if is_default && !is_default_model {
        bail!(
            "[weights_hash_mismatch] {} is not the default model's f32 weights",
            dir.display()
        );
    }
    let bytes = quantize_weights(&read(&dir, ModelSpec::CONFIG_FILE)?, &f32_weights)
        .map_err(|e| anyhow::anyhow!("[{}] {e} (model folder {})", e.code(), dir.display()))?;
    // The default model's int8 file is pinned: a different result means the quantiser changed.
    if is_default_model && !spec.int8_weights.matches(&bytes) {
        bail!(
            "[weights_hash_mismatch] the int8 file hashes to {} ({} bytes), pinned {} ({} bytes): re-pin ModelSpec::int8_weights",
            sha256_hex(&bytes),
            bytes.len(),
            spec.int8_weights.sha256,
            spec.int8_weights.bytes
        );
    }
    let out = output.map_or_else(|| dir.join(ModelSpec::INT8_WEIGHTS_FILE), Path::to_path_buf);
    write_atomic(&out, &bytes)?;
    println!(
        "{}  {}  {} bytes",
        sha256_hex(&bytes),
        out.display(),
        bytes.len()
    );
    Ok(())
}
