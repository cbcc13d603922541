//! The distinct 64-bit hashes of a whole file (its units, its table rows).
//!
//! An append-only log, sorted and deduplicated whenever it fills its allocation (it grows only
//! if that leaves it more than half full) and once at the end. A hash set did the same job with a random probe per insert and a rehash at
//! every growth; over a 100 MB table those were almost half the whole-file pass (the probes, and
//! the kernel zeroing each larger table's fresh pages). The log writes sequentially and sorts in
//! cache-friendly passes, and its allocation stays within four times the distinct hashes (or
//! one first compaction's worth), so a file of the same line repeated stays small.

/// Below this many entries the log is never compacted before the end.
const FIRST_COMPACTION: usize = 1 << 16;

#[derive(Debug, Default, Clone)]
pub struct DistinctHashes {
    log: Vec<u64>,
    /// Every hash pushed, duplicates included.
    pushed: u64,
}

impl DistinctHashes {
    #[inline]
    pub fn push(&mut self, hash: u64) {
        if self.log.len() == self.log.capacity() {
            self.make_room();
        }
        self.pushed += 1;
        self.log.push(hash);
    }

    /// Full: compacted first (a file of repeats stays small), doubled only if that left it
    /// more than half full, so the allocation stays within four times the distinct hashes.
    #[cold]
    fn make_room(&mut self) {
        if self.log.len() >= FIRST_COMPACTION {
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
                let h = (state >> 11) % range;
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
}
