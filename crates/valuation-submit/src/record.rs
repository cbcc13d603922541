//! The row one valued file adds to `data_contributions`: metadata about the file, never its
//! content. A record can only be made by `from_report` or the validated `new`, and every field is
//! a hash, an enum, a bounded identifier or a number, so no field can carry content.

use std::collections::BTreeMap;

use serde::Serialize;
use valuation_core::score::{Report, SubscoreKind, Subscores};
use valuation_core::FileKind;

use crate::error_code::SubmitErrorCode;
use crate::validate;

/// The `flags` CHECK: a count is at most 2^32 - 1 (the scorer's PII counters are `u32`) and at
/// most the file's `byte_size` (1 for an empty file): nothing occurs more often than it has bytes.
pub const MAX_FLAG_COUNT: u64 = u32::MAX as u64;
/// The `flags` CHECK: at most 16 flag codes per record.
pub const MAX_FLAGS: usize = 16;
/// The `sub_scores` CHECK: only the scorer's sub-score names (valuation-core's `SubscoreKind`).
pub const SUB_SCORE_NAMES: [&str; SubscoreKind::ALL.len()] = {
    let mut names = [""; SubscoreKind::ALL.len()];
    let mut i = 0;
    while i < names.len() {
        names[i] = SubscoreKind::ALL[i].name();
        i += 1;
    }
    names
};

/// Exactly the columns a client inserts, serialised to the JSON object PostgREST expects.
///
/// `contributor_id` is deliberately absent: the database fills it from the JWT
/// (`default auth.uid()`) and RLS rejects any other value, so this type cannot even express
/// "on behalf of someone else". Not `Deserialize`: a record must come through validation.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContributionRecord {
    dataset_id: String,
    content_sha256: String,
    byte_size: u64,
    detected_type: DetectedType,
    quality_score: u8,
    sub_scores: BTreeMap<String, Option<u8>>,
    flags: BTreeMap<String, u64>,
    model_id: String,
    scorer_version: String,
}

/// The column's allowed values: the scorer's `FileKind`, spelled out here so that a new kind in
/// the core fails to compile until the database's CHECK is migrated too.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum DetectedType {
    Text,
    Markdown,
    Csv,
    Tsv,
    Json,
    Jsonl,
}

impl From<FileKind> for DetectedType {
    fn from(kind: FileKind) -> Self {
        match kind {
            FileKind::Text => DetectedType::Text,
            FileKind::Markdown => DetectedType::Markdown,
            FileKind::Csv => DetectedType::Csv,
            FileKind::Tsv => DetectedType::Tsv,
            FileKind::Json => DetectedType::Json,
            FileKind::Jsonl => DetectedType::Jsonl,
        }
    }
}

/// The unvalidated fields of a record, for `ContributionRecord::new`. Deserialisable from
/// `to_json`'s shape (`FileKind` spells the kinds as `DetectedType` does), for `from_json`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RecordParts {
    pub dataset_id: String,
    pub content_sha256: String,
    pub byte_size: u64,
    pub detected_type: FileKind,
    pub quality_score: u8,
    /// Sub-score name → 0..=100, or `None` where it does not apply.
    pub sub_scores: BTreeMap<String, Option<u8>>,
    /// Flag code → count.
    pub flags: BTreeMap<String, u64>,
    pub model_id: String,
    pub scorer_version: String,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RecordError {
    /// Messages name the field and the rule, never the value: a value that fails validation
    /// might be exactly the kind of data that must not leave the browser.
    #[error("invalid {field}: {rule}")]
    Invalid {
        field: &'static str,
        rule: &'static str,
    },
    /// The database requires the model that produced the embeddings; a model-free report has
    /// none. Build the record with `new` and an explicit model id if that is intended.
    #[error("the report names no model (scored without embeddings); model_id is required")]
    NoModel,
}

impl RecordError {
    /// The stable code JS sees (`SubmitError.code`).
    pub fn code(&self) -> SubmitErrorCode {
        match self {
            RecordError::Invalid { .. } => SubmitErrorCode::InvalidRecord,
            RecordError::NoModel => SubmitErrorCode::NoModel,
        }
    }
}

fn invalid(field: &'static str, rule: &'static str) -> RecordError {
    RecordError::Invalid { field, rule }
}

impl ContributionRecord {
    /// The record of a valued file for `dataset_id` (a UUID).
    pub fn from_report(report: &Report, dataset_id: &str) -> Result<Self, RecordError> {
        let model = report.model.as_ref().ok_or(RecordError::NoModel)?;
        Self::new(RecordParts {
            dataset_id: dataset_id.to_owned(),
            content_sha256: report.file.sha256.clone(),
            byte_size: report.file.size,
            detected_type: report.file.kind,
            quality_score: report.score,
            sub_scores: sub_scores(&report.subscores),
            flags: flags(report),
            model_id: model.id.clone(),
            scorer_version: report.scorer_version.clone(),
        })
    }

