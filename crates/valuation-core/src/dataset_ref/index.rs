//! Finding a sketch's near neighbours without comparing it with every accepted unit: LSH bands
//! (Indyk–Motwani; Charikar's SimHash). The 128 bits are cut into 16 bands of 8; two sketches
//! become candidates when one band is equal, and candidates are then compared bit for bit. For a
//! pair at angle θ each bit differs with probability p = θ/π, so a band agrees with probability
//! (1−p)^8 and some band with 1 − (1 − (1−p)^8)^16: 0.99 at cosine 0.9, 0.93 at 0.8, 0.80 at 0.7.
//! A lookup reads 16 buckets of on average n/256 sketches: n/16 comparisons instead of n; a
//! semantic lookup ([`BandIndex::any_match`]) probes 3 buckets per band, 3n/16.
//!
//! Built when the reference is read (counting sort, O(n), 64 bytes per sketch), never shipped:
//! nothing in the file can point anywhere.

use super::sketch::{hamming, Query, Sketch};

pub const BANDS: usize = 16;
const BUCKETS: usize = 256;

#[derive(Debug, Clone, Default, PartialEq)]
pub struct BandIndex {
    /// Per band, `BUCKETS + 1` offsets into `ids`.
    starts: Vec<u32>,
    /// Per band, the sketch indices sorted by that band's byte.
    ids: Vec<u32>,
    len: usize,
}

#[inline]
fn band(s: &Sketch, b: usize) -> usize {
    (s[b / 8] >> ((b % 8) * 8)) as usize & 0xff
}

impl BandIndex {
    pub fn new(sketches: &[Sketch]) -> Self {
        let n = sketches.len();
        assert!(n <= u32::MAX as usize, "sketch count");
        let mut starts = vec![0u32; BANDS * (BUCKETS + 1)];
        let mut ids = vec![0u32; BANDS * n];
        for b in 0..BANDS {
            let st = &mut starts[b * (BUCKETS + 1)..(b + 1) * (BUCKETS + 1)];
            for s in sketches {
                st[band(s, b) + 1] += 1;
            }
            for k in 0..BUCKETS {
                st[k + 1] += st[k];
            }
            let mut fill: Vec<u32> = st[..BUCKETS].to_vec();
            let out = &mut ids[b * n..(b + 1) * n];
            for (i, s) in sketches.iter().enumerate() {
                let k = band(s, b);
                out[fill[k] as usize] = i as u32;
                fill[k] += 1;
            }
        }
        BandIndex {
            starts,
            ids,
            len: n,
        }
    }

    /// Whether some indexed sketch that shares a band with `q` is within `radius` bits of it.
    pub fn any_within(&self, sketches: &[Sketch], q: &Sketch, radius: u32) -> bool {
        (0..BANDS).any(|b| {
            self.bucket(b, band(q, b))
                .iter()
                .any(|&i| hamming(&sketches[i as usize], q) <= radius)
        })
    }

    /// Whether some indexed sketch within `limit` of `q` ([`Query::matches`]) shares a band with
    /// it, each band read as it is and with its least sure bit, then its second least sure bit,
    /// flipped (multi-probe LSH, Lv et al. 2007): a paraphrase's disagreements sit mostly on
    /// unsure bits, so these probes find what a scan of every sketch finds on STS-B (one probe
    /// per band missed 3 % of it) for about three times one probe's comparisons.
    pub fn any_match(&self, sketches: &[Sketch], q: &Query, limit: f32) -> bool {
        let max_bits = q.max_bits(limit);
        (0..BANDS).any(|b| {
            let key = band(&q.sketch, b);
            let unsure = q.least_sure_bits(b);
            let flips = [0, 1 << unsure[0], 1 << unsure[1]];
            flips.iter().any(|&f| {
                self.bucket(b, key ^ f).iter().any(|&i| {
                    let s = &sketches[i as usize];
                    hamming(s, &q.sketch) <= max_bits && q.matches(s, limit)
                })
            })
        })
    }

