//! Our Gopher, C4 and FineWeb verdicts against datatrove 0.10.1's on a corpus of real prose,
//! real e-mail (ham and spam) and junk made from them. Prints agreement and every disagreement.

mod common;

use std::collections::BTreeMap;
use valuation_core::heuristics::{c4, fineweb, gopher_quality, gopher_repetition, Verdict};

const FILTERS: [&str; 4] = [
    "gopher_quality",
    "gopher_repetition",
    "c4_quality",
    "fineweb_quality",
];
const MIN_AGREEMENT: f64 = 0.99;

fn ours(filter: &str, text: &str) -> Verdict {
    match filter {
        "gopher_quality" => gopher_quality::measure(text).verdict(),
        "gopher_repetition" => gopher_repetition::measure(text).verdict(),
        "c4_quality" => c4::measure(text).verdict(),
        "fineweb_quality" => fineweb::measure(text).verdict(),
        _ => unreachable!(),
    }
}

#[test]
fn verdicts_agree_with_datatrove() {
    let dir = common::quality_corpus_dir();
    let corpus = common::read_jsonl(&dir.join("corpus.jsonl"));
    let peer: BTreeMap<String, serde_json::Value> =
        common::read_jsonl(&dir.join("datatrove-verdicts.jsonl"))
            .into_iter()
            .map(|v| (v["id"].as_str().unwrap().to_owned(), v))
            .collect();
    assert!(corpus.len() >= 300, "corpus too small: {}", corpus.len());
    let mut failures = Vec::new();
    for filter in FILTERS {
        let (mut agree, mut total, mut keeps) = (0usize, 0usize, 0usize);
        let mut disagreements = Vec::new();
        for doc in &corpus {
            let id = doc["id"].as_str().unwrap();
            let theirs = &peer
                .get(id)
                .unwrap_or_else(|| panic!("no datatrove verdict for {id}"))[filter];
            let Some(their_keep) = theirs["keep"].as_bool() else {
                continue;
            };
            let mine = ours(filter, doc["text"].as_str().unwrap());
            total += 1;
            keeps += usize::from(their_keep);
            if mine.keep == their_keep {
                agree += 1;
            } else {
                disagreements.push(format!(
                    "{id}: ours {:?} / datatrove {}",
                    mine.reason, theirs["reason"]
                ));
            }
        }
        let share = agree as f64 / total as f64;
        println!(
            "{filter}: {agree}/{total} agree ({:.2}%), datatrove keeps {keeps}",
            share * 100.0
        );
        for d in &disagreements {
            println!("  {d}");
        }
        if share < MIN_AGREEMENT {
            failures.push(format!("{filter} {:.2}%", share * 100.0));
        }
    }
    assert!(
        failures.is_empty(),
        "agreement below {}%: {failures:?}",
        MIN_AGREEMENT * 100.0
    );
}
