//! Format 1 (JSON, before paraphrase-level novelty): read so that existing references keep
//! working. Its 256-bit sketches cover only the 128 sampled units of each accepted file; their
//! first 128 bits are format 2's sketch of the same unit, so they are compared the same way.
//! Rebuilding with `valuation dataset-ref` sketches every unit.

use serde::Deserialize;

use super::{invalid, passes_sample, DatasetRef, DatasetRefError, Sketch, MAX_SKETCHES};

pub const FORMAT_1: &str = "dataunion-dataset-ref/1";

#[derive(Deserialize)]
struct V1 {
    file_sha256: Vec<String>,
    sample_bits: u32,
    /// 16 hex digits per hash.
    unit_hashes: String,
    model: Option<String>,
    /// 64 hex digits each.
    sketches: Vec<String>,
    centroid: Vec<i8>,
}

#[derive(Deserialize)]
struct Probe {
    format: Option<String>,
}

pub fn read(bytes: &[u8]) -> Result<DatasetRef, DatasetRefError> {
    let probe: Probe = serde_json::from_slice(bytes).or_else(|e| invalid(e.to_string()))?;
    if probe.format.as_deref() != Some(FORMAT_1) {
        return invalid(format!(
            "JSON with format {:?}, not a dataset reference this version reads ({FORMAT_1} or the binary format 2): rebuild it with `valuation dataset-ref`",
            probe.format.as_deref().unwrap_or("(none)")
        ));
    }
    let r: V1 = serde_json::from_slice(bytes).or_else(|e| invalid(e.to_string()))?;
    let hex = |s: &str| s.bytes().all(|b| b.is_ascii_hexdigit());
    if r.unit_hashes.len() % 16 != 0 || !hex(&r.unit_hashes) || r.sample_bits > 63 {
        return invalid("unit_hashes must be 16-digit hex values");
    }
    if r.sketches.len() > MAX_SKETCHES || r.sketches.iter().any(|s| s.len() != 64 || !hex(s)) {
        return invalid("sketches must be 64-digit hex values");
    }
    let word = |s: &str, i: usize| u64::from_str_radix(&s[i * 16..i * 16 + 16], 16).unwrap_or(0);
    let mut unit_hashes: Vec<u64> = (0..r.unit_hashes.len() / 16)
        .map(|i| word(&r.unit_hashes, i))
        .filter(|h| passes_sample(*h, r.sample_bits))
        .collect();
    unit_hashes.sort_unstable();
    unit_hashes.dedup();
    let mut sketches: Vec<Sketch> = r
        .sketches
        .iter()
        .map(|s| [word(s, 0), word(s, 1)])
        .collect();
    sketches.sort_unstable();
    sketches.dedup();
    let mut file_sha256: Vec<String> = r
        .file_sha256
        .iter()
        .map(|h| h.to_ascii_lowercase())
        .collect();
    if file_sha256.iter().any(|h| h.len() != 64 || !hex(h)) || r.centroid.len() > 4096 {
        return invalid("file hashes must be 64 hex digits, and the centroid at most 4096 values");
    }
    file_sha256.sort();
    file_sha256.dedup();
    Ok(DatasetRef {
        files: file_sha256.len() as u64,
        file_sha256,
        sample_bits: r.sample_bits,
        unit_hashes,
        model: r.model,
        accepted_units: sketches.len() as u64,
        sketches,
        centroid: r.centroid,
        // Unknown in format 1: appended units then weigh as if the sampled ones agreed fully.
        centroid_length: 1.0,
        center: Vec::new(),
        format_version: 1,
        index: Default::default(),
    }
    .with_index())
}
