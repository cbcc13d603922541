//! Gopher repetition rules (Rae et al. 2021, Table A1), as datatrove's `GopherRepetitionFilter`
//! applies them. Duplicates are found by 64-bit hashes of the exact strings, so memory stays
//! proportional to distinct lines and n-grams, not to their text.

use super::joined_words::JoinedWords;
use super::{ratio, Verdict};
use crate::hash::xxh3_64;
use crate::text::{char_len, lines::split_newline_runs, py_strip, split_words};
use crate::units::{HashMap64, HashSet64};
use serde::{Deserialize, Serialize};

pub const MAX_DUP_LINES: f64 = 0.30;
pub const MAX_DUP_PARAGRAPHS: f64 = 0.30;
pub const MAX_DUP_LINE_CHARS: f64 = 0.20;
pub const MAX_DUP_PARAGRAPH_CHARS: f64 = 0.20;
/// (n, max share of the text covered by the most frequent n-gram).
pub const TOP_NGRAMS: [(usize, f64); 3] = [(2, 0.20), (3, 0.18), (4, 0.16)];
/// (n, max share of the text covered by repeated n-grams).
pub const DUP_NGRAMS: [(usize, f64); 6] = [
    (5, 0.15),
    (6, 0.14),
    (7, 0.13),
    (8, 0.12),
    (9, 0.11),
    (10, 0.10),
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct GopherRepetition {
    pub chars: usize,
    pub dup_paragraphs: f64,
    pub dup_paragraph_chars: f64,
    pub dup_lines: f64,
    pub dup_line_chars: f64,
    /// Share of the text covered by the most frequent 2-, 3- and 4-gram.
    pub top_ngram_chars: [f64; 3],
    /// Share of the text covered by repeated 5- … 10-grams.
    pub dup_ngram_chars: [f64; 6],
}

/// (duplicate elements, chars in duplicates), first occurrences not counted.
pub fn find_duplicates<'a>(items: impl IntoIterator<Item = &'a str>) -> (usize, usize) {
    let mut seen = HashSet64::default();
    let (mut n, mut chars) = (0, 0);
    for item in items {
        if !seen.insert(xxh3_64(item.as_bytes(), 0)) {
            n += 1;
            chars += char_len(item);
        }
    }
    (n, chars)
}

/// Chars covered by the most frequent n-gram: Python's `Counter.most_common(1)` picks by count
/// alone, ties going to the n-gram seen first, and only then multiplies by its length.
fn top_ngram_chars(spaced: &JoinedWords, lens: &RunLengths, n: usize) -> Option<usize> {
    let grams = (lens.words() + 1).saturating_sub(n);
    let mut counts: HashMap64<(usize, usize, usize)> =
        HashMap64::with_capacity_and_hasher(grams, Default::default());
    for i in 0..grams {
        let len = lens.chars(i, n) + n - 1;
        counts.entry(spaced.hash(i, n)).or_insert((0, i, len)).0 += 1;
    }
    let top = counts
        .values()
        .max_by(|a, b| a.0.cmp(&b.0).then(b.1.cmp(&a.1)))?;
    Some(top.0 * top.2)
}

/// datatrove's `find_all_duplicate`: after a repeat, skip past it so overlaps are not recounted.
fn dup_ngram_chars(concatenated: &JoinedWords, lens: &RunLengths, n: usize) -> usize {
    let mut seen = HashSet64::with_capacity_and_hasher(lens.words(), Default::default());
    let (mut chars, mut i) = (0, 0);
    while i + n <= lens.words() {
        if seen.insert(concatenated.hash(i, n)) {
            i += 1;
        } else {
            chars += lens.chars(i, n);
            i += n;
        }
    }
    chars
}

/// Chars in any run of consecutive words, from prefix sums.
struct RunLengths(Vec<usize>);

impl RunLengths {
    fn new(words: &[&str]) -> Self {
        let mut sums = Vec::with_capacity(words.len() + 1);
        sums.push(0);
        for w in words {
            sums.push(sums[sums.len() - 1] + char_len(w));
        }
        RunLengths(sums)
    }

    fn words(&self) -> usize {
        self.0.len() - 1
    }

    fn chars(&self, i: usize, n: usize) -> usize {
        self.0[i + n] - self.0[i]
    }
}

pub fn measure(text: &str) -> GopherRepetition {
    measure_tokens(text, &split_words(text))
}

/// `measure` with the text's `split_words` tokens, for callers that already have them.
pub fn measure_tokens(text: &str, words: &[&str]) -> GopherRepetition {
    let chars = char_len(text);
    let paragraphs = split_newline_runs(py_strip(text), 2);
    let (para_dups, para_chars) = find_duplicates(paragraphs.iter().copied());
    let lines = split_newline_runs(text, 1);
    let (line_dups, line_chars) = find_duplicates(lines.iter().copied());
    let lens = RunLengths::new(words);
    // datatrove joins the top n-grams by spaces and the repeated ones by nothing.
    let (spaced, concatenated) = (JoinedWords::new(words, b" "), JoinedWords::new(words, b""));
    let top = TOP_NGRAMS
        .map(|(n, _)| top_ngram_chars(&spaced, &lens, n).map_or(0.0, |c| ratio(c, chars)));
    let dup = DUP_NGRAMS.map(|(n, _)| ratio(dup_ngram_chars(&concatenated, &lens, n), chars));
    GopherRepetition {
        chars,
        dup_paragraphs: ratio(para_dups, paragraphs.len()),
        dup_paragraph_chars: ratio(para_chars, chars),
        dup_lines: ratio(line_dups, lines.len()),
        dup_line_chars: ratio(line_chars, chars),
        top_ngram_chars: top,
        dup_ngram_chars: dup,
    }
}

impl GopherRepetition {
    pub fn verdict(&self) -> Verdict {
        if self.chars == 0 {
            return Verdict::drop("empty");
        }
        let fixed = [
            (self.dup_paragraphs > MAX_DUP_PARAGRAPHS, "dup_para_frac"),
            (
                self.dup_paragraph_chars > MAX_DUP_PARAGRAPH_CHARS,
                "dup_para_char_frac",
            ),
            (self.dup_lines > MAX_DUP_LINES, "dup_line_frac"),
            (
                self.dup_line_chars > MAX_DUP_LINE_CHARS,
                "dup_line_char_frac",
            ),
        ];
        if let Some((_, why)) = fixed.iter().find(|(fails, _)| *fails) {
            return Verdict::drop(*why);
        }
        for (i, (n, max)) in TOP_NGRAMS.iter().enumerate() {
            if self.top_ngram_chars[i] > *max {
                return Verdict::drop(format!("top_{n}_gram"));
            }
        }
        for (i, (n, max)) in DUP_NGRAMS.iter().enumerate() {
            if self.dup_ngram_chars[i] > *max {
                return Verdict::drop(format!("duplicated_{n}_n_grams"));
            }
        }
        Verdict::keep()
    }
}
