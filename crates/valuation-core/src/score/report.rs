//! The report: everything a contributor, a reviewer or an auditor needs to see why a file got
//! its score. Field order is fixed and floats are rounded, so equal inputs give equal bytes.

use crate::heuristics::{
    c4::C4, fineweb::FineWeb, gopher_quality::GopherQuality, gopher_repetition::GopherRepetition,
    Verdict,
};
use crate::intake::{Encoding, FileKind};
use crate::pii::PiiCounts;
use crate::structure::Structure;
use serde::{Deserialize, Serialize};

pub const SCORER_VERSION: &str = "1.2.0";

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Report {
    pub scorer_version: String,
    /// 0–100 after weights, caps and penalties.
    pub score: u8,
    pub file: FileInfo,
    pub model: Option<ModelRef>,
    pub subscores: Subscores,
    pub caps: Vec<Cap>,
    pub flags: Vec<Flag>,
    /// Counts only: matched values never leave the scanner.
    pub pii: PiiCounts,
    /// The biggest losses, in plain words, biggest first.
    pub reasons: Vec<String>,
}

impl Report {
    /// The report's one JSON form, byte for byte what the CLI prints, the wasm bindings and the
    /// worker return and `verify()` compares: pretty-printed, fields in declaration order.
    pub fn canonical_json(&self) -> String {
        // Cannot fail: every map in a report has string keys, and serde_json writes a
        // non-finite float as null rather than erroring.
        serde_json::to_string_pretty(self).unwrap_or_default()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct FileInfo {
    pub sha256: String,
    pub size: u64,
    pub kind: FileKind,
    pub encoding: Encoding,
    pub invalid_bytes: u64,
    pub chars: u64,
    pub units: u64,
    pub duplicate_units: u64,
    pub sampled_units: u64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct ModelRef {
    pub id: String,
    /// SHA-256 of the weights file the encoder loaded (the f32 or the int8 file).
    pub weights_sha256: String,
    /// The encoder's precision: with the hash, what `verify()` and the CLI need to reproduce it.
    pub precision: crate::embed::Precision,
}

/// A sub-score by name. Its name is the report's key (the `Subscores` field), a weight table's
/// entry, a submitted record's `sub_scores` key and the CLI's label: this one list, matched
/// exhaustively wherever a sub-score is looked up by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
#[non_exhaustive]
pub enum SubscoreKind {
    Quality,
    Repetition,
    Coherence,
    Structure,
    Diversity,
    Novelty,
    Relevance,
}

impl SubscoreKind {
    /// Every kind, in the report's order.
    pub const ALL: [SubscoreKind; 7] = [
        SubscoreKind::Quality,
        SubscoreKind::Repetition,
        SubscoreKind::Coherence,
        SubscoreKind::Structure,
        SubscoreKind::Diversity,
        SubscoreKind::Novelty,
        SubscoreKind::Relevance,
    ];

    /// The name (its serde name and the report's key).
    pub const fn name(self) -> &'static str {
        match self {
            SubscoreKind::Quality => "quality",
            SubscoreKind::Repetition => "repetition",
            SubscoreKind::Coherence => "coherence",
            SubscoreKind::Structure => "structure",
            SubscoreKind::Diversity => "diversity",
            SubscoreKind::Novelty => "novelty",
            SubscoreKind::Relevance => "relevance",
        }
    }
}

/// What every sub-score has, whatever its measurements.
#[derive(Debug, Clone, Copy, PartialEq)]
pub struct SubHead<'a> {
    pub score: u8,
    pub weight: f64,
    pub thresholds: &'a [Threshold],
}

/// Each sub-score is `null` when it does not apply to this file or these options.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Subscores {
    pub quality: Option<Sub<Quality>>,
    pub repetition: Option<Sub<Repetition>>,
    pub coherence: Option<Sub<CoherenceDetail>>,
    pub structure: Option<Sub<Structure>>,
    pub diversity: Option<Sub<Diversity>>,
    pub novelty: Option<Sub<Novelty>>,
    pub relevance: Option<Sub<Relevance>>,
}

