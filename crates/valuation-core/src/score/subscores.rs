//! Measurements to 0–100 sub-scores. Each rule becomes a ramp (see `ramp`), a filter scores as
//! its worst rule, and every rule's value, limit and contribution goes into the report.

use super::analyze::{ProseMeasures, TableMeasures};
use super::ramp::{
    pct, q4, Ramp,
    Ramp::{Below, Down, IfSet, Up},
};
use super::report::*;
use crate::dataset_ref::{passes_sample, DatasetRef, Query};
use crate::heuristics::{c4, fineweb, gopher_quality as gq, gopher_repetition as gr};

pub fn threshold(name: &str, limit: f64, value: f64, share: f64) -> Threshold {
    Threshold {
        name: name.into(),
        limit,
        value: q4(value),
        score: pct(share),
    }
}

/// A rule: its measurement through its ramp.
fn rule(name: &str, limit: f64, value: f64, ramp: Ramp) -> Threshold {
    threshold(name, limit, value, ramp.share(value))
}

/// A peer's maximum `t` as a rule whose limit is `t` itself.
fn peer_max(name: &str, t: f64, value: f64) -> Threshold {
    rule(name, t, value, Below(t))
}

/// A yes/no rule (limit 0): `when_set` of the points when the thing was found.
fn flag(name: &str, set: bool, when_set: f64) -> Threshold {
    rule(name, 0.0, f64::from(u8::from(set)), IfSet(when_set))
}

fn worst(rules: &[Threshold]) -> u8 {
    rules.iter().map(|t| t.score).min().unwrap_or(100)
}

fn sub<D>(score: u8, measurements: D, thresholds: Vec<Threshold>) -> Sub<D> {
    Sub {
        score,
        weight: 0.0,
        measurements,
        thresholds,
    }
}

/// Gopher quality, C4 and FineWeb, each scored as its worst rule; quality is their mean.
pub fn quality(p: &ProseMeasures) -> Sub<Quality> {
    let g = &p.gopher;
    let gopher = vec![
        rule(
            "gopher.min_words",
            gq::MIN_WORDS as f64,
            g.words as f64,
            Up(25.0, 75.0),
        ),
        rule(
            "gopher.min_mean_word_length",
            gq::MIN_MEAN_WORD_LEN,
            g.mean_word_length,
            Up(2.0, 4.0),
        ),
        rule(
            "gopher.max_mean_word_length",
            gq::MAX_MEAN_WORD_LEN,
            g.mean_word_length,
            Down(8.0, 12.0),
        ),
        rule(
            "gopher.max_hash_per_word",
            gq::MAX_SYMBOL_WORD_RATIO,
            g.hash_per_word,
            Below(0.1),
        ),
        rule(
            "gopher.max_ellipsis_per_word",
            gq::MAX_SYMBOL_WORD_RATIO,
            g.ellipsis_per_word,
            Below(0.1),
        ),
        rule(
            "gopher.max_bullet_lines",
            gq::MAX_BULLET_LINES,
            g.bullet_lines,
            Down(0.8, 1.0),
        ),
        rule(
            "gopher.max_ellipsis_lines",
            gq::MAX_ELLIPSIS_LINES,
            g.ellipsis_lines,
            Below(0.3),
        ),
        rule(
            "gopher.min_alpha_words",
            gq::MIN_ALPHA_WORDS,
            g.alpha_words,
            Up(0.7, 0.9),
        ),
        rule(
            "gopher.min_stop_words",
            gq::MIN_STOP_WORDS as f64,
            g.stop_words_present as f64,
            Up(1.0, 3.0),
        ),
    ];
    let c = &p.c4;
    let c4_rules = vec![
        rule(
            "c4.min_sentences",
            c4::MIN_SENTENCES as f64,
            c.sentences as f64,
            Up(2.5, 7.5),
        ),
        flag("c4.no_lorem_ipsum", c.lorem_ipsum, 0.0),
        flag("c4.no_curly_bracket", c.curly_bracket, 0.5),
    ];
    let f = &p.fineweb;
    let fineweb_rules = vec![
        rule(
            "fineweb.min_punctuated_lines",
            fineweb::MIN_PUNCTUATED_LINES,
            f.punctuated_lines,
            Up(0.06, 0.18),
        ),
        rule(
            "fineweb.max_short_lines",
            fineweb::MAX_SHORT_LINES,
            f.short_lines,
            Down(0.5, 0.84),
        ),
        rule(
            "fineweb.max_dup_line_chars",
            fineweb::MAX_DUP_LINE_CHARS,
            f.dup_line_chars,
            Below(0.01),
        ),
        rule(
            "fineweb.max_newlines_per_word",
            fineweb::MAX_NEWLINES_PER_WORD,
            f.newlines_per_word,
            Below(0.3),
        ),
    ];
    let mean = (u32::from(worst(&gopher))
        + u32::from(worst(&c4_rules))
        + u32::from(worst(&fineweb_rules))) as f64
        / 300.0;
    let verdicts = PeerVerdicts {
        gopher_quality: g.verdict(),
        gopher_repetition: p.repetition.verdict(),
        c4_quality: c.verdict(),
        fineweb_quality: f.verdict(),
    };
    let measurements = Quality {
        measured_chars: p.measured_chars,
        gopher: round_gopher(g.clone()),
        c4: c.clone(),
        fineweb: fineweb::FineWeb {
            punctuated_lines: q4(f.punctuated_lines),
            short_lines: q4(f.short_lines),
            dup_line_chars: q4(f.dup_line_chars),
            newlines_per_word: q4(f.newlines_per_word),
            ..f.clone()
        },
        verdicts,
    };
    sub(
        pct(mean),
        measurements,
        [gopher, c4_rules, fineweb_rules].concat(),
    )
}

