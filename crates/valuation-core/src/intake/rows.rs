//! A CSV/TSV text's records, as the `csv` crate reads them (RFC 4180 quoting, `\r`, `\n` and
//! `\r\n` each ending a record, empty lines skipped, ragged rows kept), but without its parser
//! where it is not needed: a record with no quote in it is its line split at the delimiter,
//! found with SIMD byte searches. Only records with quotes go through `csv-core`'s byte-by-byte
//! state machine, which was a tenth of the whole-file pass over a big table.

use csv_core::ReadRecordResult;

/// One record's fields.
pub enum Record<'a> {
    /// A line without quotes: its fields are its text split at `delimiter`.
    Line { text: &'a str, delimiter: u8 },
    /// A record `csv-core` read: its fields concatenated, and where each ends.
    Parsed {
        fields: &'a str,
        ends: &'a [usize],
        delimiter: u8,
    },
}

impl<'a> Record<'a> {
    /// How many fields.
    pub fn len(&self) -> usize {
        match self {
            Record::Line { text, delimiter } => 1 + text.bytes().filter(|b| b == delimiter).count(),
            Record::Parsed { ends, .. } => ends.len(),
        }
    }

    /// The fields, in order.
    pub fn iter(&self) -> Fields<'a> {
        match *self {
            Record::Line { text, delimiter } => Fields::Line {
                rest: Some(text),
                delimiter,
            },
            Record::Parsed { fields, ends, .. } => Fields::Parsed {
                fields,
                ends: ends.iter(),
                start: 0,
            },
        }
    }

    /// The file's delimiter.
    pub fn delimiter(&self) -> u8 {
        match *self {
            Record::Line { delimiter, .. } | Record::Parsed { delimiter, .. } => delimiter,
        }
    }

    /// The record's text when it has no quote. Its fields are that text split at the
    /// delimiter, so its alphanumeric content and order are theirs, and only delimiters
    /// separate them: it normalises as the fields joined by spaces would.
    pub fn line(&self) -> Option<&'a str> {
        match *self {
            Record::Line { text, .. } => Some(text),
            Record::Parsed { .. } => None,
        }
    }
}

/// A record's fields (`Record::iter`). Cut with `find_byte`: table cells are short, and a
/// `memchr` call per cell (`str::split`) cost more than it saved.
pub enum Fields<'a> {
    Line {
        rest: Option<&'a str>,
        delimiter: u8,
    },
    Parsed {
        fields: &'a str,
        ends: std::slice::Iter<'a, usize>,
        start: usize,
    },
}

impl<'a> Iterator for Fields<'a> {
    type Item = &'a str;

    fn next(&mut self) -> Option<&'a str> {
        match self {
            Fields::Line { rest, delimiter } => {
                let text = (*rest)?;
                match find_byte(text.as_bytes(), *delimiter) {
                    // Cut at an ASCII byte: char boundaries.
                    Some(i) => {
                        *rest = text.get(i + 1..);
                        text.get(..i)
                    }
                    None => rest.take(),
                }
            }
            Fields::Parsed {
                fields,
                ends,
                start,
            } => {
                let end = *ends.next()?;
                // Ends fall where the parser dropped an ASCII delimiter or quote, so between
                // whole chars.
                let field = fields.get(*start..end).unwrap_or_default();
                *start = end;
                Some(field)
            }
        }
    }
}

