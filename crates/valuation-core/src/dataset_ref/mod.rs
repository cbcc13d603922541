//! Content-free reference to a dataset's accepted data, for novelty: file hashes, exact unit
//! hashes, a 128-bit SimHash sketch of every accepted unit and their centroid. Whoever holds it
//! learns no text (README, "What a dataset reference reveals"); the dataset's owner builds it
//! with `valuation dataset-ref` and extends it with `--append` without the old files.
//!
//! Format 2 is binary (`format.rs`): 16 bytes per accepted unit. Format 1 (JSON, 256-bit sketches
//! of 128 sampled units per file) still reads: its sketches' first 128 bits are format 2's.

mod builder;
mod format;
mod index;
mod legacy;
pub mod sketch;

pub use builder::DatasetRefBuilder;
pub use format::{FORMAT, MAGIC};
pub use index::BandIndex;
pub use sketch::{hamming, projections, simhash, simhash_centered, Query, Sketch, SKETCH_BITS};

/// Bound on exact unit hashes kept: beyond it only hashes whose top `sample_bits` bits are zero
/// are kept, and a file is compared on its units that pass the same rule (an unbiased estimate).
pub const MAX_UNIT_HASHES: usize = 1 << 16;
/// Units whose mean becomes a new reference's sketch center.
pub const CENTER_UNITS: usize = 4096;
/// Bound on sketches (accepted units): 16 MiB of sketches, 64 MiB of index once read.
pub const MAX_SKETCHES: usize = 1 << 20;

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, serde::Serialize, serde::Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
#[non_exhaustive]
pub enum DatasetRefError {
    #[error("not a usable dataset reference: {detail}")]
    Invalid { detail: String },
}

pub(crate) fn invalid<T>(detail: impl Into<String>) -> Result<T, DatasetRefError> {
    Err(DatasetRefError::Invalid {
        detail: detail.into(),
    })
}

/// A parsed reference with its band index, ready for lookups.
#[derive(Debug, Clone, PartialEq)]
pub struct DatasetRef {
    pub files: u64,
    /// SHA-256 of each accepted file, hex, sorted.
    pub file_sha256: Vec<String>,
    pub sample_bits: u32,
    /// Exact unit hashes (xxh3 of the normalised unit), sorted, those passing `sample_bits`.
    pub unit_hashes: Vec<u64>,
    pub model: Option<String>,
    /// Units the reference was built from (sketches are deduplicated, so ≥ `sketches.len()`).
    pub accepted_units: u64,
    /// One per distinct accepted unit meaning, sorted.
    pub sketches: Vec<Sketch>,
    /// Mean of the accepted unit embeddings, unit length, × 127, rounded.
    pub centroid: Vec<i8>,
    /// The mean's own length (0–1): with `accepted_units`, what appending weighs it by.
    pub centroid_length: f32,
    /// What every sketch was centred on: the mean of the first [`CENTER_UNITS`] accepted units,
    /// fixed for the reference's life (appends sketch on it too). Empty in format 1: no centring.
    pub center: Vec<f32>,
    /// Which format the bytes were in (1 or 2): format 1 sketches only sampled units.
    pub format_version: u8,
    index: BandIndex,
}

pub fn passes_sample(hash: u64, bits: u32) -> bool {
    bits == 0 || hash >> (64 - bits.min(63)) == 0
}

impl DatasetRef {
    /// Format 2 bytes or format 1 JSON; anything else is `invalid_dataset_ref` with what to do.
    pub fn parse(bytes: &[u8]) -> Result<Self, DatasetRefError> {
        if bytes.starts_with(MAGIC) {
            format::read(bytes)
        } else if bytes.first().is_some_and(|b| *b == b'{') {
            legacy::read(bytes)
        } else {
            invalid("neither a dataset reference (format 2) nor a format-1 JSON reference; build one with `valuation dataset-ref`")
        }
    }

    /// Format 2 bytes: the same reference reads back equal.
    pub fn to_bytes(&self) -> Vec<u8> {
        format::write(self)
    }

    pub(crate) fn with_index(mut self) -> Self {
        self.index = BandIndex::new(&self.sketches);
        self
    }

    pub fn unit_hash_count(&self) -> usize {
        self.unit_hashes.len()
    }

    pub fn contains_unit(&self, hash: u64) -> bool {
        self.unit_hashes.binary_search(&hash).is_ok()
    }

    pub fn contains_file(&self, sha256: &str) -> bool {
        self.file_sha256
            .binary_search_by(|h| h.as_str().cmp(sha256))
            .is_ok()
    }

    /// A unit's sketch as this reference's are made (centred on its center).
    pub fn sketch_of(&self, embedding: &[f32]) -> Sketch {
        simhash_centered(embedding, &self.center)
    }

    /// Whether an accepted unit's sketch is within `radius` bits of `sketch` (through the index).
    pub fn has_sketch_within(&self, sketch: &Sketch, radius: u32) -> bool {
        self.index.any_within(&self.sketches, sketch, radius)
    }

    /// A unit's query as this reference's sketches are made (centred on its center).
    pub fn query_of(&self, embedding: &[f32]) -> Query {
        if self.center.len() != embedding.len() {
            return Query::new(embedding);
        }
        let d: Vec<f32> = embedding
            .iter()
            .zip(&self.center)
            .map(|(x, c)| x - c)
            .collect();
        Query::new(&d)
    }

    /// Whether an accepted unit says what `embedding` says: its sketch within `limit`
    /// ([`Query::matches`]) of the unit's query, found through the index.
    pub fn has_match(&self, embedding: &[f32], limit: f32) -> bool {
        self.index
            .any_match(&self.sketches, &self.query_of(embedding), limit)
    }

    pub fn centroid_f32(&self) -> Option<Vec<f32>> {
        (!self.centroid.is_empty())
            .then(|| normalize(self.centroid.iter().map(|v| *v as f32).collect()))
    }

    /// Refuses a reference made with another model or of another width than `units`: its
    /// sketches would be compared by accident, not by meaning.
    pub fn check_space(&self, model_id: &str, width: Option<usize>) -> Result<(), DatasetRefError> {
        if let Some(m) = self.model.as_deref().filter(|m| *m != model_id) {
            return invalid(format!(
                "built with the model {m}, but this valuation embeds with {model_id}: rebuild it with `valuation dataset-ref` and the same model"
            ));
        }
        let widths = [self.centroid.len(), self.center.len()];
        if let Some(w) = width.filter(|w| widths.iter().any(|n| *n != 0 && n != w)) {
            return invalid(format!(
                "its centroid has {} dimensions, the model's vectors {w}",
                self.centroid.len()
            ));
        }
        Ok(())
    }
}

pub fn normalize(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// Sorted, without repeats: what every list in a reference must be.
pub(crate) fn strictly_increasing<T: Ord>(v: &[T]) -> bool {
    v.windows(2).all(|w| w[0] < w[1])
}

#[cfg(test)]
mod tests;
