//! Sub-scores to the final score: documented weights, hard caps, PII penalties, plain reasons.

use super::analyze::Analysis;
use super::report::*;
use super::subscores::OFF_TOPIC_COSINE;

/// Weights before renormalising over the sub-scores that apply (README: "How the score works").
pub const PROSE_WEIGHTS: [(SubscoreKind, f64); 6] = [
    (SubscoreKind::Quality, 0.30),
    (SubscoreKind::Repetition, 0.20),
    (SubscoreKind::Coherence, 0.15),
    (SubscoreKind::Diversity, 0.10),
    (SubscoreKind::Novelty, 0.15),
    (SubscoreKind::Relevance, 0.10),
];
pub const TABLE_WEIGHTS: [(SubscoreKind, f64); 5] = [
    (SubscoreKind::Structure, 0.40),
    (SubscoreKind::Repetition, 0.20),
    (SubscoreKind::Diversity, 0.10),
    (SubscoreKind::Novelty, 0.15),
    (SubscoreKind::Relevance, 0.15),
];

/// Share of sampled units matching accepted data by meaning → score limit: a lightly edited copy
/// matches nearly everywhere, a reworded one at least half (README, "Caps").
pub const SEMANTIC_CAPS: [(f64, u8); 2] = [(0.8, 30), (0.5, 50)];

fn cap(code: &str, limit: u8, reason: String) -> Cap {
    Cap {
        code: code.into(),
        limit,
        reason,
    }
}

pub fn caps(a: &Analysis, s: &Subscores) -> Vec<Cap> {
    let mut out = Vec::new();
    if let Some(n) = &s.novelty {
        if n.measurements.exact_file_match {
            out.push(cap(
                "exact_duplicate",
                0,
                "this exact file is already in the dataset".into(),
            ));
        } else if n.measurements.known_units >= 0.8 {
            out.push(cap(
                "known_data",
                10,
                format!(
                    "{:.0}% of its units are already in the dataset",
                    n.measurements.known_units * 100.0
                ),
            ));
        } else if let Some(share) = n
            .measurements
            .semantic_duplicates
            .filter(|s| *s >= SEMANTIC_CAPS[1].0)
        {
            let (_, limit) = SEMANTIC_CAPS
                .iter()
                .copied()
                .find(|(at, _)| share >= *at)
                .unwrap_or(SEMANTIC_CAPS[1]);
            out.push(cap(
                "semantic_duplicate",
                limit,
                format!(
                    "{:.0}% of its sampled units say what the dataset already says (reworded or edited copies)",
                    share * 100.0
                ),
            ));
        }
    }
    let units = a.file.units.max(1) as f64;
    let dup = a.file.duplicate_units as f64 / units;
    if dup >= 0.5 {
        out.push(cap(
            "mostly_duplicates",
            25,
            format!(
                "{:.0}% of its units are repeats of other units in the file",
                dup * 100.0
            ),
        ));
    }
    if let Some(p) = &a.prose {
        if p.gopher.words < 50 {
            out.push(cap(
                "too_short",
                20,
                format!(
                    "only {} words of prose (at least 50 needed)",
                    p.gopher.words
                ),
            ));
        }
        if p.c4.lorem_ipsum {
            out.push(cap(
                "lorem_ipsum",
                30,
                "contains lorem ipsum placeholder text".into(),
            ));
        }
    }
    if let Some(t) = &a.table {
        let st = &t.structure;
        if st.rows == 0 {
            out.push(cap(
                "unparseable",
                5,
                t.parse_error
                    .clone()
                    .map_or("no records could be read".into(), |e| {
                        format!("no records could be read: {e}")
                    }),
            ));
        } else if st.parse_rate < 0.9 {
            out.push(cap(
                "unparseable",
                20,
                format!(
                    "{:.0}% of rows could not be read cleanly",
                    (1.0 - st.parse_rate) * 100.0
                ),
            ));
        } else if st.rows < 5 {
            out.push(cap("too_short", 20, format!("only {} records", st.rows)));
        }
    }
    if let Some(c) = &s.coherence {
        if c.score < 25 {
            out.push(cap(
                "incoherent",
                30,
                "word order looks random (word salad)".into(),
            ));
        }
    }
    if let Some(r) = &s.relevance {
        if r.measurements.median_cosine < OFF_TOPIC_COSINE {
            out.push(cap(
                "off_topic",
                30,
                format!(
                    "off-topic: median similarity to the {} is {:.2}",
                    r.measurements.against, r.measurements.median_cosine
                ),
            ));
        }
    }
    let secrets = a.pii.card_numbers + a.pii.ibans + a.pii.private_keys + a.pii.api_keys;
    if secrets > 0 {
        out.push(cap(
            "secrets",
            40,
            format!("{secrets} payment numbers, IBANs, private keys or API keys must be redacted"),
        ));
    }
    out
}

