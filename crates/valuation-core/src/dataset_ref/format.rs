//! Format 2 on disk, little-endian:
//!
//! ```text
//! MAGIC (8 bytes) | header length n (u32) | header: n bytes of JSON |
//! unit hashes (u64 each) | sketches (two u64 each)
//! ```
//!
//! The header names the format, the model, the counts and the file hashes; the lists follow as
//! raw words, sorted and without repeats. Every count, length, order and bound is checked before
//! anything is used: a truncated, oversized or reordered file is `invalid_dataset_ref`.

use serde::{Deserialize, Serialize};

use super::{
    invalid, passes_sample, strictly_increasing, DatasetRef, DatasetRefError, Sketch, MAX_SKETCHES,
    MAX_UNIT_HASHES, SKETCH_BITS,
};

pub const MAGIC: &[u8; 8] = b"\x89DUREF2\n";
pub const FORMAT: &str = "dataunion-dataset-ref/2";
/// A file hash list of a million files is 67 MB of JSON; nothing legitimate is larger.
const MAX_HEADER: usize = 96 << 20;
const MAX_CENTROID: usize = 4096;

#[derive(Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    format: String,
    model: Option<String>,
    sketch_bits: u32,
    files: u64,
    accepted_units: u64,
    sample_bits: u32,
    unit_hashes: u64,
    sketches: u64,
    centroid: Vec<i8>,
    centroid_length: f32,
    center: Vec<f32>,
    file_sha256: Vec<String>,
}

pub fn write(r: &DatasetRef) -> Vec<u8> {
    let header = Header {
        format: FORMAT.into(),
        model: r.model.clone(),
        sketch_bits: SKETCH_BITS,
        files: r.files,
        accepted_units: r.accepted_units,
        sample_bits: r.sample_bits,
        unit_hashes: r.unit_hashes.len() as u64,
        sketches: r.sketches.len() as u64,
        centroid: r.centroid.clone(),
        centroid_length: r.centroid_length,
        center: r.center.clone(),
        file_sha256: r.file_sha256.clone(),
    };
    let json = serde_json::to_vec(&header).expect("plain JSON");
    let mut out =
        Vec::with_capacity(12 + json.len() + 8 * r.unit_hashes.len() + 16 * r.sketches.len());
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&(json.len() as u32).to_le_bytes());
    out.extend_from_slice(&json);
    for h in &r.unit_hashes {
        out.extend_from_slice(&h.to_le_bytes());
    }
    for s in &r.sketches {
        out.extend_from_slice(&s[0].to_le_bytes());
        out.extend_from_slice(&s[1].to_le_bytes());
    }
    out
}

fn u64_at(b: &[u8], at: usize) -> u64 {
    u64::from_le_bytes(b[at..at + 8].try_into().expect("8 bytes"))
}

pub fn read(bytes: &[u8]) -> Result<DatasetRef, DatasetRefError> {
    let rest = &bytes[MAGIC.len()..];
    if rest.len() < 4 {
        return invalid("truncated before its header");
    }
    let n = u32::from_le_bytes(rest[..4].try_into().expect("4 bytes")) as usize;
    if n > MAX_HEADER {
        return invalid(format!(
            "a header of {n} bytes is over the {MAX_HEADER}-byte bound"
        ));
    }
    let Some(json) = rest.get(4..4 + n) else {
        return invalid("truncated inside its header");
    };
    let h: Header = serde_json::from_slice(json).or_else(|e| invalid(format!("header: {e}")))?;
    if h.format != FORMAT {
        return invalid(format!(
            "unknown format {:?} (this version reads {FORMAT} and format 1)",
            h.format
        ));
    }
    if h.sketch_bits != SKETCH_BITS {
        return invalid(format!(
            "sketches of {} bits; this version compares {SKETCH_BITS}-bit sketches: rebuild with `valuation dataset-ref`",
            h.sketch_bits
        ));
    }
    if h.unit_hashes > MAX_UNIT_HASHES as u64 || h.sketches > MAX_SKETCHES as u64 {
        return invalid(format!(
            "{} unit hashes and {} sketches exceed the bounds ({MAX_UNIT_HASHES}, {MAX_SKETCHES})",
            h.unit_hashes, h.sketches
        ));
    }
    if h.sample_bits > 63
        || h.centroid.len() > MAX_CENTROID
        || !(0.0..=1.0).contains(&h.centroid_length)
        || h.center.len() > MAX_CENTROID
        || !h.center.iter().all(|c| c.is_finite() && c.abs() <= 1.0)
    {
        return invalid(
            "sample_bits over 63, an oversized centroid or center, or values outside their range",
        );
    }
    if h.files != h.file_sha256.len() as u64 || h.accepted_units < h.sketches {
        return invalid("its counts disagree (files vs file hashes, or fewer units than sketches)");
    }
    if !h
        .file_sha256
        .iter()
        .all(|s| s.len() == 64 && s.bytes().all(|b| matches!(b, b'0'..=b'9' | b'a'..=b'f')))
        || !strictly_increasing(&h.file_sha256)
    {
        return invalid("file hashes must be sorted, distinct, 64 lower-case hex digits");
    }
    let body = &rest[4 + n..];
    let (hashes, sketches) = (h.unit_hashes as usize, h.sketches as usize);
    let expected = 8 * hashes + 16 * sketches;
    if body.len() != expected {
        return invalid(format!(
            "{} bytes after the header where its counts need {expected} (truncated or padded)",
            body.len()
        ));
    }
    let unit_hashes: Vec<u64> = (0..hashes).map(|i| u64_at(body, 8 * i)).collect();
    let base = 8 * hashes;
    let sketch_list: Vec<Sketch> = (0..sketches)
        .map(|i| [u64_at(body, base + 16 * i), u64_at(body, base + 16 * i + 8)])
        .collect();
    if !strictly_increasing(&unit_hashes) || !strictly_increasing(&sketch_list) {
        return invalid("unit hashes and sketches must be sorted and distinct");
    }
    if !unit_hashes.iter().all(|u| passes_sample(*u, h.sample_bits)) {
        return invalid("a unit hash that its sample_bits would have dropped");
    }
    Ok(DatasetRef {
        files: h.files,
        file_sha256: h.file_sha256,
        sample_bits: h.sample_bits,
        unit_hashes,
        model: h.model,
        accepted_units: h.accepted_units,
        sketches: sketch_list,
        centroid: h.centroid,
        centroid_length: h.centroid_length,
        center: h.center,
        format_version: 2,
        index: Default::default(),
    }
    .with_index())
}
