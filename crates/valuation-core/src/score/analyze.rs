//! The whole-file pass: one read of the text for hashes, peer heuristics, structure, PII and the
//! content-defined unit sample. No model here; its cost is linear in the file size.

use super::report::FileInfo;
use crate::coherence::{self, Coherence};
use crate::heuristics::{
    c4, c4::C4, fineweb, fineweb::FineWeb, gopher_quality, gopher_quality::GopherQuality,
};
use crate::heuristics::{gopher_repetition, gopher_repetition::GopherRepetition};
use crate::intake::{intake, json, rows, FileKind, IntakeError};
use crate::pii::{self, PiiCounts};
use crate::structure::{Structure, StructureStats, MAX_COLUMNS};
use crate::units::{
    prose_units, truncate_chars, unit_hash, Normalizer, UnitSampler, MAX_UNIT_CHARS,
};
use std::borrow::Cow;

/// Prose heuristics run on at most this much text; longer files on a content-defined sample of
/// windows, so cost and memory stay bounded and the contributor cannot choose the windows.
pub const MAX_MEASURED_BYTES: usize = 256 * 1024;
const WINDOW_BYTES: usize = 16 * 1024;

pub struct ProseMeasures {
    pub measured_chars: u64,
    pub gopher: GopherQuality,
    pub repetition: GopherRepetition,
    pub c4: C4,
    pub fineweb: FineWeb,
    pub coherence: Coherence,
}

pub struct TableMeasures {
    pub structure: Structure,
    pub parse_error: Option<String>,
}

pub struct Analysis {
    pub file: FileInfo,
    pub sample: Vec<(u64, String)>,
    /// Every distinct unit hash, increasing.
    pub unit_hashes: Vec<u64>,
    pub prose: Option<ProseMeasures>,
    pub table: Option<TableMeasures>,
    pub pii: PiiCounts,
}

/// `sha256`: the file's digest when the host has it already (else it is computed here).
pub fn analyze(
    bytes: &[u8],
    max_bytes: u64,
    sample_size: usize,
    sha256: Option<String>,
) -> Result<Analysis, IntakeError> {
    let input = intake(bytes, max_bytes)?;
    let text: &str = &input.text;
    let mut sampler = UnitSampler::new(sample_size);
    let mut normalizer = Normalizer::default();
    let (mut prose, mut tabular) = (None, None);
    match input.kind {
        FileKind::Text | FileKind::Markdown => {
            let cleaned = if input.kind == FileKind::Markdown {
                Cow::Owned(strip_markdown(text))
            } else {
                Cow::Borrowed(text)
            };
            prose_units(&cleaned, |unit, normalized| {
                sampler.push(normalized, || unit.render());
            });
            prose = Some(measure_prose(&measured_text(&cleaned)));
        }
        FileKind::Csv | FileKind::Tsv => {
            tabular = Some(read_table(
                text,
                input.delimiter.unwrap_or(b','),
                &mut sampler,
                &mut normalizer,
            ))
        }
        FileKind::Json | FileKind::Jsonl => {
            tabular = Some(read_json(text, input.kind, &mut sampler, &mut normalizer))
        }
    }
    let pii = pii::scan(text);
    let units = sampler.finish();
    let (sample, unit_hashes) = (units.sample, units.hashes);
    let file = FileInfo {
        sha256: sha256.unwrap_or_else(|| crate::embed::sha256_hex(bytes)),
        size: bytes.len() as u64,
        kind: input.kind,
        encoding: input.encoding,
        invalid_bytes: input.invalid_bytes as u64,
        chars: if input.ascii {
            text.len()
        } else {
            text.chars().count()
        } as u64,
        units: units.units,
        duplicate_units: units.duplicates,
        sampled_units: sample.len() as u64,
    };
    Ok(Analysis {
        file,
        sample,
        unit_hashes,
        prose,
        table: tabular,
        pii,
    })
}

fn measure_prose(text: &str) -> ProseMeasures {
    let words = crate::text::split_words(text);
    ProseMeasures {
        measured_chars: text.chars().count() as u64,
        gopher: gopher_quality::measure_tokens(text, &words),
        repetition: gopher_repetition::measure_tokens(text, &words),
        c4: c4::measure(text),
        fineweb: fineweb::measure_tokens(text, &words),
        coherence: coherence::measure(text),
    }
}

