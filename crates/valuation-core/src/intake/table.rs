//! CSV/TSV: delimiter sniffing and quote-aware row reading (the `csv` crate handles RFC 4180
//! quoting, embedded newlines and ragged rows, which hand-written splitting gets wrong).

const CANDIDATES: [u8; 4] = [b',', b'\t', b';', b'|'];
// `read_rows` hands each record's text to the unit normaliser, which must see its delimiters as
// spaces: none may be alphanumeric.
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

/// Calls `row` with each record's fields and, when it holds no quote, the text it was read
/// from; a record the reader cannot decode counts as unparsed.
///
/// That text runs from the end of the previous record to the end of this one's terminator, so
/// besides the record it holds only line terminators (and skipped blank lines). Without quotes
/// its fields are the text split at the delimiters, and the delimiters and terminators are the
/// only bytes they drop (tested in `raw_rows_match_their_fields`). A quote may drop out
/// between two letters (`"ab"cd` is the field `abcd`): then `None`.
pub fn read_rows(
    text: &str,
    delimiter: u8,
    mut row: impl FnMut(&csv::StringRecord, Option<&str>),
) -> usize {
    let mut unparsed = 0;
    let mut record = csv::StringRecord::new();
    let mut rdr = reader(text, delimiter);
    let mut start = 0;
    // The first quote at or after `start` (the text's length: none). Found by one SIMD scan
    // over a file without quotes, rather than a look at every record.
    let quote_from =
        |at: usize| memchr::memchr(b'"', &text.as_bytes()[at..]).map_or(text.len(), |i| at + i);
    let mut quote = quote_from(0);
    loop {
        let result = rdr.read_record(&mut record);
        // Offsets into `text` after a terminator byte or at either end: char boundaries.
        let end = usize::try_from(rdr.position().byte()).map_or(text.len(), |e| e.min(text.len()));
        if quote < start {
            quote = quote_from(start);
        }
        let raw = if end <= quote {
            text.get(start..end)
        } else {
            None
        };
        start = end;
        match result {
            Ok(true) => row(&record, raw),
            Ok(false) => return unparsed,
            Err(_) => unparsed += 1,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// What `read_rows` hands over: a record's text without quotes has its fields' normal form
    /// (delimiters and terminators are the only bytes the fields drop, and the normaliser turns
    /// both into one space); a record with quotes has none.
    #[test]
    fn raw_rows_match_their_fields() {
        let normalize_unit = |text: &str| {
            let mut n = crate::units::Normalizer::default();
            n.push(text);
            n.as_bytes().to_vec()
        };
        let inputs = [
            "a,b,c\n1,2,3\n",
            "name,quote\r\nann,\"hi, there\"\r\n\r\n\nbob,\"a\nb \"\"x\"\"\"\r\n",
            "x;y\n\"caf\u{e9}\";\u{65e5}\u{672c}\n;;\n\"unterminated;z\n",
            "a|b\rc|d\r\ne|f",
            "one\n\n\n  ,\"\",\n\"ab\"cd,e\"f\n",
            "",
        ];
        let (mut with_text, mut without) = (0, 0);
        for (text, delimiter) in inputs.iter().zip([b',', b',', b';', b'|', b',', b',']) {
            read_rows(text, delimiter, |record, raw| {
                let joined = record.iter().collect::<Vec<_>>().join(" ");
                match raw {
                    Some(raw) => {
                        with_text += 1;
                        assert_eq!(normalize_unit(raw), normalize_unit(&joined), "{raw:?}");
                    }
                    None => without += 1,
                }
            });
        }
        // Each kind of record occurs, so both branches above ran.
        assert_eq!((with_text, without), (9, 6));
    }

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