/// The first `needle` in `hay`, eight bytes at a time: table cells are a few bytes, too short
/// for a SIMD search to pay for its setup, long enough that a byte loop is most of cutting them.
fn find_byte(hay: &[u8], needle: u8) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let pattern = LOW * u64::from(needle);
    let mut i = 0;
    while let Some(word) = hay.get(i..i + 8) {
        // A zero byte of `x` is a match. `x - LOW` borrows only past a zero byte, so the
        // lowest flagged byte (the first in memory) is a true zero.
        let x = u64::from_le_bytes(word.try_into().expect("8 bytes")) ^ pattern;
        let zeros = x.wrapping_sub(LOW) & !x & HIGH;
        if zeros != 0 {
            return Some(i + zeros.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    hay[i..].iter().position(|&b| b == needle).map(|p| i + p)
}

/// The first quote at or after `at` (`bytes.len()`: none). One SIMD scan over a file without
/// quotes, rather than a look at every record; a block per call (see `WHOLE_FILE_BLOCK`).
fn quote_from(bytes: &[u8], mut at: usize) -> usize {
    while at < bytes.len() {
        let end = (at + crate::WHOLE_FILE_BLOCK).min(bytes.len());
        if let Some(i) = quote_in_block(&bytes[at..end]) {
            return at + i;
        }
        at = end;
    }
    bytes.len()
}

#[inline(never)]
fn quote_in_block(block: &[u8]) -> Option<usize> {
    memchr::memchr(b'"', block)
}

fn is_terminator(b: u8) -> bool {
    b == b'\n' || b == b'\r'
}

/// Calls `row` with each record of `text`, in order: the records `csv::Reader` reads (no
/// headers, flexible widths, the default quoting) — tested against it in
/// `records_are_the_csv_crates`. Never fails: `csv-core` finds a parse of any input.
pub fn read_rows(text: &str, delimiter: u8, mut row: impl FnMut(&Record<'_>)) {
    let bytes = text.as_bytes();
    let mut parser = csv_core::ReaderBuilder::new().delimiter(delimiter).build();
    let (mut fields, mut ends) = (vec![0u8; 1024], vec![0usize; 64]);
    let mut quote = quote_from(bytes, 0);
    let mut pos = 0;
    loop {
        // The first record always goes to the parser, which drops a byte-order mark there
        // (and only there).
        if pos > 0 {
            // The parser skips the terminators before a record: empty lines are none.
            while bytes.get(pos).copied().is_some_and(is_terminator) {
                pos += 1;
            }
            if pos == bytes.len() {
                return;
            }
            if quote < pos {
                quote = quote_from(bytes, pos);
            }
            let end = memchr::memchr2(b'\n', b'\r', &bytes[pos..]).map_or(bytes.len(), |i| pos + i);
            if end <= quote {
                // Cut next to ASCII bytes (or at the end): char boundaries.
                let text = text.get(pos..end).unwrap_or_default();
                row(&Record::Line { text, delimiter });
                pos = end;
                continue;
            }
        }
        let (mut nfields, mut nends) = (0, 0);
        loop {
            // Given `bytes[pos..]`, empty at the end of the text, which is how the parser is
            // told that the input has ended (as `csv::Reader` tells it).
            let (result, nin, nout, nend) =
                parser.read_record(&bytes[pos..], &mut fields[nfields..], &mut ends[nends..]);
            pos += nin;
            nfields += nout;
            nends += nend;
            match result {
                ReadRecordResult::InputEmpty => {}
                ReadRecordResult::OutputFull => fields.resize(fields.len() * 2, 0),
                ReadRecordResult::OutputEndsFull => ends.resize(ends.len() * 2, 0),
                ReadRecordResult::Record => break,
                ReadRecordResult::End => return,
            }
        }
        // The parser drops only ASCII bytes (quotes, delimiters, terminators) from valid
        // UTF-8: what it writes is valid too.
        let fields = std::str::from_utf8(&fields[..nfields]).unwrap_or_default();
        row(&Record::Parsed {
            fields,
            ends: &ends[..nends],
            delimiter,
        });
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// The records `csv::Reader` reads, as `read_rows` is configured: the reference.
    fn csv_crate(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        csv::ReaderBuilder::new()
            .delimiter(delimiter)
            .has_headers(false)
            .flexible(true)
            .from_reader(text.as_bytes())
            .records()
            .map(|r| r.expect("valid UTF-8").iter().map(str::to_owned).collect())
            .collect()
    }

    fn ours(text: &str, delimiter: u8) -> Vec<Vec<String>> {
        let mut records = Vec::new();
        read_rows(text, delimiter, |r| {
            let fields: Vec<String> = r.iter().map(str::to_owned).collect();
            assert_eq!(fields.len(), r.len());
            records.push(fields);
        });
        records
    }

    #[test]
    fn records_are_the_csv_crates() {
        let mut inputs: Vec<String> = [
            "",
            "\n",
            "\r\n\r\n",
            "a",
            "a,b,c\n1,2,3\n",
            "a,b\r\n\r\n\nc\r\rd,\n,\n,,",
            "\u{feff}x,y\n1,2",
            "x,y\n\u{feff}1,2",
            "name,quote\r\nann,\"hi, there\"\r\nbob,\"a\nb \"\"x\"\"\"\r\n",
            "\"ab\"cd,e\"f\nplain,line\n\"unterminated,z\nmore\n",
            "  ,\"\",\n\"\"\"\"\n",
        ]
        .iter()
        .map(|s| s.to_string())
        .collect();
        // Quotes, delimiters of every kind, terminators and non-ASCII text in any order.
        const PIECES: [&str; 13] = [
            "a", "Bc", "12", ",", ";", "\t", "|", "\"", "\n", "\r", "\r\n", "\u{e9}", " ",
        ];
        let mut next = crate::rng::splitmix64(0x0c57);
        for _ in 0..3000 {
            let len = (next() % 60) as usize;
            inputs.push((0..len).map(|_| PIECES[(next() % 13) as usize]).collect());
        }
        // Long fields, past the parser's first output buffers.
        inputs.push(format!("\"{}\",{}\n", "q".repeat(5000), "x,".repeat(200)));
        for text in &inputs {
            for delimiter in [b',', b';', b'\t', b'|'] {
                assert_eq!(
                    ours(text, delimiter),
                    csv_crate(text, delimiter),
                    "{text:?}"
                );
            }
        }
    }

    /// The word-at-a-time search against `position` (the reference): every offset, neighbours
    /// one above and below the needle (the borrow trick's edge), every length up to 20.
    #[test]
    fn find_byte_is_position() {
        for needle in [b',', b'\t', 0, 0xFF, 0x80] {
            for len in 0..20 {
                for at in 0..=len {
                    for other in [needle.wrapping_add(1), needle.wrapping_sub(1), b'a'] {
                        let mut hay = vec![other; len];
                        if at < len {
                            hay[at] = needle;
                            if at + 3 < len {
                                hay[at + 3] = needle;
                            }
                        }
                        let want = hay.iter().position(|&b| b == needle);
                        assert_eq!(find_byte(&hay, needle), want, "{hay:?} {needle}");
                    }
                }
            }
        }
    }

    /// A record without quotes has its text, which normalises as its fields joined by spaces.
    #[test]
    fn lines_normalise_as_their_fields() {
        let normalize = |text: &str| {
            let mut n = crate::units::Normalizer::default();
            n.push(text);
            n.as_bytes().to_vec()
        };
        let text = "x,y\nAb,c\u{e9};D\n,,\n\"q\",r\n\u{3000}a|b,\tc\r\n";
        let (mut lines, mut parsed) = (0, 0);
        read_rows(text, b',', |r| match r.line() {
            Some(line) => {
                lines += 1;
                let joined = r.iter().collect::<Vec<_>>().join(" ");
                assert_eq!(normalize(line), normalize(&joined), "{line:?}");
            }
            None => parsed += 1,
        });
        // The first record and the quoted one are parsed; the others are lines.
        assert_eq!((lines, parsed), (3, 2));
    }
}
