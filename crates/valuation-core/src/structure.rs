//! Structure of tables and JSON records: parse rate, type consistency, missing cells, constant
//! columns, duplicate rows and label imbalance. JSON records are flattened to key paths, so both
//! formats share one set of column statistics.

use crate::units::{DistinctHashes, HashMap64};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
// These hashes only count (distinct values, duplicate rows): any good 64-bit hash would do, and
// this XXH3 is the fastest here on short inputs, wasm included (see `crate::hash`).
use crate::hash::xxh3_64;

use crate::intake::rows::Record;

/// The seed of a positional row's hash when it is of its fields joined by the delimiter; the
/// length-prefixed spelling uses 0, so the two spellings never meet but by a 64-bit collision.
const JOINED_ROW_SEED: u64 = 0x6a6f_696e_6564; // "joined"

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

/// `str::trim`, without its char-by-char look at both ends when they are printable ASCII (most
/// cells: this runs on every cell of a table).
fn trim(v: &str) -> &str {
    match (v.as_bytes().first(), v.as_bytes().last()) {
        (Some(first), Some(last)) if first.is_ascii_graphic() && last.is_ascii_graphic() => v,
        _ => v.trim(),
    }
}

/// Empty or a missing-value marker, in any ASCII case; `c` is trimmed. (Every cell of a table
/// comes here, so nothing is allocated.)
fn is_missing(c: &str) -> bool {
    // Every marker starts with `n`, `N`, `-` or `?` (`| 0x20` lowercases a letter and keeps
    // `-` and `?`): other short cells skip the comparisons.
    c.is_empty()
        || c.len() <= 4
            && matches!(c.as_bytes()[0] | 0x20, b'n' | b'-' | b'?')
            && MISSING.iter().any(|m| c.eq_ignore_ascii_case(m))
}

/// Only digits, a point, an exponent and signs (first, or after the exponent's `e`) can spell a
/// finite `f64` (`inf` and `nan` are not finite): anything else skips the parse. Dates such as
/// `2026-5-25` were a parse each.
fn may_be_finite_float(c: &str) -> bool {
    let b = c.as_bytes();
    b.iter().enumerate().all(|(i, &x)| match x {
        b'0'..=b'9' | b'.' | b'e' | b'E' => true,
        b'+' | b'-' => i == 0 || matches!(b[i - 1], b'e' | b'E'),
        _ => false,
    })
}

/// Digits, then the point at `point` (the first non-digit), then digits: what most decimal cells
/// look like. No more than 300 digits can spell a value too large to be finite, so no parse is
/// needed.
fn is_plain_decimal(unsigned: &[u8], point: usize) -> bool {
    unsigned.len() <= 300
        && unsigned.len() > 1
        && unsigned[point + 1..].iter().all(u8::is_ascii_digit)
}