/// The text itself when short; else the windows (paragraph-aligned) with the lowest hashes,
/// in file order.
fn measured_text(text: &str) -> String {
    if text.len() <= MAX_MEASURED_BYTES {
        return text.to_owned();
    }
    let mut windows: Vec<(usize, &str)> = Vec::new();
    let mut start = 0;
    while start < text.len() {
        let mut end = (start + WINDOW_BYTES).min(text.len());
        while !text.is_char_boundary(end) {
            end += 1;
        }
        if end < text.len() {
            end = text[end..]
                .find("\n\n")
                .map_or(text.len(), |i| end + i + 2)
                .min(start + 4 * WINDOW_BYTES)
                .max(end);
            while !text.is_char_boundary(end) {
                end += 1;
            }
        }
        windows.push((start, &text[start..end]));
        start = end;
    }
    let keep = MAX_MEASURED_BYTES / WINDOW_BYTES;
    let mut ranked: Vec<(u64, usize, &str)> = windows
        .iter()
        .map(|(s, w)| (unit_hash(w.as_bytes()), *s, *w))
        .collect();
    ranked.sort();
    ranked.truncate(keep);
    ranked.sort_by_key(|(_, s, _)| *s);
    ranked
        .iter()
        .map(|(_, _, w)| *w)
        .collect::<Vec<_>>()
        .join("\n\n")
}

/// Code blocks and heading marks are Markdown syntax, not prose: the peer rules would count `#`.
fn strip_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut in_fence = false;
    for line in text.split('\n') {
        if line.trim_start().starts_with("```") {
            in_fence = !in_fence;
            continue;
        }
        if !in_fence {
            out.push_str(line.trim_start_matches('#').trim_start_matches(' '));
            out.push('\n');
        }
    }
    out
}

fn read_table(
    text: &str,
    delimiter: u8,
    sampler: &mut UnitSampler,
    normalizer: &mut Normalizer,
) -> TableMeasures {
    let mut stats: Option<StructureStats> = None;
    let mut names: Vec<String> = Vec::new();
    rows::read_rows(text, delimiter, |record| {
        let stats = stats.get_or_insert_with(|| {
            let header = record
                .iter()
                .all(|c| !c.trim().is_empty() && c.trim().parse::<f64>().is_err());
            names = if header {
                record
                    .iter()
                    .take(MAX_COLUMNS)
                    .map(|c| c.trim().to_owned())
                    .collect()
            } else {
                (1..=record.len().min(MAX_COLUMNS))
                    .map(|i| format!("column_{i}"))
                    .collect()
            };
            StructureStats::with_header(names.clone())
        });
        if stats.header_pending() {
            stats.consume_header();
            return;
        }
        table_row(stats, &names, sampler, normalizer, record);
    });
    let mut stats = stats.unwrap_or_default();
    TableMeasures {
        // The reader finds a parse of any text: no record is unparsed; ragged rows are what
        // lowers the parse rate.
        structure: stats.finish(0),
        parse_error: None,
    }
}

/// One data row: its statistics and its unit. A function of its own, called per row, so that
/// V8 optimises it during the first file (it compiles a wasm function with its optimising tier
/// only for later calls).
#[inline(never)]
fn table_row(
    stats: &mut StructureStats,
    names: &[String],
    sampler: &mut UnitSampler,
    normalizer: &mut Normalizer,
    record: &rows::Record<'_>,
) {
    stats.table_row(record);
    // The unit's normal form is that of its cells joined by spaces. A line without quotes has
    // the same one (`Record::line`), normalised in one go rather than cell by cell.
    normalizer.clear();
    match record.line() {
        Some(line) => normalizer.push(line),
        None => {
            for (i, cell) in record.iter().enumerate() {
                if i > 0 {
                    normalizer.gap();
                }
                normalizer.push(cell);
            }
        }
    }
    sampler.push(normalizer.as_bytes(), || {
        let mut s = String::new();
        for (i, cell) in record.iter().enumerate() {
            if s.len() > MAX_UNIT_CHARS {
                break;
            }
            let name = names.get(i).map_or("", String::as_str);
            s.push_str(&format!(
                "{}{name}: {}",
                if i > 0 { " | " } else { "" },
                cell.trim()
            ));
        }
        truncate_chars(&mut s, MAX_UNIT_CHARS);
        s
    });
}

fn read_json(
    text: &str,
    kind: FileKind,
    sampler: &mut UnitSampler,
    normalizer: &mut Normalizer,
) -> TableMeasures {
    let mut stats = StructureStats::default();
    let parsed = json::read_records(text, kind, |value| {
        let leaves = json::flatten(value, MAX_COLUMNS);
        let cells: Vec<(String, String)> = leaves
            .iter()
            .map(|(k, v)| {
                (
                    k.clone(),
                    v.as_str().map_or_else(|| v.to_string(), str::to_owned),
                )
            })
            .collect();
        stats.record(cells.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        let rendered: String = cells
            .iter()
            .map(|(k, v)| format!("{k}: {v}"))
            .collect::<Vec<_>>()
            .join("; ");
        normalizer.clear();
        normalizer.push(&rendered);
        sampler.push(normalizer.as_bytes(), || {
            let mut s = rendered.clone();
            truncate_chars(&mut s, MAX_UNIT_CHARS);
            s
        });
    });
    TableMeasures {
        structure: stats.finish(parsed.unparsed as u64),
        parse_error: parsed.error,
    }
}
