//! The whole-file pass alone (no model): MB/s per file, the median of a few runs. A benchmark and
//! a profiling target (`perf record`), not a test.
//!   cargo run --release -p valuation-core --example pass_bench -- FILE... [--runs N]
//!   ... -- --digest FILE...   prints, per file, a SHA-256 of everything the pass decides (the
//!                             model-free report, the sample's texts, the unit hashes): the
//!                             same digests before and after a change to the pass prove it
//!                             gives the same reports.
use std::time::Instant;

use valuation_core::score::{analyze, ScoreOptions, Staged};

fn digest(path: &str, options: &ScoreOptions) -> String {
    let bytes = std::fs::read(path).expect("read file");
    let staged = match Staged::new(&bytes, options) {
        Ok(s) => s,
        Err(e) => return format!("error {e}"),
    };
    let analysis = staged.analysis();
    let mut hashes: Vec<u64> = analysis.unit_hashes.to_vec();
    hashes.sort_unstable();
    let sample = serde_json::to_string(&analysis.sample).expect("json");
    let report = serde_json::to_string(&staged.finish(None).expect("report")).expect("json");
    valuation_core::embed::sha256_hex(format!("{report}\n{sample}\n{hashes:?}").as_bytes())
}

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let runs = match args.iter().position(|a| a == "--runs") {
        Some(i) => {
            let n = args[i + 1].parse().expect("--runs N");
            args.drain(i..i + 2);
            n
        }
        None => 3,
    };
    let options = ScoreOptions::default();
    if args.first().is_some_and(|a| a == "--digest") {
        for path in &args[1..] {
            println!("{} {path}", digest(path, &options));
        }
        return;
    }
    for path in args {
        let bytes = std::fs::read(&path).expect("read file");
        let mut times: Vec<f64> = (0..runs)
            .map(|_| {
                let start = Instant::now();
                let analysis = analyze(&bytes, &options).expect("analyze");
                std::hint::black_box(analysis);
                start.elapsed().as_secs_f64()
            })
            .collect();
        times.sort_by(f64::total_cmp);
        let median = times[times.len() / 2];
        println!(
            "{path}: {:.1} MB/s ({:.3} s)",
            bytes.len() as f64 / (1024.0 * 1024.0) / median,
            median
        );
    }
}
