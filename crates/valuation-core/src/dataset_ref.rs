//! Content-free reference to an existing dataset, for novelty: file hashes, a sample of unit
//! hashes, SimHash sketches of unit embeddings and their centroid. Whoever holds it learns no
//! text; the server can build and serve it without keeping anyone's raw content.
//!
//! Unit hashes are kept whole up to `MAX_UNIT_HASHES`; beyond that only hashes whose top
//! `sample_bits` bits are zero are kept, and a file is compared on its units that pass the same
//! rule, so the overlap estimate stays unbiased at any dataset size.

use serde::{Deserialize, Serialize};

pub const FORMAT: &str = "dataunion-dataset-ref/1";
pub const MAX_UNIT_HASHES: usize = 1 << 20;
pub const MAX_SKETCHES: usize = 4096;
pub const SKETCH_BITS: usize = 256;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct DatasetRef {
    pub format: String,
    pub files: u64,
    /// SHA-256 of each accepted file, sorted.
    pub file_sha256: Vec<String>,
    pub sample_bits: u32,
    /// Sorted 64-bit unit hashes as one hex string (16 digits each): compact, exact in JSON.
    pub unit_hashes: String,
    pub model: Option<String>,
    /// 256-bit SimHash of sampled unit embeddings, hex, sorted.
    pub sketches: Vec<String>,
    /// Mean of the sampled unit embeddings, unit length, scaled by 127 and rounded.
    pub centroid: Vec<i8>,
}

#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error, Serialize, Deserialize)]
#[serde(tag = "code", rename_all = "snake_case")]
pub enum DatasetRefError {
    #[error("not a dataset reference: {detail}")]
    Invalid { detail: String },
}

pub fn passes_sample(hash: u64, bits: u32) -> bool {
    bits == 0 || hash >> (64 - bits.min(63)) == 0
}

impl DatasetRef {
    pub fn from_json(bytes: &[u8]) -> Result<Self, DatasetRefError> {
        let r: DatasetRef =
            serde_json::from_slice(bytes).map_err(|e| DatasetRefError::Invalid {
                detail: e.to_string(),
            })?;
        let bad = |d: &str| Err(DatasetRefError::Invalid { detail: d.into() });
        if r.format != FORMAT {
            return bad("unknown format");
        }
        if r.unit_hashes.len() % 16 != 0
            || !r.unit_hashes.bytes().all(|b| b.is_ascii_hexdigit())
            || r.sample_bits > 63
        {
            return bad("unit_hashes must be 16-digit hex values");
        }
        if r.sketches
            .iter()
            .any(|s| s.len() != SKETCH_BITS / 4 || !s.bytes().all(|b| b.is_ascii_hexdigit()))
        {
            return bad("sketches must be 64-digit hex values");
        }
        Ok(r)
    }

    pub fn unit_hash_count(&self) -> usize {
        self.unit_hashes.len() / 16
    }

    fn unit_hash_at(&self, i: usize) -> u64 {
        u64::from_str_radix(&self.unit_hashes[i * 16..i * 16 + 16], 16).unwrap_or(0)
    }

    pub fn contains_unit(&self, hash: u64) -> bool {
        let (mut lo, mut hi) = (0, self.unit_hash_count());
        while lo < hi {
            let mid = (lo + hi) / 2;
            match self.unit_hash_at(mid).cmp(&hash) {
                std::cmp::Ordering::Less => lo = mid + 1,
                std::cmp::Ordering::Greater => hi = mid,
                std::cmp::Ordering::Equal => return true,
            }
        }
        false
    }

    pub fn sketch_words(&self) -> Vec<[u64; 4]> {
        self.sketches
            .iter()
            .map(|s| {
                std::array::from_fn(|i| {
                    u64::from_str_radix(&s[i * 16..i * 16 + 16], 16).unwrap_or(0)
                })
            })
            .collect()
    }

    pub fn centroid_f32(&self) -> Option<Vec<f32>> {
        (!self.centroid.is_empty())
            .then(|| normalize(self.centroid.iter().map(|v| *v as f32).collect()))
    }
}

pub fn normalize(mut v: Vec<f32>) -> Vec<f32> {
    let n = v.iter().map(|x| x * x).sum::<f32>().sqrt();
    if n > 0.0 {
        v.iter_mut().for_each(|x| *x /= n);
    }
    v
}

