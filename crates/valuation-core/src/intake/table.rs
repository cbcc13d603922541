//! CSV/TSV: which delimiter a text uses, read with the `csv` crate (RFC 4180 quoting, embedded
//! newlines and ragged rows, which hand-written splitting gets wrong). Reading the rows of a
//! whole file is `rows.rs`.

const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
// `rows::read_rows` hands a record's text to the unit normaliser, which must see its delimiters
// as spaces: none may be alphanumeric.
const _: () = {
    let mut i = 0;
    while i < CANDIDATES.len() {
        assert!(CANDIDATES[i].is_ascii() && !CANDIDATES[i].is_ascii_alphanumeric());
        i += 1;
    }
};
const SNIFF_ROWS: usize = 50;
const SNIFF_BYTES: usize = 64 * 1024;
const SNIFF_MAX_BYTES: usize = 64 * 1024 * 1024;

fn reader(text: &str, delimiter: u8) -> csv::Reader<&[u8]> {
    csv::ReaderBuilder::new()
        .delimiter(delimiter)
        .has_headers(false)
        .flexible(true)
        .from_reader(text.as_bytes())
}

/// The delimiter that splits the first rows into the same number (≥ 2) of fields, if any.
pub fn sniff_delimiter(text: &str) -> Option<u8> {
    // At least three full lines, so very wide tables are recognised too.
    let three_lines = text
        .match_indices('\n')
        .nth(2)
        .map_or(text.len(), |(i, _)| i + 1);
    let mut end = text
        .len()
        .min(SNIFF_BYTES.max(three_lines))
        .min(SNIFF_MAX_BYTES);
    while !text.is_char_boundary(end) {
        end -= 1;
    }
    let head = &text[..end];
    let complete = if end < text.len() {
        head.rfind('\n').map_or(head, |i| &head[..i])
    } else {
        head
    };
    let mut best: Option<(usize, u8)> = None;
    for d in CANDIDATES {
        let records: Vec<csv::StringRecord> = reader(complete, d)
            .records()
            .take(SNIFF_ROWS)
            .map_while(Result::ok)
            .collect();
        let widths: Vec<usize> = records.iter().map(csv::StringRecord::len).collect();
        if widths.len() < 2 || widths[0] < 2 || looks_like_prose(&records) {
            continue;
        }
        let same = widths.iter().filter(|w| **w == widths[0]).count();
        if same * 10 >= widths.len() * 9 && best.is_none_or(|(w, _)| widths[0] > w) {
            best = Some((widths[0], d));
        }
    }
    best.map(|(_, d)| d)
}

/// Sentences split at commas also have equal field counts when a paragraph repeats; table cells
/// are short, clauses are not.
fn looks_like_prose(records: &[csv::StringRecord]) -> bool {
    let (fields, words) = records
        .iter()
        .flat_map(|r| r.iter())
        .fold((0usize, 0usize), |(f, w), cell| {
            (f + 1, w + cell.split_whitespace().count())
        });
    words > fields * 6
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sniffs_quoted_csv_and_rejects_prose() {
        assert_eq!(
            sniff_delimiter("name,quote\nann,\"hi, there\"\nbob,\"a\nb\"\n"),
            Some(b',')
        );
        assert_eq!(sniff_delimiter("x;y;z\n1;2;3\n"), Some(b';'));
        assert_eq!(
            sniff_delimiter("Hello, world. This is prose.\nIt has, sometimes, commas.\n"),
            None
        );
        let para = "In the beginning, the people of the valley built a mill by the river, and it stood for a century.\n\n";
        assert_eq!(sniff_delimiter(&para.repeat(10)), None);
    }
}
