//! FineWeb's extra line rules (Penedo et al. 2024), as datatrove's `FineWebQualityFilter` applies them.

use super::{gopher_repetition::find_duplicates, punctuation::is_terminal, ratio, Verdict};
use crate::text::{char_len, py_strip, split_words};
use serde::{Deserialize, Serialize};

pub const MIN_PUNCTUATED_LINES: f64 = 0.12;
pub const MAX_SHORT_LINES: f64 = 0.67;
pub const SHORT_LINE_CHARS: usize = 30;
pub const MAX_DUP_LINE_CHARS: f64 = 0.01;
pub const MAX_NEWLINES_PER_WORD: f64 = 0.3;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct FineWeb {
    pub lines: usize,
    pub punctuated_lines: f64,
    pub short_lines: f64,
    pub dup_line_chars: f64,
    pub newlines_per_word: f64,
}

pub fn measure(text: &str) -> FineWeb {
    measure_tokens(text, &split_words(text))
}

/// `measure` with the text's `split_words` tokens, for callers that already have them.
pub fn measure_tokens(text: &str, words: &[&str]) -> FineWeb {
    let lines: Vec<&str> = text
        .split('\n')
        .filter(|l| !py_strip(l).is_empty())
        .collect();
    let punctuated = lines
        .iter()
        .filter(|l| l.chars().next_back().is_some_and(is_terminal))
        .count();
    let short = lines
        .iter()
        .filter(|l| char_len(l) <= SHORT_LINE_CHARS)
        .count();
    let (_, dup_chars) = find_duplicates(lines.iter().copied());
    let newlines = text.bytes().filter(|b| *b == b'\n').count();
    FineWeb {
        lines: lines.len(),
        punctuated_lines: ratio(punctuated, lines.len()),
        short_lines: ratio(short, lines.len()),
        dup_line_chars: ratio(dup_chars, char_len(text) - newlines),
        newlines_per_word: ratio(newlines, words.len()),
    }
}

impl FineWeb {
    pub fn verdict(&self) -> Verdict {
        if self.lines == 0 {
            Verdict::drop("empty")
        } else if self.punctuated_lines < MIN_PUNCTUATED_LINES {
            Verdict::drop("line_punct_ratio")
        } else if self.short_lines > MAX_SHORT_LINES {
            Verdict::drop("short_line_ratio")
        } else if self.dup_line_chars > MAX_DUP_LINE_CHARS {
            Verdict::drop("char_dup_ratio")
        } else if self.newlines_per_word > MAX_NEWLINES_PER_WORD {
            Verdict::drop("list_ratio")
        } else {
            Verdict::keep()
        }
    }
}