impl Subscores {
    /// The sub-score of `kind`, if it applies.
    pub fn get(&self, kind: SubscoreKind) -> Option<SubHead<'_>> {
        fn head<D>(s: &Option<Sub<D>>) -> Option<SubHead<'_>> {
            s.as_ref().map(|s| SubHead {
                score: s.score,
                weight: s.weight,
                thresholds: &s.thresholds,
            })
        }
        match kind {
            SubscoreKind::Quality => head(&self.quality),
            SubscoreKind::Repetition => head(&self.repetition),
            SubscoreKind::Coherence => head(&self.coherence),
            SubscoreKind::Structure => head(&self.structure),
            SubscoreKind::Diversity => head(&self.diversity),
            SubscoreKind::Novelty => head(&self.novelty),
            SubscoreKind::Relevance => head(&self.relevance),
        }
    }

    /// Sets the weight of `kind`'s sub-score, if it applies.
    pub fn set_weight(&mut self, kind: SubscoreKind, weight: f64) {
        fn set<D>(s: &mut Option<Sub<D>>, weight: f64) {
            if let Some(s) = s {
                s.weight = weight;
            }
        }
        match kind {
            SubscoreKind::Quality => set(&mut self.quality, weight),
            SubscoreKind::Repetition => set(&mut self.repetition, weight),
            SubscoreKind::Coherence => set(&mut self.coherence, weight),
            SubscoreKind::Structure => set(&mut self.structure, weight),
            SubscoreKind::Diversity => set(&mut self.diversity, weight),
            SubscoreKind::Novelty => set(&mut self.novelty, weight),
            SubscoreKind::Relevance => set(&mut self.relevance, weight),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Sub<D> {
    pub score: u8,
    /// Share of the final score, after renormalising over the sub-scores that apply.
    pub weight: f64,
    pub measurements: D,
    /// The limits the measurements were judged against, by name.
    pub thresholds: Vec<Threshold>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Threshold {
    pub name: String,
    pub limit: f64,
    pub value: f64,
    /// This rule's 0–100 contribution.
    pub score: u8,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Quality {
    /// Characters measured: the whole text, or a content-defined sample of windows for long files.
    pub measured_chars: u64,
    pub gopher: GopherQuality,
    pub c4: C4,
    pub fineweb: FineWeb,
    pub verdicts: PeerVerdicts,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct PeerVerdicts {
    pub gopher_quality: Verdict,
    pub gopher_repetition: Verdict,
    pub c4_quality: Verdict,
    pub fineweb_quality: Verdict,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Repetition {
    pub duplicate_units: f64,
    pub gopher: Option<GopherRepetition>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct CoherenceDetail {
    pub determiners: u64,
    pub determiner_then_function_word: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Diversity {
    pub units: u64,
    /// Share of sampled units with a neighbour saying the same thing: for prose within the
    /// novelty's SimHash radius (paraphrases count), for tables and records cosine ≥ 0.95.
    pub near_duplicates: f64,
    pub mean_pairwise_cosine: f64,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Novelty {
    pub exact_file_match: bool,
    /// Share of this file's (sampled-rule) units whose hash the dataset already has.
    pub known_units: f64,
    pub compared_units: u64,
    /// Share of sampled units that say what an accepted unit says: within the calibrated SimHash
    /// distance of an accepted unit's sketch (≈ cosine 0.75; paraphrases, light edits).
    pub semantic_duplicates: Option<f64>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Relevance {
    /// "domain" (the caller's description) or "dataset" (the reference's centroid).
    pub against: String,
    pub median_cosine: f64,
    pub low_quartile_cosine: f64,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Cap {
    pub code: String,
    pub limit: u8,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Flag {
    pub code: String,
    pub count: u64,
}
