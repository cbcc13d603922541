//! Dataset reference at scale, natively: build one from N synthetic accepted units (unit vectors
//! of the model's width from a fixed generator), write and read it back, then look up 128
//! sampled units (half near copies of accepted ones, half fresh). Prints size per unit and times.
//! `cargo run --release -p valuation-core --example dataset_ref_bench [-- N [OUT]]` (default
//! 100 000; OUT: also write the reference there, e.g. for timing it in wasm).
//! A benchmark, not a test: it asserts only that near copies are found and fresh units are not.

use std::time::Instant;

use valuation_core::dataset_ref::{normalize, DatasetRef, DatasetRefBuilder};
use valuation_core::score::SEMANTIC_MATCH_LIMIT;

fn main() {
    let n: usize = std::env::args()
        .nth(1)
        .map_or(100_000, |a| a.parse().expect("a unit count"));
    let mut state = 0x2545_f491_4f6c_dd1d_u64;
    let mut next = move || {
        state ^= state << 13;
        state ^= state >> 7;
        state ^= state << 17;
        (state >> 40) as f32 / (1u64 << 24) as f32 - 0.5
    };
    let mut vector = || normalize((0..384).map(|_| next()).collect());
    let units: Vec<Vec<f32>> = (0..n).map(|_| vector()).collect();

    let t = Instant::now();
    let mut builder = DatasetRefBuilder::default();
    builder.add_file(
        &format!("{:064x}", 1),
        (0..n as u64).map(|i| i.wrapping_mul(0x9E37_79B9_7F4A_7C15)),
    );
    for chunk in units.chunks(4096) {
        builder.add_embeddings("sentence-transformers/all-MiniLM-L6-v2", chunk);
    }
    let reference = builder.build();
    let build = t.elapsed();
    let bytes = reference.to_bytes();
    if let Some(out) = std::env::args().nth(2) {
        std::fs::write(&out, &bytes).expect("write the reference");
    }
    let t = Instant::now();
    let parsed = DatasetRef::parse(&bytes).expect("reads back");
    let read = t.elapsed();

    let queries: Vec<Vec<f32>> = (0..128)
        .map(|i| {
            if i % 2 == 0 {
                let noise = vector();
                normalize(
                    units[i * 7]
                        .iter()
                        .zip(&noise)
                        .map(|(u, e)| u + 0.15 * e)
                        .collect(),
                )
            } else {
                vector()
            }
        })
        .collect();
    let t = Instant::now();
    let hits: Vec<bool> = queries
        .iter()
        .map(|q| parsed.has_match(q, SEMANTIC_MATCH_LIMIT))
        .collect();
    let lookup = t.elapsed();
    // The bits-counted lookup (one probe per band, ≤ 29 bits), for comparison.
    let t = Instant::now();
    let by_bits = queries
        .iter()
        .filter(|q| parsed.has_sketch_within(&parsed.sketch_of(q), 29))
        .count();
    let bits_lookup = t.elapsed();
    let near = hits.iter().step_by(2).filter(|h| **h).count();
    let fresh = hits.iter().skip(1).step_by(2).filter(|h| **h).count();
    println!(
        "{n} accepted units: {} bytes ({:.2} per unit; sketches 16, unit hashes {} kept), build {:.2} s (sketching), read + index {:.0} ms, 128 lookups {:.2} ms (bits counted: {:.2} ms, {by_bits} found); near copies found {near}/64, fresh matched {fresh}/64",
        bytes.len(),
        bytes.len() as f64 / n as f64,
        parsed.unit_hash_count(),
        build.as_secs_f64(),
        read.as_secs_f64() * 1e3,
        lookup.as_secs_f64() * 1e3,
        bits_lookup.as_secs_f64() * 1e3,
    );
    assert!(near >= 60 && fresh <= 2, "near {near}, fresh {fresh}");
}
