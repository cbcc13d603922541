//! Structure of tables and JSON records: parse rate, type consistency, missing cells, constant
//! columns, duplicate rows and label imbalance. JSON records are flattened to key paths, so both
//! formats share one set of column statistics.

use crate::units::HashSet64;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use xxhash_rust::xxh3::xxh3_64;

/// Columns (or JSON key paths) tracked per file; wider files are measured on the first ones.
pub const MAX_COLUMNS: usize = 256;
const MAX_DISTINCT: usize = 64;
const LABEL_NAMES: [&str; 8] = [
    "label",
    "labels",
    "class",
    "category",
    "target",
    "y",
    "sentiment",
    "intent",
];

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum CellType {
    Integer,
    Float,
    Boolean,
    Date,
    Text,
}

const MISSING: [&str; 8] = ["na", "n/a", "nan", "null", "none", "-", "?", "nil"];
const BOOLEANS: [&str; 4] = ["true", "false", "yes", "no"];

/// Empty or a missing-value marker, in any ASCII case. (Every cell of a table comes here, so
/// nothing is allocated.)
fn is_missing(cell: &str) -> bool {
    let c = cell.trim();
    c.is_empty() || c.len() <= 4 && MISSING.iter().any(|m| c.eq_ignore_ascii_case(m))
}

/// Only digits, signs, a point and an exponent can spell a finite `f64` (`inf` and `nan` are not
/// finite): anything else skips the parse.
fn may_be_finite_float(c: &str) -> bool {
    c.bytes()
        .all(|b| b.is_ascii_digit() || matches!(b, b'.' | b'e' | b'E' | b'+' | b'-'))
}

fn cell_type(cell: &str) -> CellType {
    let c = cell.trim();
    let digits = c.strip_prefix(['-', '+']).unwrap_or(c);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        CellType::Integer
    } else if may_be_finite_float(c) && c.parse::<f64>().is_ok_and(f64::is_finite) {
        CellType::Float
    } else if c.len() <= 5 && BOOLEANS.iter().any(|b| c.eq_ignore_ascii_case(b)) {
        CellType::Boolean
    } else if c.len() >= 10
        && c.as_bytes()[4] == b'-'
        && c.as_bytes()[7] == b'-'
        && c[..4].bytes().all(|b| b.is_ascii_digit())
    {
        CellType::Date
    } else {
        CellType::Text
    }
}

#[derive(Default)]
struct Column {
    present: u64,
    missing: u64,
    /// Cells of each `CellType`, by its discriminant.
    types: [u64; 5],
    distinct: BTreeMap<String, u64>,
    distinct_overflow: bool,
}

impl Column {
    fn cell(&mut self, value: &str) {
        if is_missing(value) {
            self.missing += 1;
            return;
        }
        self.present += 1;
        self.types[cell_type(value) as usize] += 1;
        if self.distinct_overflow {
            return;
        }
        let v = value.trim();
        let v = v.char_indices().nth(64).map_or(v, |(end, _)| &v[..end]);
        if let Some(n) = self.distinct.get_mut(v) {
            *n += 1;
        } else if self.distinct.len() < MAX_DISTINCT {
            self.distinct.insert(v.to_owned(), 1);
        } else {
            self.distinct_overflow = true;
        }
    }
}

