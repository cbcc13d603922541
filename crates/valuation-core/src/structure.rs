//! Structure of tables and JSON records: parse rate, type consistency, missing cells, constant
//! columns, duplicate rows and label imbalance. JSON records are flattened to key paths, so both
//! formats share one set of column statistics.

use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, HashSet};
use xxhash_rust::xxh3::Xxh3;

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

fn is_missing(cell: &str) -> bool {
    matches!(
        cell.trim().to_ascii_lowercase().as_str(),
        "" | "na" | "n/a" | "nan" | "null" | "none" | "-" | "?" | "nil"
    )
}

fn cell_type(cell: &str) -> CellType {
    let c = cell.trim();
    let digits = c.strip_prefix(['-', '+']).unwrap_or(c);
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        CellType::Integer
    } else if c.parse::<f64>().is_ok_and(f64::is_finite) {
        CellType::Float
    } else if matches!(
        c.to_ascii_lowercase().as_str(),
        "true" | "false" | "yes" | "no"
    ) {
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
    types: BTreeMap<CellType, u64>,
    distinct: BTreeMap<String, u64>,
    distinct_overflow: bool,
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
    row_hashes: HashSet<u64>,
    duplicate_rows: u64,
    pub columns_truncated: bool,
    header_pending: bool,
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
        let mut s = StructureStats::default();
        s.header_pending = names.iter().any(|n| !n.starts_with("column_"));
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
    pub fn table_row<'a>(&mut self, width: usize, fields: impl Iterator<Item = &'a str>) {
        let expected = *self.width.get_or_insert(width);
        self.ragged_rows += u64::from(width != expected);
        let mut cells = Vec::with_capacity(width.min(MAX_COLUMNS));
        for (i, f) in fields.enumerate().take(MAX_COLUMNS) {
            let name = self
                .names
                .get(i)
                .cloned()
                .unwrap_or_else(|| format!("column_{}", i + 1));
            cells.push((name, f));
        }
        self.columns_truncated |= width > MAX_COLUMNS;
        self.record(cells.iter().map(|(n, f)| (n.as_str(), *f)));
    }

    /// A keyed record (JSON): absent keys count as missing cells.
    pub fn record<'a>(&mut self, cells: impl Iterator<Item = (&'a str, &'a str)>) {
        self.rows += 1;
        let mut hasher = Xxh3::new();
        let mut seen = vec![false; self.columns.len()];
        for (name, value) in cells {
            hasher.update(name.as_bytes());
            hasher.update(&[0x1f]);
            hasher.update(value.as_bytes());
            hasher.update(&[0x1e]);
            let Some(i) = self.column_index(name) else {
                continue;
            };
            if i >= seen.len() {
                seen.resize(i + 1, false);
                // A key first seen now was missing from every earlier record.
                self.columns[i].missing = self.rows - 1;
            }
            if std::mem::replace(&mut seen[i], true) {
                continue;
            }
            let col = &mut self.columns[i];
            if is_missing(value) {
                col.missing += 1;
                continue;
            }
            col.present += 1;
            *col.types.entry(cell_type(value)).or_default() += 1;
            if !col.distinct_overflow {
                let v: String = value.trim().chars().take(64).collect();
                if col.distinct.len() < MAX_DISTINCT || col.distinct.contains_key(&v) {
                    *col.distinct.entry(v).or_default() += 1;
                } else {
                    col.distinct_overflow = true;
                }
            }
        }
        for (i, s) in seen.iter().enumerate() {
            if !s {
                self.columns[i].missing += 1;
            }
        }
        if !self.row_hashes.insert(hasher.digest()) {
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
            .map(|c| *c.types.values().max().unwrap_or(&0) as f64 / c.present as f64)
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
