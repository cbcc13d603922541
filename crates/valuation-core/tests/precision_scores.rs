//! The int8 encoder must not move scores: every file of tests/data/score and every document of
//! the labelled quality corpus is valued with f32 and with int8 (with a domain, so relevance and
//! diversity use the model too); no score may change by more than 1 point. Prints the largest
//! change, which the README quotes.

mod common;

use valuation_core::score::{self, ScoreOptions};
use valuation_core::Precision;

const DOMAIN: &str = "The government of the United States: Congress, the economy and public policy.";

#[test]
fn int8_scores_stay_within_one_point_of_f32() {
    let (f32_model, int8_model) = (common::embedder_of(Precision::F32, 16), common::embedder_of(Precision::Int8, 16));
    let options = ScoreOptions { domain: Some(DOMAIN.into()), ..ScoreOptions::default() };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for name in ["speech.txt", "documents.csv", "documents.jsonl"] {
        files.push((name.into(), std::fs::read(common::workspace_root().join("tests/data/score").join(name)).unwrap()));
    }
    for (i, doc) in common::read_jsonl(&common::quality_corpus_dir().join("corpus.jsonl")).iter().enumerate() {
        files.push((format!("corpus #{i} ({})", doc["label"].as_str().unwrap()), doc["text"].as_str().unwrap().as_bytes().to_vec()));
    }
    let (mut worst, mut worst_at, mut moved) = (0i32, String::new(), 0usize);
    for (name, bytes) in &files {
        let a = score::score(bytes, &options, &f32_model, None).unwrap().score as i32;
        let b = score::score(bytes, &options, &int8_model, None).unwrap().score as i32;
        moved += usize::from(a != b);
        if (a - b).abs() > worst {
            (worst, worst_at) = ((a - b).abs(), format!("{name}: f32 {a}, int8 {b}"));
        }
    }
    println!("f32 vs int8 over {} files: {moved} scores moved, largest change {worst} ({worst_at})", files.len());
    assert!(worst <= 1, "{worst_at}");
}