pub fn flags(a: &Analysis) -> Vec<Flag> {
    let mut out: Vec<Flag> = a
        .pii
        .by_flag_code()
        .into_iter()
        .filter(|(_, n)| *n > 0)
        .map(|(c, n)| Flag {
            code: c.into(),
            count: u64::from(n),
        })
        .collect();
    if a.file.invalid_bytes > 0 {
        out.push(Flag {
            code: "invalid_bytes".into(),
            count: a.file.invalid_bytes,
        });
    }
    if out
        .iter()
        .any(|f| f.code != "invalid_bytes" && f.code != "pii_email" && f.code != "pii_phone")
    {
        out.push(Flag {
            code: "redact".into(),
            count: 1,
        });
    }
    out
}

/// Contact details cost points in proportion to how many there are, up to 15.
pub fn pii_penalty(a: &Analysis) -> u8 {
    let n = a.pii.emails.saturating_add(a.pii.phones);
    if n == 0 {
        0
    } else {
        (4 + n.min(11)) as u8
    }
}

/// Sets each sub-score's weight and returns the weighted mean, 0–100 (unrounded).
pub fn weigh(s: &mut Subscores, prose: bool) -> f64 {
    let table: &[(SubscoreKind, f64)] = if prose {
        &PROSE_WEIGHTS
    } else {
        &TABLE_WEIGHTS
    };
    let present: Vec<(SubscoreKind, f64, u8)> = table
        .iter()
        .filter_map(|&(kind, w)| s.get(kind).map(|h| (kind, w, h.score)))
        .collect();
    let total: f64 = present.iter().map(|p| p.1).sum();
    if total == 0.0 {
        return 0.0;
    }
    let mut sum = 0.0;
    for (kind, w, score) in present {
        let share = (w / total * 1e4).round() / 1e4;
        s.set_weight(kind, share);
        sum += w / total * f64::from(score);
    }
    sum
}

fn worst_rule(t: &[Threshold]) -> Option<&Threshold> {
    t.iter().min_by_key(|t| t.score)
}

/// Caps first, then the sub-scores that cost the most points, each with its worst rule.
pub fn reasons(s: &Subscores, caps: &[Cap], penalty: u8) -> Vec<String> {
    let mut out: Vec<String> = caps
        .iter()
        .map(|c| format!("capped at {}: {}", c.limit, c.reason))
        .collect();
    let mut losses: Vec<(f64, String)> = Vec::new();
    let mut add = |name: &str, score: u8, weight: f64, rules: &[Threshold]| {
        let loss = weight * f64::from(100 - score);
        if loss >= 2.0 {
            let detail = worst_rule(rules).map_or(String::new(), |r| {
                format!(
                    " (worst: {} = {} against a limit of {})",
                    r.name, r.value, r.limit
                )
            });
            losses.push((
                loss,
                format!("{name} {score}/100 costs {loss:.0} points{detail}"),
            ));
        }
    };
    macro_rules! each {
        ($($f:ident),*) => { $( if let Some(x) = &s.$f { add(stringify!($f), x.score, x.weight, &x.thresholds); } )* };
    }
    each!(quality, repetition, coherence, structure, diversity, novelty, relevance);
    losses.sort_by(|a, b| b.0.total_cmp(&a.0).then_with(|| a.1.cmp(&b.1)));
    out.extend(losses.into_iter().take(3).map(|(_, r)| r));
    if penalty > 0 {
        out.push(format!(
            "minus {penalty} for personal contact details (e-mail addresses or phone numbers)"
        ));
    }
    out
}