fn round_gopher(g: gq::GopherQuality) -> gq::GopherQuality {
    gq::GopherQuality {
        mean_word_length: q4(g.mean_word_length),
        hash_per_word: q4(g.hash_per_word),
        ellipsis_per_word: q4(g.ellipsis_per_word),
        bullet_lines: q4(g.bullet_lines),
        ellipsis_lines: q4(g.ellipsis_lines),
        alpha_words: q4(g.alpha_words),
        ..g
    }
}

/// Prose: Gopher's Table A1 ratios plus duplicate units; tables and JSON: duplicate rows.
pub fn repetition(prose: Option<&ProseMeasures>, units: u64, duplicates: u64) -> Sub<Repetition> {
    let dup_units = if units == 0 {
        0.0
    } else {
        duplicates as f64 / units as f64
    };
    let mut rules = vec![rule("duplicate_units", 0.3, dup_units, Down(0.02, 0.5))];
    let gopher = prose.map(|p| {
        let r = &p.repetition;
        rules.push(peer_max("gopher.dup_lines", gr::MAX_DUP_LINES, r.dup_lines));
        rules.push(peer_max(
            "gopher.dup_paragraphs",
            gr::MAX_DUP_PARAGRAPHS,
            r.dup_paragraphs,
        ));
        rules.push(peer_max(
            "gopher.dup_line_chars",
            gr::MAX_DUP_LINE_CHARS,
            r.dup_line_chars,
        ));
        rules.push(peer_max(
            "gopher.dup_paragraph_chars",
            gr::MAX_DUP_PARAGRAPH_CHARS,
            r.dup_paragraph_chars,
        ));
        for (i, (n, t)) in gr::TOP_NGRAMS.iter().enumerate() {
            rules.push(peer_max(
                &format!("gopher.top_{n}_gram_chars"),
                *t,
                r.top_ngram_chars[i],
            ));
        }
        for (i, (n, t)) in gr::DUP_NGRAMS.iter().enumerate() {
            rules.push(peer_max(
                &format!("gopher.dup_{n}_gram_chars"),
                *t,
                r.dup_ngram_chars[i],
            ));
        }
        gr::GopherRepetition {
            dup_paragraphs: q4(r.dup_paragraphs),
            dup_paragraph_chars: q4(r.dup_paragraph_chars),
            dup_lines: q4(r.dup_lines),
            dup_line_chars: q4(r.dup_line_chars),
            top_ngram_chars: r.top_ngram_chars.map(q4),
            dup_ngram_chars: r.dup_ngram_chars.map(q4),
            ..r.clone()
        }
    });
    sub(
        worst(&rules),
        Repetition {
            duplicate_units: q4(dup_units),
            gopher,
        },
        rules,
    )
}

pub const COHERENCE_GOOD: f64 = 0.12;
pub const COHERENCE_BAD: f64 = 0.30;

