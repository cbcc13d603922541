//! Novelty that survives rewording, on real text: a dataset reference built from accepted
//! STS-B sentences (one paragraph each, as a contributor's file would hold them), then
//! contributions that are an exact copy, a lightly edited copy (lower case, no punctuation, in
//! another order), a reworded copy (the human paraphrases of the same sentences) and fresh text of
//! the same kind. Each must score below the next; edited ≤ 30, reworded ≤ 50; fresh text keeps
//! novelty ≥ 60 and the score it has with no reference. The same for State of the Union speeches.

mod common;

use std::sync::OnceLock;
use valuation_core::dataset_ref::{DatasetRef, DatasetRefBuilder};
use valuation_core::score::{self, Report, ScoreOptions};
use valuation_core::Embedder;

fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| common::embedder(16))
}

/// Paraphrase pairs (gold ≥ 4) and sentences of unrelated pairs (gold ≤ 2: same genres, other
/// content), of at least six words, from STS-B's test split.
fn sts() -> (Vec<(String, String)>, Vec<String>) {
    let path = common::shared_dir().join("fixtures/stsbenchmark/sts-test.csv");
    let text = std::fs::read_to_string(&path)
        .unwrap_or_else(|e| panic!("{}: {e} (is ../shared present?)", path.display()));
    let (mut pairs, mut other) = (Vec::new(), Vec::new());
    for line in text.lines() {
        let f: Vec<&str> = line.split('\t').collect();
        if f.len() < 7 {
            continue;
        }
        let gold: f64 = f[4].parse().unwrap_or(0.0);
        let long = |s: &str| s.split_whitespace().count() >= 6;
        if gold >= 4.0 && long(f[5]) && long(f[6]) {
            pairs.push((f[5].to_owned(), f[6].to_owned()));
        } else if gold <= 2.0 && long(f[5]) {
            other.push(f[5].to_owned());
        }
    }
    (pairs, other)
}

fn reference_of(files: &[&str]) -> DatasetRef {
    let options = ScoreOptions::default();
    let mut builder = DatasetRefBuilder::default();
    for text in files {
        let a = score::analyze_all_units(text.as_bytes(), &options).unwrap();
        builder.add_file(&a.file.sha256, a.unit_hashes.iter().copied());
        builder.add_embeddings(
            &options.model_id,
            &embedder().embed(&a.sample_texts()).unwrap(),
        );
    }
    builder.build()
}

fn score(text: &str, dataset: Option<&DatasetRef>) -> Report {
    score::score(
        text.as_bytes(),
        &ScoreOptions::default(),
        embedder(),
        dataset,
    )
    .unwrap()
}

fn novelty(r: &Report) -> (u8, Option<f64>) {
    let n = r.subscores.novelty.as_ref().expect("novelty applies");
    (n.score, n.measurements.semantic_duplicates)
}

/// Lower case, letters, digits and spaces only, sentences in reverse order.
fn edited(sentences: &[&str]) -> String {
    let mut out: Vec<String> = sentences
        .iter()
        .map(|s| {
            s.to_lowercase()
                .chars()
                .filter(|c| c.is_alphanumeric() || c.is_whitespace())
                .collect()
        })
        .collect();
    out.reverse();
    out.join("\n\n")
}

#[test]
fn exact_then_edited_then_reworded_then_fresh() {
    let (pairs, other) = sts();
    assert!(
        pairs.len() >= 120 && other.len() >= 120,
        "{} pairs, {} others",
        pairs.len(),
        other.len()
    );
    let n = 120;
    let originals: Vec<&str> = pairs[..n].iter().map(|(a, _)| a.as_str()).collect();
    let rewordings: Vec<&str> = pairs[..n].iter().map(|(_, b)| b.as_str()).collect();
    let accepted = originals.join("\n\n");
    let dataset = reference_of(&[&accepted]);
    let exact = score(&accepted, Some(&dataset));
    let edited_copy = score(&edited(&originals), Some(&dataset));
    let reworded = score(&rewordings.join("\n\n"), Some(&dataset));
    let fresh_text = other[..n].join("\n\n");
    let fresh = score(&fresh_text, Some(&dataset));
    let fresh_alone = score(&fresh_text, None);
    for (what, r) in [
        ("exact copy", &exact),
        ("edited copy", &edited_copy),
        ("reworded copy", &reworded),
        ("fresh, same genre", &fresh),
    ] {
        println!(
            "{what}: score {}, novelty {:?}, caps {:?}",
            r.score,
            novelty(r),
            r.caps.iter().map(|c| &c.reason).collect::<Vec<_>>()
        );
    }
    println!("fresh with no reference: {}", fresh_alone.score);
    assert_eq!(exact.score, 0);
    assert!(exact.score < edited_copy.score || edited_copy.score == 0);
    assert!(edited_copy.score <= 30, "edited copy {}", edited_copy.score);
    assert!(edited_copy.score <= reworded.score);
    assert!(reworded.score <= 50, "reworded copy {}", reworded.score);
    assert!(reworded.score < fresh.score);
    assert!(
        novelty(&fresh).0 >= 60,
        "fresh novelty {:?}",
        novelty(&fresh)
    );
    assert!(fresh.caps.iter().all(|c| c.code != "semantic_duplicate"));
    assert!(
        fresh.score + 3 >= fresh_alone.score,
        "fresh text loses {} points to the reference",
        fresh_alone.score - fresh.score
    );
}

#[test]
fn a_speech_stays_novel_against_other_speeches() {
    let docs = common::read_jsonl(&common::quality_corpus_dir().join("corpus.jsonl"));
    let speeches: Vec<&str> = docs
        .iter()
        .filter(|d| d["id"].as_str().is_some_and(|id| id.starts_with("sotu-")))
        .map(|d| d["text"].as_str().unwrap())
        .collect();
    let dataset = reference_of(&speeches[..60]);
    let mut worst = (100u8, 0.0f64);
    for speech in &speeches[60..80] {
        let with = score(speech, Some(&dataset));
        let (nov, semantic) = novelty(&with);
        worst = (worst.0.min(nov), worst.1.max(semantic.unwrap_or(0.0)));
        assert!(nov >= 60, "novelty {nov} ({semantic:?})");
        assert!(with.caps.iter().all(|c| c.code != "semantic_duplicate"));
    }
    println!(
        "20 speeches against a reference of 60 others ({} units): lowest novelty {}, highest semantic share {:.3}",
        dataset.accepted_units, worst.0, worst.1
    );
}

#[test]
fn diversity_sees_a_file_that_says_the_same_things_twice() {
    let (pairs, _) = sts();
    let twice: Vec<&str> = pairs[..12]
        .iter()
        .flat_map(|(a, b)| [a.as_str(), b.as_str()])
        .collect();
    let distinct: Vec<&str> = pairs[12..36].iter().map(|(a, _)| a.as_str()).collect();
    let near = |r: &Report| {
        r.subscores
            .diversity
            .as_ref()
            .unwrap()
            .measurements
            .near_duplicates
    };
    let (twice, distinct) = (
        score(&twice.join("\n\n"), None),
        score(&distinct.join("\n\n"), None),
    );
    println!(
        "12 things said twice: near duplicates {}, score {}; 24 distinct: {}, score {}",
        near(&twice),
        twice.score,
        near(&distinct),
        distinct.score
    );
    assert!(
        near(&twice) >= 0.6,
        "paraphrased repeats unseen: {}",
        near(&twice)
    );
    assert!(
        near(&distinct) <= 0.1,
        "distinct sentences flagged: {}",
        near(&distinct)
    );
    assert!(twice.score < distinct.score);
}
