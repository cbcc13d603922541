//! Accumulates accepted files into a reference, from nothing or from an existing reference:
//! appending needs only the new files (sketches, hashes, the centroid's direction and length and
//! the unit count are all in the reference), so the owner never has to keep contributors' content.

use std::collections::BTreeSet;

use crate::rng::mix64;

use super::{
    normalize, passes_sample, simhash_centered, DatasetRef, Sketch, CENTER_UNITS, MAX_SKETCHES,
    MAX_UNIT_HASHES,
};

#[derive(Default)]
pub struct DatasetRefBuilder {
    files: BTreeSet<String>,
    units: BTreeSet<u64>,
    min_sample_bits: u32,
    sketches: BTreeSet<Sketch>,
    /// The sketch center once fixed; until then the first units wait in `pending`.
    center: Option<Vec<f32>>,
    pending: Vec<Vec<f32>>,
    sum: Vec<f64>,
    embedded: u64,
    model: Option<String>,
}

impl DatasetRefBuilder {
    /// Starts from `reference`: its files, hashes and sketches, and its centroid weighted by the
    /// units it was built from.
    pub fn extend(reference: &DatasetRef) -> Self {
        let centroid = reference.centroid_f32().unwrap_or_default();
        let n = reference.accepted_units;
        DatasetRefBuilder {
            files: reference.file_sha256.iter().cloned().collect(),
            units: reference.unit_hashes.iter().copied().collect(),
            min_sample_bits: reference.sample_bits,
            sketches: reference.sketches.iter().copied().collect(),
            center: Some(reference.center.clone()),
            pending: Vec::new(),
            sum: centroid
                .iter()
                .map(|c| f64::from(*c) * f64::from(reference.centroid_length) * n as f64)
                .collect(),
            embedded: n,
            model: reference.model.clone(),
        }
    }

    pub fn add_file(&mut self, sha256: &str, unit_hashes: impl Iterator<Item = u64>) {
        self.files.insert(sha256.to_owned());
        self.units.extend(unit_hashes);
    }

    /// Every unit's embedding (not a sample): each gets its sketch.
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
            match &self.center {
                Some(c) => {
                    self.sketches.insert(simhash_centered(e, c));
                }
                None => {
                    self.pending.push(e.clone());
                    if self.pending.len() >= CENTER_UNITS {
                        self.fix_center();
                    }
                }
            }
        }
    }

    /// The mean of the units seen so far becomes the center, rounded to 1e-6 so that it reads
    /// back the same from the file; the waiting units get their sketches.
    fn fix_center(&mut self) {
        let n = self.pending.len().max(1) as f64;
        let width = self.pending.first().map_or(0, Vec::len);
        let mut mean = vec![0f64; width];
        for e in &self.pending {
            mean.iter_mut()
                .zip(e)
                .for_each(|(m, x)| *m += f64::from(*x));
        }
        let center: Vec<f32> = mean
            .iter()
            .map(|m| ((m / n * 1e6).round() / 1e6) as f32)
            .collect();
        for e in std::mem::take(&mut self.pending) {
            self.sketches.insert(simhash_centered(&e, &center));
        }
        self.center = Some(center);
    }

    pub fn model(&self) -> Option<&str> {
        self.model.as_deref()
    }

    pub fn build(mut self) -> DatasetRef {
        if self.center.is_none() {
            self.fix_center();
        }
        let mut bits = self.min_sample_bits;
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
            .copied()
            .filter(|h| passes_sample(*h, bits))
            .collect();
        let (centroid, centroid_length) = if self.embedded == 0 {
            (Vec::new(), 0.0)
        } else {
            let n = self.embedded as f64;
            let length = self.sum.iter().map(|s| (s / n).powi(2)).sum::<f64>().sqrt();
            let v = normalize(self.sum.iter().map(|s| *s as f32).collect());
            let q = v
                .iter()
                .map(|x| (x * 127.0).round().clamp(-127.0, 127.0) as i8)
                .collect();
            // Rounded so that the value reads back the same from any writer.
            (q, ((length.min(1.0) * 1e6).round() / 1e6) as f32)
        };
        let mut sketches: Vec<Sketch> = self.sketches.into_iter().collect();
        if sketches.len() > MAX_SKETCHES {
            // A fixed pseudo-random subset, the same whatever order the files came in.
            sketches.sort_by_key(|s| (mix64(s[0] ^ mix64(s[1])), *s));
            sketches.truncate(MAX_SKETCHES);
            sketches.sort_unstable();
        }
        let file_sha256: Vec<String> = self.files.into_iter().collect();
        DatasetRef {
            files: file_sha256.len() as u64,
            file_sha256,
            sample_bits: bits,
            unit_hashes,
            model: self.model,
            accepted_units: self.embedded.max(sketches.len() as u64),
            sketches,
            centroid,
            centroid_length,
            center: self.center.unwrap_or_default(),
            format_version: 2,
            index: Default::default(),
        }
        .with_index()
    }
}
