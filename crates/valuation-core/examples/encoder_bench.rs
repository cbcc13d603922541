//! Native encoder benchmark and accuracy check, both precisions, same run:
//! sentences/s on the 1000-sentence corpus and min/mean cosine against sentence-transformers.
//! `cargo run --release -p valuation-core --example encoder_bench [-- BATCH]`
//! Reads the model from $VALUATION_MODEL_DIR and the fixtures from $VALUATION_SHARED (or ../shared).

use std::path::PathBuf;
use std::time::Instant;

use valuation_core::embed::{cosine, quantize_weights};
use valuation_core::{EmbedOptions, Embedder, ModelFiles};

fn now_ms() -> f64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_secs_f64() * 1000.0
}

fn main() {
    let batch: usize = std::env::args()
        .nth(1)
        .map_or(8, |b| b.parse().expect("batch size"));
    let model = PathBuf::from(std::env::var("VALUATION_MODEL_DIR").expect("VALUATION_MODEL_DIR"));
    let shared = std::env::var_os("VALUATION_SHARED")
        .map_or_else(|| PathBuf::from("../shared"), PathBuf::from);
    let read = |p: PathBuf| std::fs::read(&p).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    let (config, tokenizer, f32_weights) = (
        read(model.join("config.json")),
        read(model.join("tokenizer.json")),
        read(model.join("model.safetensors")),
    );
    let t = Instant::now();
    let int8_weights = quantize_weights(&config, &f32_weights).expect("quantize");
    println!(
        "quantize: {:.2} s, {} bytes",
        t.elapsed().as_secs_f64(),
        int8_weights.len()
    );
    let corpus = String::from_utf8(read(shared.join("fixtures/minilm/corpus.txt"))).unwrap();
    let texts: Vec<&str> = corpus.lines().collect();
    let paragraphs: Vec<String> = texts.chunks(6).map(|c| c.join(" ")).collect();
    let reference: Vec<Vec<f32>> =
        read(shared.join("fixtures/minilm/reference-sentence-transformers-fp32.f32"))
            .chunks_exact(4)
            .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
            .collect::<Vec<_>>()
            .chunks_exact(384)
            .map(<[f32]>::to_vec)
            .collect();
    for (name, weights) in [("f32", &f32_weights), ("int8", &int8_weights)] {
        let files = ModelFiles {
            config_json: &config,
            tokenizer_json: &tokenizer,
            weights_safetensors: weights,
        };
        let t = Instant::now();
        let embedder = Embedder::from_bytes(
            files,
            &EmbedOptions {
                batch_size: batch,
                ..Default::default()
            },
        )
        .expect("load");
        let load = t.elapsed().as_secs_f64();
        embedder.embed(&texts[..50]).unwrap();
        let t = Instant::now();
        let vectors = embedder.embed(&texts).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let cos: Vec<f32> = vectors
            .iter()
            .zip(&reference)
            .map(|(a, b)| cosine(a, b))
            .collect();
        let min = cos.iter().copied().fold(1.0, f32::min);
        let mean = cos.iter().sum::<f32>() / cos.len() as f32;
        println!(
            "{name:>4} batch {batch}: {:.1} sentences/s, load {load:.2} s, min cos {min:.6}, mean cos {mean:.6}",
            texts.len() as f64 / secs
        );
        let profile = embedder.profile(&texts, now_ms).unwrap();
        println!(
            "     profile ({:.0} ms): {}",
            profile.total_ms,
            shares(&profile)
        );
        // Paragraph-long units (six sentences, ~130 word pieces), what valuing prose embeds.
        let t = Instant::now();
        embedder.embed(&paragraphs).unwrap();
        let secs = t.elapsed().as_secs_f64();
        let profile = embedder.profile(&paragraphs, now_ms).unwrap();
        println!(
            "     paragraphs: {:.1}/s; profile: {}",
            paragraphs.len() as f64 / secs,
            shares(&profile)
        );
    }
}

/// "op 12.3%, …": each op class's share of a profile.
fn shares(profile: &valuation_core::embed::Profile) -> String {
    profile
        .ms
        .iter()
        .map(|(op, ms)| format!("{op} {:.1}%", 100.0 * ms / profile.total_ms))
        .collect::<Vec<_>>()
        .join(", ")
}