pub fn coherence(p: &ProseMeasures) -> Option<Sub<CoherenceDetail>> {
    let c = &p.coherence;
    if c.determiners < crate::coherence::MIN_DETERMINERS {
        return None;
    }
    let v = c.determiner_then_function_word;
    let rules = vec![rule(
        "determiner_then_function_word",
        (COHERENCE_GOOD + COHERENCE_BAD) / 2.0,
        v,
        Down(COHERENCE_GOOD, COHERENCE_BAD),
    )];
    Some(sub(
        worst(&rules),
        CoherenceDetail {
            determiners: c.determiners as u64,
            determiner_then_function_word: q4(v),
        },
        rules,
    ))
}

pub fn structure(t: &TableMeasures) -> Sub<crate::structure::Structure> {
    let s = &t.structure;
    let rules = vec![
        rule("parse_rate", 0.9, s.parse_rate, Up(0.8, 1.0)),
        rule("type_consistency", 0.85, s.type_consistency, Up(0.7, 1.0)),
        rule("missing_cells", 0.2, s.missing_cells, Down(0.02, 0.4)),
        rule("constant_columns", 0.3, s.constant_columns, Down(0.1, 0.5)),
        rule("duplicate_rows", 0.1, s.duplicate_rows, Down(0.0, 0.3)),
        rule(
            "label_balance",
            0.1,
            s.label_balance.unwrap_or(1.0),
            Up(0.05, 0.3),
        ),
    ];
    let weights = [0.3, 0.15, 0.25, 0.1, 0.1, 0.1];
    let share: f64 = rules
        .iter()
        .zip(weights)
        .map(|(r, w)| f64::from(r.score) / 100.0 * w)
        .sum();
    let measurements = crate::structure::Structure {
        parse_rate: q4(s.parse_rate),
        type_consistency: q4(s.type_consistency),
        missing_cells: q4(s.missing_cells),
        constant_columns: q4(s.constant_columns),
        duplicate_rows: q4(s.duplicate_rows),
        label_balance: s.label_balance.map(q4),
        ..s.clone()
    };
    sub(pct(share), measurements, rules)
}

fn dot(a: &[f32], b: &[f32]) -> f64 {
    f64::from(a.iter().zip(b).map(|(x, y)| x * y).sum::<f32>())
}

/// Cosines are rounded to 1e-3 before use: native and wasm embeddings differ in the last float
/// bits, and nothing downstream may depend on those.
fn cos3(a: &[f32], b: &[f32]) -> f64 {
    (dot(a, b) * 1e3).round() / 1e3
}

pub const NEAR_DUPLICATE_COSINE: f64 = 0.95;

/// Units a file needs before its prose sketches are centred on its own mean (diversity).
pub const CENTER_MIN_UNITS: usize = 8;

fn mean(units: &[Vec<f32>]) -> Vec<f32> {
    let mut m = vec![0f64; units.first().map_or(0, Vec::len)];
    for u in units {
        m.iter_mut().zip(u).for_each(|(a, x)| *a += f64::from(*x));
    }
    m.iter().map(|a| (a / units.len() as f64) as f32).collect()
}

pub fn diversity(units: &[Vec<f32>], prose: bool) -> Option<Sub<Diversity>> {
    if units.len() < 4 {
        return None;
    }
    let n = units.len();
    let (mut sum, mut pairs) = (0.0, 0u64);
    let mut near = vec![false; n];
    // Prose: paraphrase-level repeats count, judged as novelty judges accepted data: a later
    // unit's query against an earlier unit's sketch, with the same limit, centred on the file's
    // own mean as a reference is on the dataset's (what every paragraph shares is the file's
    // topic, not a repeat). A file of a few units has no topic to remove: below
    // `CENTER_MIN_UNITS` nothing is centred. Table rows share a schema and read alike; only
    // near-identical ones count.
    let queries: Vec<Query> = if prose {
        let center = if n >= CENTER_MIN_UNITS {
            mean(units)
        } else {
            vec![0.0; units[0].len()]
        };
        units
            .iter()
            .map(|u| {
                let d: Vec<f32> = u.iter().zip(&center).map(|(x, c)| x - c).collect();
                Query::new(&d)
            })
            .collect()
    } else {
        Vec::new()
    };
    for i in 0..n {
        for j in i + 1..n {
            let c = cos3(&units[i], &units[j]);
            sum += c;
            pairs += 1;
            let same = if prose {
                queries[j].matches(&queries[i].sketch, SEMANTIC_MATCH_LIMIT)
            } else {
                c >= NEAR_DUPLICATE_COSINE
            };
            if same {
                near[i] = true;
                near[j] = true;
            }
        }
    }
    let near_share = near.iter().filter(|x| **x).count() as f64 / n as f64;
    let mean = sum / pairs as f64;
    let mut rules = vec![rule("near_duplicates", 0.3, near_share, Down(0.05, 0.6))];
    if prose {
        rules.push(rule("mean_pairwise_cosine", 0.7, mean, Down(0.5, 0.9)));
    }
    Some(sub(
        worst(&rules),
        Diversity {
            units: n as u64,
            near_duplicates: q4(near_share),
            mean_pairwise_cosine: q4(mean),
        },
        rules,
    ))
}

