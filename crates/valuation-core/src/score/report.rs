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

pub const SCORER_VERSION: &str = "1.0.0";

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
    /// Share of sampled units with a near-identical neighbour (cosine ≥ 0.95).
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
    /// Share of sampled units within SimHash distance of a dataset sketch (≈ cosine ≥ 0.9).
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
