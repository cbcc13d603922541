//! Scoring: the whole-file pass (`analyze`), the model on a bounded sample, then sub-scores,
//! weights and caps (`finish`). Split in two so a host can run the model itself (e.g. in a
//! worker, with progress) between the two halves.

mod analyze;
mod combine;
mod ramp;
mod report;
mod staged;
mod subscores;

pub use analyze::Analysis;
pub use report::*;
pub use staged::Staged;
pub use subscores::SEMANTIC_MATCH_LIMIT;

use crate::dataset_ref::DatasetRef;
use crate::embed::EmbedError;
#[cfg(feature = "model")]
use crate::embed::Embedder;
use crate::intake::IntakeError;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(default)]
pub struct ScoreOptions {
    /// Units embedded per file (the content-defined sample; default 128): bounds model cost at
    /// any size.
    pub sample_size: usize,
    /// Larger files fail with `file_too_large` before being read (default 512 MiB).
    pub max_bytes: u64,
    /// What the dataset is about, in a few words or sentences (one target per line); enables the
    /// relevance sub-score.
    pub domain: Option<String>,
    /// The model id written into the report (default: the default model's).
    pub model_id: String,
}

impl ScoreOptions {
    /// The largest `sample_size` accepted: 4096 units already cost minutes on one core, and the
    /// sample's novelty and coherence figures stop changing long before.
    pub const MAX_SAMPLE_SIZE: usize = 4096;
}

impl Default for ScoreOptions {
    fn default() -> Self {
        ScoreOptions {
            sample_size: 128,
            max_bytes: 512 * 1024 * 1024,
            domain: None,
            model_id: crate::ModelSpec::all_minilm_l6_v2().id,
        }
    }
}

#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum ScoreError {
    #[error(transparent)]
    Intake(#[from] IntakeError),
    #[error(transparent)]
    Embed(#[from] EmbedError),
    #[error("invalid option: {0}")]
    InvalidOption(String),
    #[error(transparent)]
    DatasetRef(#[from] crate::dataset_ref::DatasetRefError),
}

impl ScoreError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode;
        match self {
            ScoreError::Intake(e) => e.code(),
            ScoreError::Embed(e) => e.code(),
            ScoreError::InvalidOption(_) => ErrorCode::InvalidOption,
            ScoreError::DatasetRef(_) => ErrorCode::InvalidDatasetRef,
        }
    }
}

/// Embeddings of the analysis's sample (same order) and of the domain targets.
pub struct Embedded {
    pub model: ModelRef,
    pub units: Vec<Vec<f32>>,
    pub domain: Vec<Vec<f32>>,
}

pub fn domain_targets(options: &ScoreOptions) -> Vec<String> {
    options
        .domain
        .iter()
        .flat_map(|d| d.lines())
        .map(str::trim)
        .filter(|l| !l.is_empty())
        .map(str::to_owned)
        .collect()
}

pub fn analyze(bytes: &[u8], options: &ScoreOptions) -> Result<Analysis, ScoreError> {
    analyze_hashed(bytes, options, None)
}

/// Every unit of a file, not a sample (`sample` then holds them all, up to
/// [`crate::dataset_ref::MAX_SKETCHES`]): what a dataset reference sketches.
pub fn analyze_all_units(bytes: &[u8], options: &ScoreOptions) -> Result<Analysis, ScoreError> {
    Ok(analyze::analyze(
        bytes,
        options.max_bytes,
        crate::dataset_ref::MAX_SKETCHES,
        None,
    )?)
}

/// [`analyze`] with the file's SHA-256 (64 hex digits) already computed by the host: the
/// browser's `crypto.subtle` and Node's `crypto` hash several times faster than SHA-256 compiled
/// to wasm, which has no SHA instructions. The report is the same: it is the same function.
pub fn analyze_hashed(
    bytes: &[u8],
    options: &ScoreOptions,
    sha256: Option<&str>,
) -> Result<Analysis, ScoreError> {
    if options.sample_size == 0 || options.sample_size > ScoreOptions::MAX_SAMPLE_SIZE {
        return Err(ScoreError::InvalidOption(format!(
            "sample_size must be 1..={}",
            ScoreOptions::MAX_SAMPLE_SIZE
        )));
    }
    if sha256.is_some_and(|h| h.len() != 64 || !h.bytes().all(|b| b.is_ascii_hexdigit())) {
        return Err(ScoreError::InvalidOption(
            "sha256 must be 64 hex digits".into(),
        ));
    }
    Ok(analyze::analyze(
        bytes,
        options.max_bytes,
        options.sample_size,
        sha256.map(str::to_ascii_lowercase),
    )?)
}

impl Analysis {
    pub fn sample_texts(&self) -> Vec<&str> {
        self.sample.iter().map(|(_, t)| t.as_str()).collect()
    }

