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
        self.iter().len()
    }

    /// The fields, in order.
    pub fn iter(&self) -> Fields<'a> {
        match *self {
            Record::Line { text, delimiter } => Fields::Line(LineFields {
                text,
                delimiter,
                base: 0,
                mask: byte_mask(&text.as_bytes()[..text.len().min(64)], delimiter),
                start: Some(0),
            }),
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

/// A record's fields (`Record::iter`). A line is cut at the set bits of its delimiter masks
/// ([`byte_mask`], 64 bytes each): table cells are a few bytes, so a search per cell (a `memchr`
/// call, even a word-at-a-time loop) cost more than the line's one pass of SIMD compares.
pub enum Fields<'a> {
    Line(LineFields<'a>),
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
            Fields::Line(line) => line.next(),
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

    /// Exact (a caller that needs the width first, as the column statistics do, pays nothing
    /// more for a line of up to 64 bytes than the mask the iterator starts with).
    fn size_hint(&self) -> (usize, Option<usize>) {
        let n = match self {
            Fields::Line(line) => line.len(),
            Fields::Parsed { ends, .. } => ends.len(),
        };
        (n, Some(n))
    }
}

/// A line's fields: its text cut at the set bits of its delimiter masks.
pub struct LineFields<'a> {
    text: &'a str,
    delimiter: u8,
    /// The delimiters of `text[base..base + 64]` not yet cut at, as bits.
    base: usize,
    mask: u64,
    /// Where the next field starts; `None` once the last one is out.
    start: Option<usize>,
}

impl<'a> LineFields<'a> {
    fn next(&mut self) -> Option<&'a str> {
        loop {
            let from = self.start?;
            if self.mask != 0 {
                let at = self.base + self.mask.trailing_zeros() as usize;
                self.mask &= self.mask - 1;
                self.start = Some(at + 1);
                // Cut at an ASCII byte: char boundaries.
                return self.text.get(from..at);
            }
            if self.base + 64 < self.text.len() {
                self.base += 64;
                let chunk = &self.text.as_bytes()[self.base..self.text.len().min(self.base + 64)];
                self.mask = byte_mask(chunk, self.delimiter);
                continue;
            }
            self.start = None;
            return self.text.get(from..);
        }
    }

    /// Fields left: one more than the delimiters left, in the current mask and those of the
    /// chunks after it.
    fn len(&self) -> usize {
        self.start.map_or(0, |_| {
            let later = self
                .text
                .as_bytes()
                .get(self.base + 64..)
                .unwrap_or_default();
            let later = later
                .chunks(64)
                .map(|c| byte_mask(c, self.delimiter).count_ones());
            1 + (self.mask.count_ones() + later.sum::<u32>()) as usize
        })
    }
}

impl ExactSizeIterator for Fields<'_> {}

/// Bit `i` set where `chunk[i] == needle`, for a chunk of at most 64 bytes: 16 bytes per SIMD
/// compare where there is SIMD (wasm simd128, x86-64's SSE2), a partial tail by one more compare
/// of the chunk's last 16 bytes, and only a chunk shorter than 16 bytes byte by byte.
#[inline]
fn byte_mask(chunk: &[u8], needle: u8) -> u64 {
    debug_assert!(chunk.len() <= 64);
    let mut mask = 0u64;
    let mut parts = chunk.chunks_exact(16);
    for (q, part) in parts.by_ref().enumerate() {
        mask |= u64::from(mask16(part.try_into().expect("16 bytes"), needle)) << (16 * q);
    }
    let (done, rest) = (chunk.len() & !15, chunk.len() % 16);
    if rest == 0 {
        return mask;
    }
    if done > 0 {
        // The last 16 bytes, overlapping the parts before: only their new bits are kept.
        let last = &chunk[chunk.len() - 16..];
        let bits = u64::from(mask16(last.try_into().expect("16 bytes"), needle)) >> (16 - rest);
        return mask | bits << done;
    }
    byte_mask_reference(chunk, needle)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
#[inline(always)]
fn mask16(part: &[u8; 16], needle: u8) -> u16 {
    use core::arch::wasm32::*;
    // SAFETY: 16 readable bytes; v128_load has no alignment requirement.
    let v = unsafe { v128_load(part.as_ptr() as *const v128) };
    u8x16_bitmask(u8x16_eq(v, u8x16_splat(needle)))
}

#[cfg(target_arch = "x86_64")]
#[inline(always)]
fn mask16(part: &[u8; 16], needle: u8) -> u16 {
    use core::arch::x86_64::*;
    // SAFETY: SSE2 is part of x86-64's baseline; 16 readable bytes, an unaligned load.
    unsafe {
        let v = _mm_loadu_si128(part.as_ptr() as *const __m128i);
        _mm_movemask_epi8(_mm_cmpeq_epi8(v, _mm_set1_epi8(needle as i8))) as u16
    }
}

#[cfg(not(any(
    target_arch = "x86_64",
    all(target_arch = "wasm32", target_feature = "simd128")
)))]
fn mask16(part: &[u8; 16], needle: u8) -> u16 {
    byte_mask_reference(part, needle) as u16
}

/// [`byte_mask`] one byte at a time.
fn byte_mask_reference(chunk: &[u8], needle: u8) -> u64 {
    let bits = chunk.iter().enumerate();
    bits.fold(0, |m, (i, &b)| m | u64::from(b == needle) << i)
}

/// A line's fields and width against `str::split` (the reference), for every line length up to
/// 200 (masks of one to four chunks, full and partial parts), delimiters at every offset, next
/// to each other and at both ends. Run by the native tests and, through valuation-wasm's
/// browser tests (`kernels::check`), by the wasm build, where the simd128 compare is compiled.
pub fn check_line_fields() -> Result<(), String> {
    let mut next = crate::rng::splitmix64(0x9e37_79b9);
    for len in 0..=200 {
        for density in [0, 1, 3, 8, 40] {
            let text: String = (0..len)
                .map(|_| match next() % 41 {
                    r if r < density => ',',
                    r if r % 7 == 0 => '\u{e9}',
                    r => char::from(b'a' + (r % 26) as u8),
                })
                .collect();
            for needle in [b',', b'\t'] {
                let record = Record::Line {
                    text: &text,
                    delimiter: needle,
                };
                let want: Vec<&str> = text.split(char::from(needle)).collect();
                let got: Vec<&str> = record.iter().collect();
                let widths = (1..=got.len()).map(|taken| {
                    let mut fields = record.iter();
                    fields.nth(taken - 1);
                    fields.len() + taken
                });
                if got != want
                    || record.len() != want.len()
                    || widths.ne(std::iter::repeat_n(want.len(), want.len()))
                {
                    return Err(format!("fields of {text:?} at {needle}: {got:?}"));
                }
            }
            let bytes = text.as_bytes();
            for at in 0..bytes.len().min(64) {
                let chunk = &bytes[at..bytes.len().min(at + 64)];
                if byte_mask(chunk, b',') != byte_mask_reference(chunk, b',') {
                    return Err(format!("byte_mask of {chunk:?}"));
                }
            }
        }
    }
    Ok(())
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

    #[test]
    fn lines_are_cut_as_str_split_cuts_them() {
        check_line_fields().unwrap();
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
