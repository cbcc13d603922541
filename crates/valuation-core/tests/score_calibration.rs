//! Calibration on real, labelled data: the whole-file score (no model, so no diversity,
//! novelty or relevance) per label of the quality corpus. Real prose must lead; real e-mail
//! (ham and spam) and junk must trail it. Prints the table the README quotes.

mod common;

use std::collections::BTreeMap;
use valuation_core::score::{self, ScoreOptions};

#[test]
fn real_prose_leads_every_other_label() {
    let corpus = common::read_jsonl(&common::quality_corpus_dir().join("corpus.jsonl"));
    let mut by_label: BTreeMap<String, Vec<u8>> = BTreeMap::new();
    for doc in &corpus {
        let text = doc["text"].as_str().unwrap();
        let r = score::analyze(text.as_bytes(), &ScoreOptions::default())
            .unwrap()
            .finish(None, None);
        by_label
            .entry(doc["label"].as_str().unwrap().to_owned())
            .or_default()
            .push(r.score);
    }
    let mean = |v: &[u8]| v.iter().map(|s| f64::from(*s)).sum::<f64>() / v.len() as f64;
    println!("{:<18}{:>6}{:>8}{:>8}", "label", "docs", "mean", "median");
    for (label, scores) in &mut by_label {
        scores.sort_unstable();
        println!(
            "{label:<18}{:>6}{:>8.1}{:>8}",
            scores.len(),
            mean(scores),
            scores[scores.len() / 2]
        );
    }
    let prose = mean(&by_label["prose"]);
    assert!(prose >= 75.0, "real prose averages {prose:.1}");
    // Real e-mail and gross junk trail far behind; the kinds built to sit near one peer threshold
    // (a few hashtags or ellipses, some bullets or duplicated lines) are mostly real prose and
    // only need to trail. junk:csv is a valid table and is valued as one, so it is not compared.
    let far = [
        "ham",
        "spam",
        "junk:salad",
        "junk:repeat-para",
        "junk:repeat-line",
        "junk:lorem",
        "junk:short",
        "junk:symbols",
        "junk:code",
        "junk:keywords",
    ];
    for (label, scores) in &by_label {
        let m = mean(scores);
        if far.contains(&label.as_str()) {
            assert!(
                m + 25.0 <= prose,
                "{label} averages {m:.1}, prose {prose:.1}"
            );
        } else if label != "prose" && label != "junk:csv" {
            assert!(m < prose, "{label} averages {m:.1}, prose {prose:.1}");
        }
    }
}
