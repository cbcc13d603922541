//! The distinct 64-bit hashes of a whole file (its units, its table rows).
//!
//! An append-only log, sorted and deduplicated once at the end, and before that only when it
//! fills its allocation with many repeats. A hash set did the same job with a random probe per
//! insert and a rehash at every growth; over a 100 MB table those were almost half the
//! whole-file pass (the probes, and the kernel zeroing each larger table's fresh pages). The
//! log writes sequentially and sorts in cache-friendly passes.
//!
//! Whether a full log has many repeats is read from a sample: the distinct hashes whose top
//! six bits are zero, kept exactly, estimate the distinct count at 64 times their number. A
//! log of mostly distinct hashes then just doubles (sorting it at every doubling was a second
//! sort of everything, a tenth of the pass over a big table), and one of repeats is compacted,
//! so the allocation stays within about four times the distinct hashes. Hashes crafted to fall
//! in the sample can make it up to 256 times, never unbounded.

use super::HashSet64;

/// Below this many entries the log is never compacted before the end.
const FIRST_COMPACTION: usize = 1 << 16;
/// A hash is in the sample when its top `SAMPLE_BITS` bits are zero: one in 64.
const SAMPLE_BITS: u32 = 6;

#[derive(Debug, Default, Clone)]
pub struct DistinctHashes {
    log: Vec<u64>,
    /// Every hash pushed, duplicates included.
    pushed: u64,
    /// The distinct hashes pushed whose top `SAMPLE_BITS` bits are zero.
    sample: HashSet64,
}

impl DistinctHashes {
    #[inline]
    pub fn push(&mut self, hash: u64) {
        if self.log.len() == self.log.capacity() {
            self.make_room();
        }
        if hash >> (64 - SAMPLE_BITS) == 0 {
            self.sample.insert(hash);
        }
        self.pushed += 1;
        self.log.push(hash);
    }

    /// Full: compacted first if the sample says at most half of it is distinct (a file of
    /// repeats stays small), then doubled if it is still more than half full.
    #[cold]
    fn make_room(&mut self) {
        let distinct_estimate = self.sample.len() << SAMPLE_BITS;
        if self.log.len() >= FIRST_COMPACTION && distinct_estimate * 2 <= self.log.capacity() {
            self.compact();
        }
        if self.log.len() * 2 > self.log.capacity() {
            self.log.reserve(self.log.capacity().max(1024));
        }
    }

    fn compact(&mut self) {
        self.log.sort_unstable();
        self.log.dedup();
    }

    /// How many hashes were pushed, duplicates included.
    pub fn pushed(&self) -> u64 {
        self.pushed
    }

    /// How many distinct hashes were pushed.
    pub fn distinct(&mut self) -> u64 {
        self.compact();
        self.log.len() as u64
    }

    /// The distinct hashes, in increasing order.
    pub fn into_sorted(mut self) -> Vec<u64> {
        self.compact();
        self.log
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::BTreeSet;

    /// The log against a plain set (the reference), across compactions and heavy duplication.
    #[test]
    fn counts_and_lists_what_a_set_would() {
        let mut state = 0x1234_5678_u64;
        for (n, range) in [
            (0, 1),
            (5, 3),
            (70_000, 1 << 40),
            (300_000, 50_000),
            (200_000, 7),
        ] {
            let (mut log, mut set) = (DistinctHashes::default(), BTreeSet::new());
            for _ in 0..n {
                state = state
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1);
                // Hashes: uniform bits, as the sample assumes.
                let h = crate::rng::mix64((state >> 11) % range);
                log.push(h);
                set.insert(h);
            }
            assert_eq!(log.pushed(), n as u64);
            assert_eq!(log.distinct(), set.len() as u64);
            // Bounded memory: a file of few distinct hashes keeps a small log.
            assert!(log.log.capacity() <= 4 * set.len().max(FIRST_COMPACTION));
            assert_eq!(log.into_sorted(), set.into_iter().collect::<Vec<_>>());
        }
    }

    /// Hashes crafted to all fall in the sample (10 000 of them, each pushed 300 times) make
    /// it overestimate the distinct count 64-fold: compaction comes later, but it comes.
    #[test]
    fn crafted_hashes_keep_memory_bounded() {
        let mut log = DistinctHashes::default();
        for round in 0..600 {
            for i in 0..5000u64 {
                log.push(i * 7 + round % 2);
            }
        }
        assert!(log.log.len() < 3_000_000, "never compacted");
        assert!(log.log.capacity() <= 256 * 10_000, "{}", log.log.capacity());
        assert_eq!(log.distinct(), 10_000);
    }
}
