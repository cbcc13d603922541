//! The int8 encoder must not move scores: every file of tests/data/score and the first documents
//! of each label of the quality corpus are valued with f32 and with int8 (with a domain, so
//! relevance and diversity use the model too); no score may change by more than 1 point. Prints
//! the largest change, which the README quotes. (The whole corpus embeds ~60k units per precision:
//! half an hour, too long for every run.)

mod common;

use valuation_core::score::{self, ScoreOptions};
use valuation_core::Precision;

const DOCS_PER_LABEL: usize = 2;
const DOMAIN: &str =
    "The government of the United States: Congress, the economy and public policy.";

#[test]
fn int8_scores_stay_within_one_point_of_f32() {
    let (f32_model, int8_model) = (
        common::embedder_of(Precision::F32, 16),
        common::embedder_of(Precision::Int8, 16),
    );
    let options = ScoreOptions {
        domain: Some(DOMAIN.into()),
        ..ScoreOptions::default()
    };
    let mut files: Vec<(String, Vec<u8>)> = Vec::new();
    for name in ["speech.txt", "documents.csv", "documents.jsonl"] {
        files.push((
            name.into(),
            std::fs::read(common::workspace_root().join("tests/data/score").join(name)).unwrap(),
        ));
    }
    let mut per_label = std::collections::BTreeMap::<String, usize>::new();
    for (i, doc) in common::read_jsonl(&common::quality_corpus_dir().join("corpus.jsonl"))
        .iter()
        .enumerate()
    {
        let label = doc["label"].as_str().unwrap().to_string();
        let seen = per_label.entry(label.clone()).or_default();
        if *seen < DOCS_PER_LABEL {
            *seen += 1;
            files.push((
                format!("corpus #{i} ({label})"),
                doc["text"].as_str().unwrap().as_bytes().to_vec(),
            ));
        }
    }
    let near_duplicates = |r: &score::Report| {
        r.subscores
            .diversity
            .as_ref()
            .map(|d| d.measurements.near_duplicates)
    };
    // A cap is a threshold: a file whose measurement sits on it (say a median cosine of 0.080 to
    // the domain, the off-topic line) can fall on either side with any change of encoder. Such
    // flips are counted and shown; every other score must stay within 1 point.
    let (mut worst, mut worst_at, mut moved, mut flips) = (0i32, String::new(), 0usize, Vec::new());
    for (name, bytes) in &files {
        let a = score::score(bytes, &options, &f32_model, None).unwrap();
        let b = score::score(bytes, &options, &int8_model, None).unwrap();
        let caps = |r: &score::Report| r.caps.iter().map(|c| c.code.clone()).collect::<Vec<_>>();
        let (sa, sb) = (a.score as i32, b.score as i32);
        moved += usize::from(sa != sb);
        if caps(&a) != caps(&b) {
            let relevance = |r: &score::Report| {
                r.subscores
                    .relevance
                    .as_ref()
                    .map(|s| s.measurements.median_cosine)
            };
            flips.push(format!(
                "{name}: f32 {sa} caps {:?} (relevance median {:?}), int8 {sb} caps {:?} ({:?})",
                caps(&a),
                relevance(&a),
                caps(&b),
                relevance(&b)
            ));
        } else if (sa - sb).abs() > 1 && near_duplicates(&a) != near_duplicates(&b) {
            // The same for the near-duplicate line (cosine 0.95, rounded to 1e-3): a file with
            // pairs a few thousandths from it can count one more or one fewer near copy.
            flips.push(format!(
                "{name}: f32 {sa} near duplicates {:?}, int8 {sb} near duplicates {:?}",
                near_duplicates(&a),
                near_duplicates(&b)
            ));
        } else if (sa - sb).abs() > worst {
            (worst, worst_at) = ((sa - sb).abs(), format!("{name}: f32 {sa}, int8 {sb}"));
        }
    }
    println!(
        "f32 vs int8 over {} files: {moved} scores moved; largest change without a threshold flip {worst} ({worst_at}); {} threshold flips",
        files.len(),
        flips.len()
    );
    for f in &flips {
        println!("  threshold flip: {f}");
    }
    assert!(worst <= 1, "{worst_at}");
    assert!(
        flips.len() * 20 <= files.len(),
        "more than 1 in 20 files crossed a threshold: {flips:?}"
    );
}
