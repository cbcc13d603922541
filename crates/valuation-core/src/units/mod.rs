//! Units (what gets embedded) and the content-defined sample of them.
//!
//! The sample is the `k` units with the lowest keyed hash of their normalised text: it does not
//! depend on file order or size, costs one hash per unit, and a contributor cannot choose which
//! units are looked at except by changing the units themselves.

mod normalize;
mod prose;

pub use normalize::{normalize_unit, Normalizer};
pub use prose::{prose_units, ProseUnit};

use std::collections::{BinaryHeap, HashSet};
use std::hash::{BuildHasherDefault, Hasher};
use xxhash_rust::xxh3::xxh3_64_with_seed;

const SAMPLE_SEED: u64 = 0x6461_7461_756e_696f; // "dataunio"
/// Embedding window for prose units, in whitespace words (≈ 128 word pieces for English).
pub const MAX_UNIT_WORDS: usize = 96;
/// Characters of a table row or JSON record rendered for embedding.
pub const MAX_UNIT_CHARS: usize = 600;

/// The keyed hash of a unit's normal form ([`normalize_unit`], as UTF-8 bytes).
pub fn unit_hash(normalized: &[u8]) -> u64 {
    xxh3_64_with_seed(normalized, SAMPLE_SEED)
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

/// Streams units; keeps counts, duplicates and the bottom-k sample.
pub struct UnitSampler {
    k: usize,
    heap: BinaryHeap<(u64, String)>,
    seen: HashSet64,
    pub units: usize,
    pub duplicates: usize,
}

impl UnitSampler {
    pub fn new(k: usize) -> Self {
        UnitSampler {
            k,
            heap: BinaryHeap::new(),
            seen: HashSet64::default(),
            units: 0,
            duplicates: 0,
        }
    }

    /// Adds one unit; `render` builds its embedding text only if it enters the sample.
    pub fn push(&mut self, normalized: &[u8], render: impl FnOnce() -> String) -> u64 {
        let h = unit_hash(normalized);
        self.units += 1;
        if !self.seen.insert(h) {
            self.duplicates += 1;
            return h;
        }
        if self.heap.len() < self.k {
            self.heap.push((h, render()));
        } else if self.heap.peek().is_some_and(|(top, _)| h < *top) {
            self.heap.pop();
            self.heap.push((h, render()));
        }
        h
    }

    /// Distinct unit hashes seen, for dataset references and novelty.
    pub fn hashes(&self) -> impl Iterator<Item = u64> + '_ {
        self.seen.iter().copied()
    }

    /// The sample, ordered by hash so downstream reductions run in a fixed order.
    pub fn into_sample(self) -> (Vec<(u64, String)>, HashSet64) {
        let mut v = self.heap.into_vec();
        v.sort();
        (v, self.seen)
    }
}

pub fn truncate_chars(s: &mut String, max: usize) {
    if let Some((i, _)) = s.char_indices().nth(max) {
        s.truncate(i);
    }
}

#[cfg(test)]
mod tests {
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
            (
                s.units,
                s.duplicates,
                s.into_sample()
                    .0
                    .into_iter()
                    .map(|(h, _)| h)
                    .collect::<Vec<_>>(),
            )
        };
        let a = sample(&[0, 1, 2, 3, 4, 5]);
        assert_eq!(a, sample(&[5, 4, 3, 2, 1, 0]));
        assert_eq!((a.0, a.1, a.2.len()), (6, 1, 3));
    }
}