/// Streaming accumulator: one `row` call per record, memory bounded by columns × 64 values plus
/// one hash per distinct row.
#[derive(Default)]
pub struct StructureStats {
    names: Vec<String>,
    index: BTreeMap<String, usize>,
    columns: Vec<Column>,
    rows: u64,
    ragged_rows: u64,
    width: Option<usize>,
    row_hashes: HashSet64,
    duplicate_rows: u64,
    pub columns_truncated: bool,
    header_pending: bool,
    // Per-row scratch, reused: which columns the row had, and the bytes its hash is taken of.
    seen: Vec<bool>,
    row_bytes: Vec<u8>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Structure {
    pub rows: u64,
    pub columns: usize,
    pub parse_rate: f64,
    /// Mean over columns of the share of cells that have the column's majority type.
    pub type_consistency: f64,
    pub missing_cells: f64,
    pub constant_columns: f64,
    pub duplicate_rows: f64,
    /// `None` when no label column was found.
    pub label_column: Option<String>,
    /// Rarest class share × number of classes (1 = balanced; cleanlab flags < 0.1).
    pub label_balance: Option<f64>,
}

impl StructureStats {
    pub fn with_header(names: Vec<String>) -> Self {
        let mut s = StructureStats {
            header_pending: names.iter().any(|n| !n.starts_with("column_")),
            ..StructureStats::default()
        };
        for n in names.into_iter().take(MAX_COLUMNS) {
            s.column_index(&n);
        }
        s
    }

    fn column_index(&mut self, name: &str) -> Option<usize> {
        if let Some(&i) = self.index.get(name) {
            return Some(i);
        }
        if self.names.len() >= MAX_COLUMNS {
            self.columns_truncated = true;
            return None;
        }
        let i = self.names.len();
        self.names.push(name.to_owned());
        self.index.insert(name.to_owned(), i);
        self.columns.push(Column::default());
        Some(i)
    }

    /// True until the header row, which named the columns, has been skipped.
    pub fn header_pending(&self) -> bool {
        self.header_pending
    }

    pub fn consume_header(&mut self) {
        self.header_pending = false;
    }

    /// A positional row (CSV/TSV): `width` fields, of which the first `MAX_COLUMNS` are measured.
    /// Field `i` is the column named `names[i]`, or `column_{i+1}` past the named ones.
    pub fn table_row<'a>(&mut self, width: usize, fields: impl Iterator<Item = &'a str>) {
        let expected = *self.width.get_or_insert(width);
        self.ragged_rows += u64::from(width != expected);
        self.start_row();
        for (i, value) in fields.enumerate().take(MAX_COLUMNS) {
            if i < self.names.len() {
                // Names are registered in order: `names[i]` is column `i`.
                push_cell_bytes(&mut self.row_bytes, &self.names[i], value);
                self.cell(i, value);
            } else {
                let name = format!("column_{}", i + 1);
                push_cell_bytes(&mut self.row_bytes, &name, value);
                if let Some(c) = self.column_index(&name) {
                    self.cell(c, value);
                }
            }
        }
        self.columns_truncated |= width > MAX_COLUMNS;
        self.end_row();
    }

