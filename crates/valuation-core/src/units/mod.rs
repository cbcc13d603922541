//! Units (what gets embedded) and the content-defined sample of them.
//!
//! The sample is the `k` units with the lowest keyed hash of their normalised text: it does not
//! depend on file order or size, costs one hash per unit, and a contributor cannot choose which
//! units are looked at except by changing the units themselves.

mod distinct;
mod normalize;
mod prose;

pub use distinct::DistinctHashes;
pub use normalize::{check_normalizer, Normalizer};
pub use prose::prose_units;

use std::collections::{BinaryHeap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};

const SAMPLE_SEED: u64 = 0x6461_7461_756e_696f; // "dataunio"
/// Embedding window for prose units, in whitespace words (≈ 128 word pieces for English).
pub const MAX_UNIT_WORDS: usize = 96;
/// Characters of a table row or JSON record rendered for embedding.
pub const MAX_UNIT_CHARS: usize = 600;

/// The keyed hash of a unit's normal form ([`normalize_unit`], as UTF-8 bytes).
pub fn unit_hash(normalized: &[u8]) -> u64 {
    crate::hash::xxh3_64(normalized, SAMPLE_SEED)
}

/// Hashes of units are xxh3 values already: a set of them needs no second hash (SipHash was a
/// tenth of the pass over a big table). One multiply spreads the bits hashbrown uses.
#[derive(Default)]
pub struct PrehashedHasher(u64);

impl Hasher for PrehashedHasher {
    fn finish(&self) -> u64 {
        self.0.wrapping_mul(0x9e37_79b9_7f4a_7c15)
    }
    fn write(&mut self, bytes: &[u8]) {
        for &b in bytes {
            self.0 = self.0.rotate_left(8) ^ u64::from(b);
        }
    }
    fn write_u64(&mut self, n: u64) {
        self.0 = n;
    }
}

/// A set of unit (or row, or n-gram) hashes.
pub type HashSet64 = HashSet<u64, BuildHasherDefault<PrehashedHasher>>;
/// A map keyed by such hashes.
pub type HashMap64<V> = std::collections::HashMap<u64, V, BuildHasherDefault<PrehashedHasher>>;

/// Streams units; keeps every distinct unit hash and the bottom-k sample.
pub struct UnitSampler {
    k: usize,
    heap: BinaryHeap<(u64, String)>,
    /// The hashes in `heap`: a unit seen twice enters the sample once.
    in_heap: HashSet64,
    hashes: DistinctHashes,
}

/// What a file's units came to.
pub struct SampledUnits {
    /// The sample, ordered by hash so downstream reductions run in a fixed order.
    pub sample: Vec<(u64, String)>,
    /// Every distinct unit hash, increasing (for dataset references and novelty).
    pub hashes: Vec<u64>,
    pub units: u64,
    pub duplicates: u64,
}

impl UnitSampler {
    pub fn new(k: usize) -> Self {
        UnitSampler {
            k,
            heap: BinaryHeap::new(),
            in_heap: HashSet64::default(),
            hashes: DistinctHashes::default(),
        }
    }

    /// Adds one unit; `render` builds its embedding text only if it enters the sample.
    pub fn push(&mut self, normalized: &[u8], render: impl FnOnce() -> String) -> u64 {
        let h = unit_hash(normalized);
        self.hashes.push(h);
        // Bottom-k of the distinct hashes: a hash that left the heap was above its top, which
        // only falls, so it can never qualify again; one in the heap is a repeat.
        let full = self.heap.len() >= self.k;
        if full && self.heap.peek().is_none_or(|(top, _)| h >= *top) || self.in_heap.contains(&h) {
            return h;
        }
        if full {
            if let Some((gone, _)) = self.heap.pop() {
                self.in_heap.remove(&gone);
            }
        }
        self.heap.push((h, render()));
        self.in_heap.insert(h);
        h
    }

    pub fn finish(self) -> SampledUnits {
        let mut sample = self.heap.into_vec();
        sample.sort();
        let units = self.hashes.pushed();
        let hashes = self.hashes.into_sorted();
        SampledUnits {
            sample,
            units,
            duplicates: units - hashes.len() as u64,
            hashes,
        }
    }
}

pub fn truncate_chars(s: &mut String, max: usize) {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
    }
}

#[cfg(test)]
mod tests {
    use super::normalize::normalize_unit;
    use super::*;

    #[test]
    fn sample_ignores_order_and_counts_duplicates() {
        let units = [
            "alpha beta",
            "Gamma!",
            "delta",
            "alpha  BETA",
            "epsilon",
            "zeta",
        ];
        let sample = |order: &[usize]| {
            let mut s = UnitSampler::new(3);
            for &i in order {
                s.push(normalize_unit(units[i]).as_bytes(), || units[i].to_owned());
            }
            let done = s.finish();
            (
                done.units,
                done.duplicates,
                done.sample.into_iter().map(|(h, _)| h).collect::<Vec<_>>(),
            )
        };
        let a = sample(&[0, 1, 2, 3, 4, 5]);
        assert_eq!(a, sample(&[5, 4, 3, 2, 1, 0]));
        assert_eq!((a.0, a.1, a.2.len()), (6, 1, 3));
    }
}