/// How far (a share of the sampled unit's bit weight, [`Query::matches`]; sketches centred on
/// the dataset's mean) an accepted unit's sketch may be and still say the same thing. The
/// largest limit on a 0.005 grid at which fresh same-topic units stay under 2 % false matches;
/// `tests/novelty_calibration.rs` prints the sweep and the paraphrases it finds on STS-B.
pub const SEMANTIC_MATCH_LIMIT: f32 = 0.140;

pub fn novelty(
    dataset: &DatasetRef,
    sha256: &str,
    hashes: &[u64],
    units: &[Vec<f32>],
) -> Sub<Novelty> {
    let exact = dataset.contains_file(sha256);
    let compared: Vec<u64> = hashes
        .iter()
        .copied()
        .filter(|h| passes_sample(*h, dataset.sample_bits))
        .collect();
    let known = compared
        .iter()
        .filter(|h| dataset.contains_unit(**h))
        .count();
    let known_share = if compared.is_empty() {
        0.0
    } else {
        known as f64 / compared.len() as f64
    };
    let semantic = (!units.is_empty() && !dataset.sketches.is_empty()).then(|| {
        let hits = units
            .iter()
            .filter(|u| dataset.has_match(u, SEMANTIC_MATCH_LIMIT));
        hits.count() as f64 / units.len() as f64
    });
    let mut rules = vec![
        threshold(
            "exact_file_match",
            0.0,
            f64::from(u8::from(exact)),
            if exact { 0.0 } else { 1.0 },
        ),
        rule("known_units", 0.5, known_share, Down(0.05, 0.8)),
    ];
    if let Some(s) = semantic {
        rules.push(rule("semantic_duplicates", 0.6, s, Down(0.2, 1.0)));
    }
    let measurements = Novelty {
        exact_file_match: exact,
        known_units: q4(known_share),
        compared_units: compared.len() as u64,
        semantic_duplicates: semantic.map(q4),
    };
    sub(worst(&rules), measurements, rules)
}

pub const RELEVANCE_BAD: f64 = 0.03;
pub const RELEVANCE_GOOD: f64 = 0.20;
pub const OFF_TOPIC_COSINE: f64 = 0.08;

/// Calibrated on the corpus: State of the Union paragraphs against a one-line description of US
/// government have median cosine 0.14, Moby-Dick 0.03 (MiniLM puts paragraph-to-description
/// similarities low; the paraphrase thresholds of 0.6–0.7 are for sentence pairs).
/// Median (not mean) over units of the best cosine to the domain: a few on-topic units cannot
/// carry an off-topic file.
pub fn relevance(
    units: &[Vec<f32>],
    targets: &[Vec<f32>],
    against: &str,
) -> Option<Sub<Relevance>> {
    if units.is_empty() || targets.is_empty() {
        return None;
    }
    let mut best: Vec<f64> = units
        .iter()
        .map(|u| targets.iter().map(|t| cos3(u, t)).fold(-1.0, f64::max))
        .collect();
    best.sort_by(f64::total_cmp);
    let median = best[best.len() / 2];
    let low = best[best.len() / 4];
    let rules = vec![rule(
        "median_cosine",
        OFF_TOPIC_COSINE,
        median,
        Up(RELEVANCE_BAD, RELEVANCE_GOOD),
    )];
    Some(sub(
        worst(&rules),
        Relevance {
            against: against.into(),
            median_cosine: q4(median),
            low_quartile_cosine: q4(low),
        },
        rules,
    ))
}
