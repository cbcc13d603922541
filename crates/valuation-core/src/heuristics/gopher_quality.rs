//! Gopher quality rules (Rae et al. 2021, §A.1.1), as datatrove's `GopherQualityFilter` applies them.

use super::{punctuation::is_punctuation, ratio, Verdict};
use crate::text::{char_len, split_words, splitlines};
use serde::{Deserialize, Serialize};

pub const STOP_WORDS: [&str; 8] = ["the", "be", "to", "of", "and", "that", "have", "with"];
pub const MIN_WORDS: usize = 50;
pub const MAX_WORDS: usize = 100_000;
pub const MIN_MEAN_WORD_LEN: f64 = 3.0;
pub const MAX_MEAN_WORD_LEN: f64 = 10.0;
pub const MAX_SYMBOL_WORD_RATIO: f64 = 0.1;
pub const MAX_BULLET_LINES: f64 = 0.9;
pub const MAX_ELLIPSIS_LINES: f64 = 0.3;
pub const MIN_ALPHA_WORDS: f64 = 0.8;
pub const MIN_STOP_WORDS: usize = 2;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct GopherQuality {
    /// Tokens that are not punctuation only: Gopher's "words".
    pub words: usize,
    pub mean_word_length: f64,
    pub hash_per_word: f64,
    pub ellipsis_per_word: f64,
    pub bullet_lines: f64,
    pub ellipsis_lines: f64,
    pub alpha_words: f64,
    pub stop_words_present: usize,
}

pub fn measure(text: &str) -> GopherQuality {
    measure_tokens(text, &split_words(text))
}

/// `measure` with the text's `split_words` tokens, for callers that already have them.
pub fn measure_tokens(text: &str, tokens: &[&str]) -> GopherQuality {
    let words: Vec<&str> = tokens
        .iter()
        .copied()
        .filter(|w| w.chars().any(|c| !is_punctuation(c)))
        .collect();
    let letters: usize = words.iter().map(|w| char_len(w)).sum();
    let lines = splitlines(text);
    let bullets = lines
        .iter()
        .filter(|l| {
            l.trim_start_matches(crate::text::is_py_space)
                .starts_with(['•', '-'])
        })
        .count();
    let ellipsis_end = lines
        .iter()
        .filter(|l| {
            let l = l.trim_end_matches(crate::text::is_py_space);
            l.ends_with("...") || l.ends_with('…')
        })
        .count();
    let alpha = tokens
        .iter()
        .filter(|w| w.chars().any(char::is_alphabetic))
        .count();
    let stop_words_present = STOP_WORDS.iter().filter(|s| tokens.contains(*s)).count();
    GopherQuality {
        words: words.len(),
        mean_word_length: if words.is_empty() {
            0.0
        } else {
            letters as f64 / words.len() as f64
        },
        hash_per_word: ratio(text.matches('#').count(), tokens.len()),
        ellipsis_per_word: ratio(
            text.matches("...").count() + text.matches('…').count(),
            tokens.len(),
        ),
        bullet_lines: ratio(bullets, lines.len()),
        ellipsis_lines: ratio(ellipsis_end, lines.len()),
        alpha_words: ratio(alpha, tokens.len()),
        stop_words_present,
    }
}

impl GopherQuality {
    /// datatrove's decision, rule by rule in its order.
    pub fn verdict(&self) -> Verdict {
        let rules: [(bool, &str); 10] = [
            (self.words < MIN_WORDS, "gopher_short_doc"),
            (self.words > MAX_WORDS, "gopher_long_doc"),
            (
                self.mean_word_length < MIN_MEAN_WORD_LEN,
                "gopher_below_avg_threshold",
            ),
            (
                self.mean_word_length > MAX_MEAN_WORD_LEN,
                "gopher_above_avg_threshold",
            ),
            (
                self.hash_per_word > MAX_SYMBOL_WORD_RATIO,
                "gopher_too_many_hashes",
            ),
            (
                self.ellipsis_per_word > MAX_SYMBOL_WORD_RATIO,
                "gopher_too_many_ellipsis",
            ),
            (
                self.bullet_lines > MAX_BULLET_LINES,
                "gopher_too_many_bullets",
            ),
            (
                self.ellipsis_lines > MAX_ELLIPSIS_LINES,
                "gopher_too_many_end_ellipsis",
            ),
            (
                self.alpha_words < MIN_ALPHA_WORDS,
                "gopher_below_alpha_threshold",
            ),
            (
                self.stop_words_present < MIN_STOP_WORDS,
                "gopher_enough_stop_words",
            ),
        ];
        rules
            .iter()
            .find(|(fails, _)| *fails)
            .map_or_else(Verdict::keep, |(_, why)| Verdict::drop(*why))
    }
}
