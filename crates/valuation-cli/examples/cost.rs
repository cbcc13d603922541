//! Cost of valuing big files natively: whole-file pass throughput, total time with the model,
//! peak heap (model included, as in wasm), and how many units reach the model. A benchmark, not a test.
//!   cargo run --release -p valuation-cli --example cost -- FILE...
//! Prints one JSON object per file. The model comes from $VALUATION_MODEL_DIR.

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::time::Instant;

use valuation_core::score::{ScoreOptions, Staged};
use valuation_core::{EmbedOptions, Embedder, ModelFiles, ModelSpec, Precision};

/// Counts live heap bytes and their high-water mark: exact, and the same notion as wasm's linear
/// memory, unlike RSS.
struct Counting;
static LIVE: AtomicUsize = AtomicUsize::new(0);
static PEAK: AtomicUsize = AtomicUsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = unsafe { System.alloc(layout) };
        if !p.is_null() {
            PEAK.fetch_max(
                LIVE.fetch_add(layout.size(), Relaxed) + layout.size(),
                Relaxed,
            );
        }
        p
    }
    unsafe fn dealloc(&self, p: *mut u8, layout: Layout) {
        unsafe { System.dealloc(p, layout) };
        LIVE.fetch_sub(layout.size(), Relaxed);
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

const MB: f64 = 1024.0 * 1024.0;

fn main() {
    let dir = std::path::PathBuf::from(
        std::env::var_os("VALUATION_MODEL_DIR").expect("set VALUATION_MODEL_DIR"),
    );
    let read = |n: &str| {
        std::fs::read(dir.join(n)).unwrap_or_else(|e| panic!("{}: {e}", dir.join(n).display()))
    };
    // VALUATION_PRECISION=f32 measures the f32 encoder; int8 (default) reads the int8 file.
    let precision = match std::env::var("VALUATION_PRECISION").as_deref() {
        Ok("f32") => Precision::F32,
        _ => Precision::Int8,
    };
    let (config, tokenizer, weights) = (
        read(ModelSpec::CONFIG_FILE),
        read(ModelSpec::TOKENIZER_FILE),
        read(&ModelSpec::default().weights(precision).name),
    );
    let files = ModelFiles {
        config_json: &config,
        tokenizer_json: &tokenizer,
        weights_safetensors: &weights,
    };
    let embedder = Embedder::from_bytes(
        files,
        &EmbedOptions {
            batch_size: 8,
            precision: Some(precision),
            ..EmbedOptions::default()
        },
    )
    .expect("model");
    drop((config, tokenizer, weights));
    let options = ScoreOptions::default();
    for path in std::env::args().skip(1) {
        let bytes = std::fs::read(&path).expect("read file");
        let base = LIVE.load(Relaxed);
        PEAK.store(base, Relaxed);
        let start = Instant::now();
        let mut staged = Staged::new(&bytes, &options).expect("analyze");
        let pass = start.elapsed().as_secs_f64();
        while staged.embed_step(&embedder).expect("embed") {}
        let embed = start.elapsed().as_secs_f64() - pass;
        let embedded = staged.units_embedded();
        let report = staged.finish(None).expect("report");
        let total = start.elapsed().as_secs_f64();
        let finish = total - pass - embed;
        let peak = PEAK.load(Relaxed) as f64;
        println!(
            "{{\"file\":{:?},\"mb\":{:.1},\"pass_s\":{pass:.3},\"pass_mb_s\":{:.1},\"embed_s\":{embed:.3},\"finish_s\":{finish:.3},\"total_s\":{total:.3},\"peak_mb\":{:.1},\"model_mb\":{:.1},\"embedded\":{embedded},\"score\":{}}}",
            std::path::Path::new(&path).file_name().unwrap_or_default().to_string_lossy(),
            bytes.len() as f64 / MB,
            bytes.len() as f64 / MB / pass,
            peak / MB,
            base as f64 / MB,
            report.score,
        );
    }
}
