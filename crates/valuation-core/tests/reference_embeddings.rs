//! The real model against sentence-transformers' own fp32 output on 1000 real sentences.

mod common;

use valuation_core::embed::cosine;

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