    pub fn finish(self, embedded: Option<&Embedded>, dataset: Option<&DatasetRef>) -> Report {
        let prose = self.file.kind.is_prose();
        let units: &[Vec<f32>] = embedded.map_or(&[], |e| &e.units);
        let mut subscores = Subscores {
            quality: self.prose.as_ref().map(subscores::quality),
            repetition: Some(subscores::repetition(
                self.prose.as_ref(),
                self.file.units,
                self.file.duplicate_units,
            )),
            coherence: self.prose.as_ref().and_then(subscores::coherence),
            structure: self.table.as_ref().map(subscores::structure),
            diversity: subscores::diversity(units, prose),
            novelty: dataset.map(|d| {
                subscores::novelty(
                    d,
                    &self.file.sha256,
                    &self.unit_hashes,
                    same_space(d, embedded),
                )
            }),
            relevance: None,
        };
        if let Some(e) = embedded {
            subscores.relevance = subscores::relevance(units, &e.domain, "domain").or_else(|| {
                let centroid = dataset
                    .filter(|d| !same_space(d, embedded).is_empty())
                    .and_then(DatasetRef::centroid_f32)?;
                subscores::relevance(units, &[centroid], "dataset")
            });
        }
        let weighted = combine::weigh(&mut subscores, prose);
        let caps = combine::caps(&self, &subscores);
        let penalty = combine::pii_penalty(&self);
        let capped = caps
            .iter()
            .map(|c| c.limit)
            .fold(weighted.round() as u8, u8::min);
        let score = capped.saturating_sub(penalty);
        Report {
            scorer_version: SCORER_VERSION.into(),
            score,
            reasons: combine::reasons(&subscores, &caps, penalty),
            flags: combine::flags(&self),
            pii: self.pii,
            model: embedded.map(|e| e.model.clone()),
            file: self.file,
            subscores,
            caps,
        }
    }
}

/// The unit embeddings when they can be compared with the reference's sketches and centroid: same
/// model and same width. Vectors of another model would be compared by accident, not by meaning.
fn same_space<'a>(dataset: &DatasetRef, embedded: Option<&'a Embedded>) -> &'a [Vec<f32>] {
    let Some(e) = embedded else { return &[] };
    let width_ok = dataset.centroid.is_empty()
        || e.units
            .first()
            .is_none_or(|u| u.len() == dataset.centroid.len());
    if dataset.model.as_deref() == Some(e.model.id.as_str()) && width_ok {
        &e.units
    } else {
        &[]
    }
}

/// The whole pipeline with a loaded model: the same steps a worker drives one by one.
#[cfg(feature = "model")]
pub fn score(
    bytes: &[u8],
    options: &ScoreOptions,
    embedder: &Embedder,
    dataset: Option<&DatasetRef>,
) -> Result<Report, ScoreError> {
    score_with_progress(bytes, options, embedder, dataset, |_, _| {})
}

/// [`score`], calling `progress(units embedded, units to embed)` after each batch: the one staged
/// loop of every host that runs the whole pipeline in one call (the CLI, the gloo worker).
#[cfg(feature = "model")]
pub fn score_with_progress(
    bytes: &[u8],
    options: &ScoreOptions,
    embedder: &Embedder,
    dataset: Option<&DatasetRef>,
    mut progress: impl FnMut(usize, usize),
) -> Result<Report, ScoreError> {
    let mut staged = Staged::new(bytes, options)?;
    while staged.embed_step(embedder)? {
        progress(staged.units_embedded(), staged.units_to_embed());
    }
    staged.finish(dataset)
}

#[cfg(feature = "model")]
pub fn embed(
    analysis: &Analysis,
    options: &ScoreOptions,
    embedder: &Embedder,
) -> Result<Embedded, ScoreError> {
    Ok(Embedded {
        model: ModelRef {
            id: options.model_id.clone(),
            weights_sha256: embedder.info().weights_sha256.clone(),
            precision: embedder.info().precision,
        },
        units: embedder.embed(&analysis.sample_texts())?,
        domain: embedder.embed(&domain_targets(options))?,
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn subscore_kinds_are_the_report_keys_in_order() {
        let empty = Subscores {
            quality: None,
            repetition: None,
            coherence: None,
            structure: None,
            diversity: None,
            novelty: None,
            relevance: None,
        };
        let json = serde_json::to_value(&empty).expect("json");
        let keys: Vec<&str> = json
            .as_object()
            .expect("object")
            .keys()
            .map(String::as_str)
            .collect();
        let mut names: Vec<&str> = SubscoreKind::ALL.map(SubscoreKind::name).to_vec();
        names.sort_unstable(); // serde_json's map is ordered by key
        assert_eq!(keys, names);
        for kind in SubscoreKind::ALL {
            assert_eq!(serde_json::to_value(kind).expect("json"), kind.name());
            assert_eq!(empty.get(kind), None);
        }
    }

    #[test]
    fn a_host_computed_sha256_gives_the_same_report_and_a_malformed_one_is_refused() {
        let bytes = b"First paragraph of prose.\n\nA second one, with other words in it.";
        let options = ScoreOptions::default();
        let report = |a: Analysis| serde_json::to_string(&a.finish(None, None)).expect("json");
        let own = report(analyze(bytes, &options).expect("analyze"));
        let digest = crate::embed::sha256_hex(bytes).to_ascii_uppercase();
        let hosted = report(analyze_hashed(bytes, &options, Some(&digest)).expect("analyze"));
        assert_eq!(
            own, hosted,
            "the digest is stored lowercase, as computed here"
        );
        for bad in ["", "abc", &"g".repeat(64), &"a".repeat(65)] {
            let e = analyze_hashed(bytes, &options, Some(bad))
                .err()
                .expect("refused");
            assert_eq!(e.code(), "invalid_option", "{bad:?}");
        }
    }
}