/// Random-hyperplane signs, from a fixed generator: the same on every platform and run.
pub fn simhash(embedding: &[f32]) -> [u64; 4] {
    let mut state = 0x5e_ed0f_da7a_u64;
    let mut next = move || {
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    };
    let mut out = [0u64; 4];
    for bit in 0..SKETCH_BITS {
        let mut dot = 0f32;
        let mut signs = 0u64;
        for (d, x) in embedding.iter().enumerate() {
            if d % 64 == 0 {
                signs = next();
            }
            dot += if signs >> (d % 64) & 1 == 1 { *x } else { -*x };
        }
        if dot > 0.0 {
            out[bit / 64] |= 1 << (bit % 64);
        }
    }
    out
}

pub fn hamming(a: &[u64; 4], b: &[u64; 4]) -> u32 {
    a.iter().zip(b).map(|(x, y)| (x ^ y).count_ones()).sum()
}

/// Accumulates accepted files into a reference.
#[derive(Default)]
pub struct DatasetRefBuilder {
    files: Vec<String>,
    units: std::collections::BTreeSet<u64>,
    sketches: std::collections::BTreeSet<[u64; 4]>,
    sum: Vec<f64>,
    embedded: u64,
    model: Option<String>,
}

impl DatasetRefBuilder {
    pub fn add_file(&mut self, sha256: &str, unit_hashes: impl Iterator<Item = u64>) {
        self.files.push(sha256.to_owned());
        self.units.extend(unit_hashes);
    }

    pub fn add_embeddings(&mut self, model: &str, embeddings: &[Vec<f32>]) {
        self.model.get_or_insert_with(|| model.to_owned());
        for e in embeddings {
            if self.sum.len() < e.len() {
                self.sum.resize(e.len(), 0.0);
            }
            self.sum
                .iter_mut()
                .zip(e)
                .for_each(|(s, x)| *s += f64::from(*x));
            self.embedded += 1;
            self.sketches.insert(simhash(e));
        }
    }

    pub fn build(mut self) -> DatasetRef {
        let mut bits = 0;
        while self
            .units
            .iter()
            .filter(|h| passes_sample(**h, bits))
            .count()
            > MAX_UNIT_HASHES
        {
            bits += 1;
        }
        let unit_hashes = self
            .units
            .iter()
            .filter(|h| passes_sample(**h, bits))
            .map(|h| format!("{h:016x}"))
            .collect();
        let centroid = if self.embedded == 0 {
            Vec::new()
        } else {
            let v = normalize(
                self.sum
                    .iter()
                    .map(|s| (*s / self.embedded as f64) as f32)
                    .collect(),
            );
            v.iter()
                .map(|x| (x * 127.0).round().clamp(-127.0, 127.0) as i8)
                .collect()
        };
        self.files.sort();
        self.files.dedup();
        DatasetRef {
            format: FORMAT.into(),
            files: self.files.len() as u64,
            file_sha256: self.files,
            sample_bits: bits,
            unit_hashes,
            model: self.model,
            sketches: self
                .sketches
                .iter()
                .take(MAX_SKETCHES)
                .map(|s| s.iter().map(|w| format!("{w:016x}")).collect())
                .collect(),
            centroid,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn round_trips_and_finds_units() {
        let mut b = DatasetRefBuilder::default();
        b.add_file("ab", [5u64, 1, 9].into_iter());
        b.add_embeddings("m", &[vec![1.0, 0.0], vec![0.0, 1.0]]);
        let r = b.build();
        let back = DatasetRef::from_json(&serde_json::to_vec(&r).unwrap()).unwrap();
        assert!(back.contains_unit(9) && back.contains_unit(1) && !back.contains_unit(2));
        assert_eq!(back.sketches.len(), 2);
        assert!(DatasetRef::from_json(b"{}").is_err());
    }

    #[test]
    fn simhash_tracks_angle() {
        let a = normalize((0..384).map(|i| (i as f32).sin()).collect());
        let b = normalize(
            a.iter()
                .enumerate()
                .map(|(i, x)| x + 0.01 * (i as f32).cos())
                .collect(),
        );
        let c = normalize((0..384).map(|i| (i as f32 * 0.7).cos()).collect());
        assert!(hamming(&simhash(&a), &simhash(&b)) < 30);
        assert!(hamming(&simhash(&a), &simhash(&c)) > 80);
    }
}