    /// Validates every field against the database's CHECK constraints.
    pub fn new(parts: RecordParts) -> Result<Self, RecordError> {
        let dataset_id =
            validate::uuid(&parts.dataset_id).ok_or(invalid("dataset_id", "not a UUID"))?;
        let content_sha256 = validate::sha256_hex(&parts.content_sha256)
            .ok_or(invalid("content_sha256", "not 64 hex digits"))?;
        if parts.byte_size > i64::MAX as u64 {
            return Err(invalid("byte_size", "above the bigint range"));
        }
        if parts.quality_score > 100 {
            return Err(invalid("quality_score", "above 100"));
        }
        check_sub_scores(&parts.sub_scores)?;
        check_flags(&parts.flags, parts.byte_size)?;
        if !validate::model_id(&parts.model_id) {
            return Err(invalid(
                "model_id",
                "not a model id `name` or `org/name` ([A-Za-z0-9][A-Za-z0-9._-]{0,63} each)",
            ));
        }
        if !validate::scorer_version(&parts.scorer_version) {
            return Err(invalid(
                "scorer_version",
                "not a semantic version (1.0.0, 1.1.0-rc.1+build.5)",
            ));
        }
        Ok(ContributionRecord {
            dataset_id,
            content_sha256,
            byte_size: parts.byte_size,
            detected_type: parts.detected_type.into(),
            quality_score: parts.quality_score,
            sub_scores: parts.sub_scores,
            flags: parts.flags,
            model_id: parts.model_id,
            scorer_version: parts.scorer_version,
        })
    }

    /// A record read back from storage (the browser's outbox): parsed into its parts and
    /// validated again, exactly like `new`, because stored bytes are not trusted to be what was
    /// written. Unknown fields are refused: a record never gains a column on the way.
    pub fn from_json(json: &str) -> Result<Self, RecordError> {
        let parts: RecordParts = serde_json::from_str(json)
            .map_err(|_| invalid("record", "not a contribution record's JSON"))?;
        Self::new(parts)
    }

    /// The JSON object PostgREST inserts: all nine client columns, always present (`null`s
    /// included), because a bulk insert needs every object to have the same keys.
    pub fn to_json(&self) -> String {
        serde_json::to_string(self)
            .expect("a record of strings, integers and maps always serialises")
    }

    pub fn dataset_id(&self) -> &str {
        &self.dataset_id
    }
    pub fn content_sha256(&self) -> &str {
        &self.content_sha256
    }
    pub fn byte_size(&self) -> u64 {
        self.byte_size
    }
    pub fn detected_type(&self) -> DetectedType {
        self.detected_type
    }
    pub fn quality_score(&self) -> u8 {
        self.quality_score
    }
    pub fn sub_scores(&self) -> &BTreeMap<String, Option<u8>> {
        &self.sub_scores
    }
    pub fn flags(&self) -> &BTreeMap<String, u64> {
        &self.flags
    }
    pub fn model_id(&self) -> &str {
        &self.model_id
    }
    pub fn scorer_version(&self) -> &str {
        &self.scorer_version
    }
}

fn check_sub_scores(sub_scores: &BTreeMap<String, Option<u8>>) -> Result<(), RecordError> {
    for (name, score) in sub_scores {
        if !SUB_SCORE_NAMES.contains(&name.as_str()) {
            return Err(invalid(
                "sub_scores",
                "a name is not one of the scorer's sub-scores",
            ));
        }
        if score.is_some_and(|s| s > 100) {
            return Err(invalid("sub_scores", "a score is above 100"));
        }
    }
    Ok(())
}

fn check_flags(flags: &BTreeMap<String, u64>, byte_size: u64) -> Result<(), RecordError> {
    if flags.len() > MAX_FLAGS {
        return Err(invalid("flags", "more than 16 flag codes"));
    }
    for (code, &count) in flags {
        if !validate::flag_code(code) {
            return Err(invalid("flags", "a code is not [a-z][a-z0-9_]{0,31}"));
        }
        if count > MAX_FLAG_COUNT {
            return Err(invalid("flags", "a count is above 2^32 - 1"));
        }
        if count > byte_size.max(1) {
            return Err(invalid("flags", "a count is above the file's byte_size"));
        }
    }
    Ok(())
}

/// Every sub-score by name, `null` where it does not apply, so rows have one shape.
fn sub_scores(s: &Subscores) -> BTreeMap<String, Option<u8>> {
    SubscoreKind::ALL
        .into_iter()
        .map(|kind| (kind.name().to_owned(), s.get(kind).map(|h| h.score)))
        .collect()
}

/// PII counts (codes as the scorer's own flags spell them) plus the report's flags, code → count.
/// Zero counts are left out: an absent code means none. Where both name a code the larger count
/// wins (the scorer derives its PII flags from the same counts, so they agree).
fn flags(report: &Report) -> BTreeMap<String, u64> {
    let mut out: BTreeMap<String, u64> = report
        .pii
        .by_flag_code()
        .into_iter()
        .filter(|&(_, n)| n > 0)
        .map(|(code, n)| (code.to_owned(), u64::from(n)))
        .collect();
    for flag in &report.flags {
        // A flag the scorer raised counts at least once, even if it carries no count.
        let count = flag.count.max(1);
        let entry = out.entry(flag.code.clone()).or_insert(0);
        *entry = (*entry).max(count);
    }
    out
}

#[cfg(test)]
#[path = "record_tests.rs"]
mod tests;
