//! Text splitting that matches the peers we compare with (datatrove on spaCy's English rules).
//!
//! Peer thresholds were tuned on these exact splits, so our measurements reuse them rather than
//! inventing "better" ones: a word count that differs from datatrove's moves documents across
//! the 50-word line.

pub mod lines;
pub mod sentences;
pub mod words;

pub use lines::{is_py_space, py_split_whitespace, py_strip, splitlines};
pub use sentences::count_sentences;
pub use words::split_words;

/// Length in Unicode scalar values: every peer ratio divides by Python's `len(str)`.
pub fn char_len(s: &str) -> usize {
    s.chars().count()
}