    /// A keyed record (JSON): absent keys count as missing cells.
    pub fn record<'a>(&mut self, cells: impl Iterator<Item = (&'a str, &'a str)>) {
        self.start_row();
        for (name, value) in cells {
            push_cell_bytes(&mut self.row_bytes, name, value);
            if let Some(c) = self.column_index(name) {
                self.cell(c, value);
            }
        }
        self.end_row();
    }

    fn start_row(&mut self) {
        self.rows += 1;
        self.row_bytes.clear();
        self.seen.clear();
        self.seen.resize(self.columns.len(), false);
    }

    /// A row's cell of column `i`; a column's second cell in one row is ignored.
    fn cell(&mut self, i: usize, value: &str) {
        if i >= self.seen.len() {
            self.seen.resize(i + 1, false);
            // A column first seen now was missing from every earlier row.
            self.columns[i].missing = self.rows - 1;
        }
        if !std::mem::replace(&mut self.seen[i], true) {
            self.columns[i].cell(value);
        }
    }

    fn end_row(&mut self) {
        for (column, seen) in self.columns.iter_mut().zip(&self.seen) {
            if !seen {
                column.missing += 1;
            }
        }
        if !self.row_hashes.insert(xxh3_64(&self.row_bytes)) {
            self.duplicate_rows += 1;
        }
    }

    pub fn finish(&self, unparsed: u64) -> Structure {
        let cols = &self.columns;
        let cells: u64 = cols.iter().map(|c| c.present + c.missing).sum();
        let missing: u64 = cols.iter().map(|c| c.missing).sum();
        let consistency: Vec<f64> = cols
            .iter()
            .filter(|c| c.present > 0)
            .map(|c| *c.types.iter().max().unwrap_or(&0) as f64 / c.present as f64)
            .collect();
        let constant = cols
            .iter()
            .filter(|c| self.rows >= 5 && !c.distinct_overflow && c.distinct.len() == 1)
            .count();
        let (label_column, label_balance) = self
            .label()
            .map_or((None, None), |(n, b)| (Some(n), Some(b)));
        let total = self.rows + unparsed;
        Structure {
            rows: self.rows,
            columns: cols.len(),
            parse_rate: if total == 0 {
                0.0
            } else {
                (self.rows - self.ragged_rows.min(self.rows)) as f64 / total as f64
            },
            type_consistency: if consistency.is_empty() {
                0.0
            } else {
                consistency.iter().sum::<f64>() / consistency.len() as f64
            },
            missing_cells: if cells == 0 {
                1.0
            } else {
                missing as f64 / cells as f64
            },
            constant_columns: if cols.is_empty() {
                0.0
            } else {
                constant as f64 / cols.len() as f64
            },
            duplicate_rows: if self.rows == 0 {
                0.0
            } else {
                self.duplicate_rows as f64 / self.rows as f64
            },
            label_column,
            label_balance,
        }
    }

    /// A column named like a label, with 2–20 classes, each seen in full.
    fn label(&self) -> Option<(String, f64)> {
        let (i, col) =
            self.names
                .iter()
                .zip(&self.columns)
                .enumerate()
                .find_map(|(i, (n, c))| {
                    let leaf = n.rsplit('.').next().unwrap_or(n).to_ascii_lowercase();
                    LABEL_NAMES.contains(&leaf.as_str()).then_some((i, c))
                })?;
        let k = col.distinct.len();
        if col.distinct_overflow || !(2..=20).contains(&k) || col.present == 0 {
            return None;
        }
        let rarest = *col.distinct.values().min()? as f64 / col.present as f64;
        Some((self.names[i].clone(), rarest * k as f64))
    }
}

/// What a row's duplicate check hashes, per cell: the column's name, 0x1f, the value, 0x1e.
fn push_cell_bytes(row: &mut Vec<u8>, name: &str, value: &str) {
    row.extend_from_slice(name.as_bytes());
    row.push(0x1f);
    row.extend_from_slice(value.as_bytes());
    row.push(0x1e);
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn measures_a_small_table() {
        let mut s = StructureStats::with_header(vec!["id".into(), "name".into(), "label".into()]);
        for row in [
            ["1", "ann", "spam"],
            ["2", "", "ham"],
            ["3", "cy", "ham"],
            ["3", "cy", "ham"],
            ["x", "di", "ham"],
        ] {
            s.table_row(3, row.into_iter());
        }
        s.table_row(2, ["6", "ed"].into_iter());
        let m = s.finish(0);
        assert_eq!((m.rows, m.columns), (6, 3));
        assert!((m.parse_rate - 5.0 / 6.0).abs() < 1e-12);
        assert!((m.missing_cells - 2.0 / 18.0).abs() < 1e-12);
        assert!((m.duplicate_rows - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!(m.label_column.as_deref(), Some("label"));
        assert!((m.label_balance.unwrap() - 2.0 * 1.0 / 5.0).abs() < 1e-12);
    }

    #[test]
    fn keyed_records_count_absent_keys_as_missing() {
        let mut s = StructureStats::default();
        s.record([("a", "1")].into_iter());
        s.record([("a", "2"), ("b", "x")].into_iter());
        let m = s.finish(0);
        assert!((m.missing_cells - 0.25).abs() < 1e-12, "{m:?}");
    }
}