    /// The indices of the sketches whose band `b` is `key`.
    fn bucket(&self, b: usize, key: usize) -> &[u32] {
        let st = &self.starts[b * (BUCKETS + 1)..];
        let n = self.len;
        &self.ids[b * n + st[key] as usize..b * n + st[key + 1] as usize]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The plain definition: some sketch within `radius` that shares a band.
    fn reference(sketches: &[Sketch], q: &Sketch, radius: u32) -> bool {
        sketches
            .iter()
            .any(|s| hamming(s, q) <= radius && (0..BANDS).any(|b| band(s, b) == band(q, b)))
    }

    /// Marsaglia's xorshift64: test data from a seed, no dependency.
    fn xorshift(mut state: u64) -> impl FnMut() -> u64 {
        move || {
            state ^= state << 13;
            state ^= state >> 7;
            state ^= state << 17;
            state
        }
    }

    /// The plain definition of a semantic lookup: some sketch within `limit` whose band `b`
    /// equals the query's with none, its least sure or its second least sure bit flipped.
    fn match_reference(sketches: &[Sketch], q: &Query, limit: f32) -> bool {
        sketches.iter().any(|s| {
            q.matches(s, limit)
                && (0..BANDS).any(|b| {
                    let u = q.least_sure_bits(b);
                    [0, 1 << u[0], 1 << u[1]].contains(&(band(s, b) ^ band(&q.sketch, b)))
                })
        })
    }

    #[test]
    fn a_semantic_lookup_finds_what_a_scan_finds() {
        let mut next = xorshift(11);
        let unit = |next: &mut dyn FnMut() -> u64| -> Vec<f32> {
            (0..48)
                .map(|_| (next() % 2001) as f32 / 1000.0 - 1.0)
                .collect()
        };
        let units: Vec<Vec<f32>> = (0..2000).map(|_| unit(&mut next)).collect();
        let sketches: Vec<Sketch> = units.iter().map(|u| Query::new(u).sketch).collect();
        let index = BandIndex::new(&sketches);
        let mut found = 0;
        for i in 0..300 {
            // Near copies (noise of growing size) and fresh units.
            let noise = unit(&mut next);
            let q: Vec<f32> = if i % 2 == 0 {
                let scale = (i % 40) as f32 / 40.0;
                units[i * 5]
                    .iter()
                    .zip(&noise)
                    .map(|(u, e)| u + scale * e)
                    .collect()
            } else {
                noise
            };
            let q = Query::new(&q);
            for limit in [0.0, 0.05, 0.14, 0.3] {
                let want = match_reference(&sketches, &q, limit);
                assert_eq!(index.any_match(&sketches, &q, limit), want, "{i} {limit}");
                found += usize::from(want);
            }
        }
        assert!(found > 150, "the test exercises hits: {found}");
        assert!(!BandIndex::new(&[]).any_match(&[], &Query::new(&[1.0]), 1.0));
    }

    #[test]
    fn finds_what_a_scan_finds() {
        let mut next = xorshift(7);
        let sketches: Vec<Sketch> = (0..3000).map(|_| [next(), next()]).collect();
        let index = BandIndex::new(&sketches);
        let mut found = 0;
        for i in 0..600 {
            // Near copies of indexed sketches (a few bits flipped) and fresh ones.
            let mut q = if i % 2 == 0 {
                sketches[i * 3]
            } else {
                [next(), next()]
            };
            for _ in 0..(i % 40) {
                let bit = next() % 128;
                q[bit as usize / 64] ^= 1 << (bit % 64);
            }
            for radius in [0, 10, 30, 64] {
                let want = reference(&sketches, &q, radius);
                assert_eq!(
                    index.any_within(&sketches, &q, radius),
                    want,
                    "{i} {radius}"
                );
                found += usize::from(want);
            }
        }
        assert!(found > 300, "the test exercises hits: {found}");
        assert!(!BandIndex::new(&[]).any_within(&[], &[0, 0], 128));
    }
}
