//! The score orders real files the way a buyer of data would, on real text from the labelled
//! corpus (State of the Union speeches, Moby-Dick, e-mail) and a real table built from it.

mod common;

use std::sync::OnceLock;
use valuation_core::dataset_ref::DatasetRefBuilder;
use valuation_core::score::{self, Report, ScoreOptions};
use valuation_core::Embedder;

const MARGIN: u8 = 15;

fn embedder() -> &'static Embedder {
    static E: OnceLock<Embedder> = OnceLock::new();
    E.get_or_init(|| common::embedder(8))
}

fn corpus() -> &'static Vec<serde_json::Value> {
    static C: OnceLock<Vec<serde_json::Value>> = OnceLock::new();
    C.get_or_init(|| common::read_jsonl(&common::quality_corpus_dir().join("corpus.jsonl")))
}

/// The longest documents with this id prefix, longest first.
fn texts(prefix: &str, n: usize) -> Vec<String> {
    let mut docs: Vec<String> = corpus()
        .iter()
        .filter(|d| d["id"].as_str().unwrap().starts_with(prefix))
        .map(|d| d["text"].as_str().unwrap().to_owned())
        .collect();
    docs.sort_by_key(|t| std::cmp::Reverse(t.len()));
    docs.truncate(n);
    docs
}

fn score_with(
    bytes: &[u8],
    options: &ScoreOptions,
    dataset: Option<&valuation_core::dataset_ref::DatasetRef>,
) -> Report {
    score::score(bytes, options, embedder(), dataset).unwrap()
}

fn score_of(text: &str) -> Report {
    score_with(text.as_bytes(), &ScoreOptions::default(), None)
}

#[track_caller]
fn assert_well_above(good: &Report, bad: &Report, what: &str) {
    println!(
        "{what}: {} vs {} (reasons: {:?})",
        good.score, bad.score, bad.reasons
    );
    assert!(
        good.score >= bad.score + MARGIN,
        "{what}: {} is not {MARGIN}+ above {}\n{:#?}",
        good.score,
        bad.score,
        bad.reasons
    );
}

/// Deterministic shuffle (xorshift), keeping 15 words per line like the original's line lengths.
fn shuffled(text: &str) -> String {
    let mut words: Vec<&str> = text.split_whitespace().collect();
    let mut s = 0x2545_F491_4F6C_DD1Du64;
    for i in (1..words.len()).rev() {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        words.swap(i, (s % (i as u64 + 1)) as usize);
    }
    words
        .chunks(15)
        .map(|c| c.join(" "))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn real_prose_beats_its_degraded_versions() {
    let prose = &texts("sotu-", 1)[0];
    let good = score_of(prose);
    println!("real prose: {}", good.score);
    assert!(
        good.score >= 70,
        "real prose scored {}: {:#?}",
        good.score,
        good.reasons
    );

    assert_well_above(&good, &score_of(&shuffled(prose)), "shuffled words");
    let paragraph = prose.split("\n\n").max_by_key(|p| p.len()).unwrap();
    assert_well_above(
        &good,
        &score_of(&vec![paragraph; 50].join("\n\n")),
        "one paragraph x50",
    );
    assert_well_above(&good, &score_of(&texts("junk-lorem-", 1)[0]), "lorem ipsum");
}

#[test]
fn copies_of_known_data_score_low() {
    let docs = texts("sotu-", 2);
    let (original, other) = (&docs[0], &docs[1]);
    let options = ScoreOptions::default();
    let analysis = score::analyze(original.as_bytes(), &options).unwrap();
    let embedded = score::embed(&analysis, &options, embedder()).unwrap();
    let mut builder = DatasetRefBuilder::default();
    builder.add_file(&analysis.file.sha256, analysis.unit_hashes.iter().copied());
    builder.add_embeddings(&options.model_id, &embedded.units);
    let dataset = builder.build();

    let paragraphs: Vec<&str> = original.split("\n\n").collect();
    let fresh: Vec<&str> = other.split("\n\n").collect();
    let keep = paragraphs.len() * 9 / 10;
    let n_fresh = (paragraphs.len() - keep).max(1).min(fresh.len());
    let copy = [&paragraphs[..keep], &fresh[..n_fresh]]
        .concat()
        .join("\n\n");

    let novel = score_with(other.as_bytes(), &options, Some(&dataset));
    let copied = score_with(copy.as_bytes(), &options, Some(&dataset));
    let exact = score_with(original.as_bytes(), &options, Some(&dataset));
    assert_well_above(&novel, &copied, "90% copies of a known file");
    assert_eq!(exact.score, 0, "exact duplicate of a known file");
}

#[test]
fn off_topic_scores_below_on_topic() {
    let options = ScoreOptions {
        domain: Some("The government of the United States: Congress, taxes, the economy, war and foreign policy.".into()),
        ..ScoreOptions::default()
    };
    let on = score_with(texts("sotu-", 1)[0].as_bytes(), &options, None);
    let off = score_with(texts("moby-", 1)[0].as_bytes(), &options, None);
    let median = |r: &valuation_core::score::Report| {
        r.subscores
            .relevance
            .as_ref()
            .unwrap()
            .measurements
            .median_cosine
    };
    println!(
        "median cosine on-topic {} off-topic {}",
        median(&on),
        median(&off)
    );
    assert_well_above(&on, &off, "off-topic for the domain");
}

/// A real table: one row per corpus document with its id, label, sizes and opening words.
fn clean_csv() -> Vec<Vec<String>> {
    corpus()
        .iter()
        .take(200)
        .map(|d| {
            let text = d["text"].as_str().unwrap();
            let opening: String = text
                .split_whitespace()
                .take(6)
                .collect::<Vec<_>>()
                .join(" ")
                .replace(['"', ','], "");
            vec![
                d["id"].as_str().unwrap().to_owned(),
                d["label"]
                    .as_str()
                    .unwrap()
                    .split(':')
                    .next()
                    .unwrap()
                    .to_owned(),
                text.split_whitespace().count().to_string(),
                text.chars().count().to_string(),
                opening,
            ]
        })
        .collect()
}

fn to_csv(rows: &[Vec<String>]) -> String {
    let mut out = String::from("id,label,words,chars,opening\n");
    for r in rows {
        out.push_str(&r.join(","));
        out.push('\n');
    }
    out
}

#[test]
fn clean_table_beats_holes_and_duplicates() {
    let rows = clean_csv();
    let mut dirty = rows.clone();
    for (i, row) in dirty.iter_mut().enumerate() {
        for (j, cell) in row.iter_mut().enumerate() {
            if (i * 5 + j * 3) % 10 < 3 {
                cell.clear();
            }
        }
    }
    let dups: Vec<Vec<String>> = dirty.iter().take(dirty.len() / 4).cloned().collect();
    dirty.extend(dups);
    let clean = score_of(&to_csv(&rows));
    let holes = score_of(&to_csv(&dirty));
    assert_well_above(
        &clean,
        &holes,
        "CSV with 30% missing cells and 20% duplicate rows",
    );
}

#[test]
fn reports_are_identical_across_runs() {
    let text = &texts("ham-", 1)[0];
    let a = serde_json::to_string(&score_of(text)).unwrap();
    let b = serde_json::to_string(&score_of(text)).unwrap();
    assert_eq!(a, b);
}
