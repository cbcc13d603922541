//! The real model against sentence-transformers' own fp32 output on 1000 real sentences.

mod common;

use valuation_core::embed::{cosine, sha256_hex};
use valuation_core::{ModelSpec, Precision};

fn min_cosine(a: &[Vec<f32>], b: &[Vec<f32>]) -> (f32, usize) {
    assert_eq!(a.len(), b.len());
    a.iter().zip(b).map(|(x, y)| cosine(x, y)).enumerate().fold(
        (f32::INFINITY, 0),
        |acc, (i, c)| if c < acc.0 { (c, i) } else { acc },
    )
}

#[test]
fn all_1000_sentences_match_sentence_transformers() {
    let corpus = common::corpus();
    let reference = common::reference_embeddings();
    assert_eq!(corpus.len(), 1000);
    assert_eq!(reference.len(), 1000);
    let ours = common::embedder(8).embed(&corpus).unwrap();
    assert!(ours.iter().all(|v| v.len() == 384));
    let (min, at) = min_cosine(&ours, &reference);
    println!(
        "min cosine vs sentence-transformers over 1000 sentences: {min:.7} (line {})",
        at + 1
    );
    assert!(min >= 0.9999, "line {}: cosine {min}", at + 1);
}

#[test]
fn batched_and_single_runs_agree_and_repeat_exactly() {
    let corpus: Vec<String> = common::corpus().into_iter().take(64).collect();
    let single = common::embedder(1).embed(&corpus).unwrap();
    let batched = common::embedder(16).embed(&corpus).unwrap();
    let (min, at) = min_cosine(&single, &batched);
    assert!(
        min >= 0.99999,
        "line {}: batched vs single cosine {min}",
        at + 1
    );
    let again = common::embedder(16).embed(&corpus).unwrap();
    assert_eq!(
        batched, again,
        "same input and options must give identical bits"
    );
}

#[test]
fn int8_encoder_stays_close_to_sentence_transformers() {
    let corpus = common::corpus();
    let reference = common::reference_embeddings();
    let ours = common::embedder_of(Precision::Int8, 8)
        .embed(&corpus)
        .unwrap();
    let (min, at) = min_cosine(&ours, &reference);
    let mean = ours
        .iter()
        .zip(&reference)
        .map(|(a, b)| cosine(a, b))
        .sum::<f32>()
        / 1000.0;
    println!(
        "int8: min cosine {min:.6} (line {}), mean {mean:.6} over 1000 sentences",
        at + 1
    );
    assert!(min >= 0.995, "line {}: cosine {min}", at + 1);
}

#[test]
fn int8_vectors_do_not_depend_on_batching_at_all() {
    // Texts are never padded and each token row is computed alone: equal bits, not just close.
    let corpus: Vec<String> = common::corpus().into_iter().take(64).collect();
    for precision in [Precision::Int8, Precision::F32] {
        let single = common::embedder_of(precision, 1).embed(&corpus).unwrap();
        let batched = common::embedder_of(precision, 16).embed(&corpus).unwrap();
        assert_eq!(single, batched, "{precision:?}: batch 1 vs 16");
        let split = [&corpus[..10], &corpus[10..]]
            .map(|part| common::embedder_of(precision, 8).embed(part).unwrap())
            .concat();
        assert_eq!(single, split, "{precision:?}: one call vs two");
    }
}

#[test]
fn quantiser_is_deterministic_and_matches_the_pinned_hash() {
    let m = common::model_bytes();
    let again = valuation_core::embed::quantize_weights(&m.config, &m.weights).unwrap();
    assert_eq!(again, m.int8_weights);
    let pin = ModelSpec::default().int8_weights;
    assert_eq!(
        (sha256_hex(&again), again.len() as u64),
        (pin.sha256, pin.bytes),
        "re-pin ModelSpec::int8_weights"
    );
    assert!(
        m.int8_weights.len() <= 25_000_000,
        "int8 file is {} bytes",
        m.int8_weights.len()
    );
}

#[test]
fn every_model_file_has_its_pinned_hash_and_size() {
    // The package checks each file before caching it; the pins must be those of the real files.
    let m = common::model_bytes();
    let spec = ModelSpec::default();
    for (pin, bytes) in [
        (&spec.config, &m.config),
        (&spec.tokenizer, &m.tokenizer),
        (&spec.weights, &m.weights),
        (&spec.int8_weights, &m.int8_weights),
    ] {
        assert_eq!(
            (sha256_hex(bytes), bytes.len() as u64),
            (pin.sha256.clone(), pin.bytes),
            "re-pin ModelSpec's {}",
            pin.name
        );
        assert!(pin.matches(bytes), "{}", pin.name);
    }
}