/// The type of a trimmed cell.
fn cell_type(c: &str) -> CellType {
    // A letter first rules out a number (`e5`, `inf`, `nan` are no finite `f64`) and a date:
    // most text cells are decided here.
    if c.as_bytes().first().is_some_and(u8::is_ascii_alphabetic) {
        return if c.len() <= 5 && BOOLEANS.iter().any(|b| c.eq_ignore_ascii_case(b)) {
            CellType::Boolean
        } else {
            CellType::Text
        };
    }
    let digits = match c.as_bytes().first() {
        Some(b'-' | b'+') => &c.as_bytes()[1..],
        _ => c.as_bytes(),
    };
    // One scan to the first non-digit decides integers and plain decimals (most number cells);
    // the rest goes on to the float parse, then booleans and dates.
    let lead = digits.iter().position(|b| !b.is_ascii_digit());
    if lead.is_none() && !digits.is_empty() {
        CellType::Integer
    } else if lead.is_some_and(|p| digits[p] == b'.' && is_plain_decimal(digits, p))
        || may_be_finite_float(c) && c.parse::<f64>().is_ok_and(f64::is_finite)
    {
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
    /// Cells per distinct value (by its hash: only the counts are read), up to `MAX_DISTINCT`.
    distinct: HashMap64<u64>,
    distinct_overflow: bool,
}

impl Column {
    fn cell(&mut self, value: &str) {
        let v = trim(value);
        if is_missing(v) {
            self.missing += 1;
            return;
        }
        self.present += 1;
        self.types[cell_type(v) as usize] += 1;
        if self.distinct_overflow {
            return;
        }
        // Values compare on their first 64 characters (at most 64 bytes hold at most 64 chars).
        let v = match v.len() > 64 {
            true => v.char_indices().nth(64).map_or(v, |(end, _)| &v[..end]),
            false => v,
        };
        let key = xxh3_64(v.as_bytes(), 0);
        if let Some(n) = self.distinct.get_mut(&key) {
            *n += 1;
        } else if self.distinct.len() < MAX_DISTINCT {
            self.distinct.insert(key, 1);
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
    row_hashes: DistinctHashes,
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

    /// A positional row (CSV/TSV), of which the first `MAX_COLUMNS` fields are measured.
    /// Field `i` is the column named `names[i]`, or `column_{i+1}` past the named ones.
    pub fn table_row(&mut self, record: &Record<'_>) {
        let fields = record.iter();
        let width = fields.len();
        let expected = *self.width.get_or_insert(width);
        self.ragged_rows += u64::from(width != expected);
        let hash = self.positional_row_hash(record, width);
        if width <= self.names.len() {
            // Every field has its own registered column (`names[i]` is column `i`), so no
            // bookkeeping of which columns the row had: those past its end are missing.
            self.rows += 1;
            for (column, value) in self.columns.iter_mut().zip(fields) {
                column.cell(value);
            }
            for column in &mut self.columns[width..] {
                column.missing += 1;
            }
            self.row_hashes.push(hash);
            return;
        }
        self.start_row();
        for (i, value) in record.iter().enumerate().take(MAX_COLUMNS) {
            if i < self.names.len() {
                // Names are registered in order: `names[i]` is column `i`.
                self.cell(i, value);
            } else {
                let name = format!("column_{}", i + 1);
                if let Some(c) = self.column_index(&name) {
                    self.cell(c, value);
                }
            }
        }
        self.columns_truncated |= width > MAX_COLUMNS;
        self.end_row(hash);
    }

    /// What tells positional rows apart for the duplicate count: the values of their first
    /// `MAX_COLUMNS` fields, in order, however they were quoted. Hashed as the fields joined by
    /// the delimiter where that spelling is unambiguous (no field holds the delimiter, and no
    /// field is left out): for a line without quotes that is its own text, hashed in place.
    /// Otherwise each field after its length, under another seed.
    fn positional_row_hash(&mut self, record: &Record<'_>, width: usize) -> u64 {
        if width <= MAX_COLUMNS {
            if let Some(line) = record.line() {
                return xxh3_64(line.as_bytes(), JOINED_ROW_SEED);
            }
            // Joined in one pass over the fields, given up at a field holding the delimiter.
            let delimiter = record.delimiter();
            self.row_bytes.clear();
            let mut ambiguous = false;
            for (i, field) in record.iter().enumerate() {
                if field.as_bytes().contains(&delimiter) {
                    ambiguous = true;
                    break;
                }
                if i > 0 {
                    self.row_bytes.push(delimiter);
                }
                self.row_bytes.extend_from_slice(field.as_bytes());
            }
            if !ambiguous {
                return xxh3_64(&self.row_bytes, JOINED_ROW_SEED);
            }
        }
        self.row_bytes.clear();
        for field in record.iter().take(MAX_COLUMNS) {
            push_field_bytes(&mut self.row_bytes, field);
        }
        xxh3_64(&self.row_bytes, 0)
    }

    /// A keyed record (JSON): absent keys count as missing cells.
    pub fn record<'a>(&mut self, cells: impl Iterator<Item = (&'a str, &'a str)>) {
        self.start_row();
        self.row_bytes.clear();
        for (name, value) in cells {
            push_cell_bytes(&mut self.row_bytes, name, value);
            if let Some(c) = self.column_index(name) {
                self.cell(c, value);
            }
        }
        let hash = xxh3_64(&self.row_bytes, 0);
        self.end_row(hash);
    }

    fn start_row(&mut self) {
        self.rows += 1;
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

    fn end_row(&mut self, hash: u64) {
        for (column, seen) in self.columns.iter_mut().zip(&self.seen) {
            if !seen {
                column.missing += 1;
            }
        }
        self.row_hashes.push(hash);
    }

    pub fn finish(&mut self, unparsed: u64) -> Structure {
        let duplicate_rows = self.row_hashes.pushed() - self.row_hashes.distinct();
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
                duplicate_rows as f64 / self.rows as f64
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

/// What a record's duplicate check hashes, per cell: its key and value, each after its length
/// (no separator byte a value could contain makes two records look alike).
fn push_cell_bytes(row: &mut Vec<u8>, name: &str, value: &str) {
    push_field_bytes(row, name);
    push_field_bytes(row, value);
}

/// A positional row's field, for its duplicate check: its length, then its bytes.
fn push_field_bytes(row: &mut Vec<u8>, value: &str) {
    row.extend_from_slice(&(value.len() as u64).to_le_bytes());
    row.extend_from_slice(value.as_bytes());
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The cell type as it was written before the decimal fast path: the parse decides.
    fn cell_type_reference(cell: &str) -> CellType {
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

    #[test]
    fn cell_types_match_the_reference() {
        let mut cells: Vec<String> = [
            "",
            " ",
            "1",
            "-1",
            "+1",
            "1.",
            ".5",
            "-.5",
            "+.5",
            ".",
            "-.",
            "+",
            "-",
            "1.2.3",
            "1e5",
            "1E-5",
            "1e400",
            "-1e400",
            "inf",
            "NaN",
            "1..2",
            " 3.25 ",
            "0.0",
            "00.00",
            "1,5",
            "2026-01-02",
            "2026-5-25",
            "infinity",
            "E5",
            "e-5",
            "Yes.",
            "1e+5",
            "-1.5E-07",
            "true",
            "Yes",
            "abc",
            "1.5x",
            "\u{661}.\u{665}",
            "1.5\u{a0}",
            "--1.5",
            "\u{2003}7\u{85}",
            "\t1\r\n",
            "\u{1}",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Around the length past which a plain decimal could overflow to infinity.
        for digits in [298, 299, 300, 308, 309, 310, 400] {
            cells.push(format!("{}.5", "9".repeat(digits)));
            cells.push(format!("-{}.", "9".repeat(digits)));
        }
        // Every string of up to four characters over the ones that matter.
        let alphabet = ["1", "0", ".", "-", "+", "e", "E", " ", "x"];
        let mut frontier = vec![String::new()];
        for _ in 0..4 {
            frontier = frontier
                .iter()
                .flat_map(|p| alphabet.iter().map(move |c| format!("{p}{c}")))
                .collect();
            cells.extend(frontier.iter().cloned());
        }
        for c in &cells {
            assert_eq!(trim(c), c.trim(), "{c:?}");
            assert_eq!(cell_type(trim(c)), cell_type_reference(c), "{c:?}");
        }
    }

    /// A CSV text with a header row, measured as the whole-file pass does.
    fn measure_csv(text: &str) -> Structure {
        let header = text.lines().next().unwrap_or_default();
        let mut s = StructureStats::with_header(header.split(',').map(String::from).collect());
        crate::intake::rows::read_rows(text, b',', |r| match s.header_pending() {
            true => s.consume_header(),
            false => s.table_row(r),
        });
        s.finish(0)
    }

    #[test]
    fn measures_a_small_table() {
        let m =
            measure_csv("id,name,label\n1,ann,spam\n2,,ham\n3,cy,ham\n3,cy,ham\nx,di,ham\n6,ed\n");
        assert_eq!((m.rows, m.columns), (6, 3));
        assert!((m.parse_rate - 5.0 / 6.0).abs() < 1e-12);
        assert!((m.missing_cells - 2.0 / 18.0).abs() < 1e-12);
        assert!((m.duplicate_rows - 1.0 / 6.0).abs() < 1e-12);
        assert_eq!(m.label_column.as_deref(), Some("label"));
        assert!((m.label_balance.unwrap() - 2.0 * 1.0 / 5.0).abs() < 1e-12);
    }

    /// Rows shorter and longer than the header: a column first seen late was missing before.
    #[test]
    fn ragged_rows_count_missing_cells() {
        let m = measure_csv("a,b\n1,2\n3,4,5\n6\n");
        assert_eq!((m.rows, m.columns), (3, 3));
        assert!((m.missing_cells - 3.0 / 9.0).abs() < 1e-12);
        assert!((m.parse_rate - 1.0 / 3.0).abs() < 1e-12);
    }

    /// Duplicate rows are rows of equal values, however quoted; a delimiter inside a field, or
    /// a difference past the measured columns, is told apart as before.
    #[test]
    fn duplicate_rows_compare_values_not_spelling() {
        let duplicates = |text: &str| {
            let mut s = StructureStats::default();
            crate::intake::rows::read_rows(text, b',', |r| s.table_row(r));
            let rows = s.rows;
            (
                rows,
                (s.finish(0).duplicate_rows * rows as f64).round() as u64,
            )
        };
        // The first record goes through the parser, the others are lines or parsed.
        assert_eq!(duplicates("a,b\n\"a\",b\na,\"b\"\na,b\n"), (4, 3));
        assert_eq!(duplicates("\"a,b\"\na,b\n\"a,b\"\n"), (3, 1));
        assert_eq!(duplicates("x,\"\"\nx,\nx\n\"x\"\n"), (4, 2));
        let wide = |last: &str| format!("{}{last}", "v,".repeat(MAX_COLUMNS));
        let text = format!("{}\n{}\n{}\n", wide("1"), wide("2"), wide("\"1\""));
        assert_eq!(duplicates(&text), (3, 2));
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
