//! C4's line and page rules (Raffel et al. 2020), as datatrove's `C4QualityFilter` applies them.

use super::Verdict;
use crate::text::{count_sentences, py_split_whitespace, py_strip, splitlines};
use serde::{Deserialize, Serialize};

pub const MIN_SENTENCES: usize = 5;
pub const MIN_WORDS_PER_LINE: usize = 3;
pub const MAX_WORD_LENGTH: usize = 1000;
const END_PUNCTUATION: [char; 5] = ['.', '?', '!', '"', '\''];
const POLICY: [&str; 6] = [
    "terms of use",
    "privacy policy",
    "cookie policy",
    "uses cookies",
    "use of cookies",
    "use cookies",
];

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct C4 {
    pub lines: usize,
    /// Lines C4 keeps: terminal punctuation, ≥ 3 words, no boilerplate.
    pub kept_lines: usize,
    pub sentences: usize,
    pub lorem_ipsum: bool,
    pub curly_bracket: bool,
}

/// Wikipedia-style citation marks: `[12]`, `[]`, `[edit]`, `[citation needed]`.
fn remove_citations(line: &str) -> String {
    let mut out = String::with_capacity(line.len());
    let mut rest = line;
    while let Some(open) = rest.find('[') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        let close = after.find(']');
        let inner = close.map(|c| &after[..c]);
        match inner {
            Some(inner)
                if inner.bytes().all(|b| b.is_ascii_digit())
                    || inner == "edit"
                    || inner == "citation needed" =>
            {
                rest = &after[inner.len() + 1..];
            }
            _ => {
                out.push('[');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

pub fn measure(text: &str) -> C4 {
    let lines = splitlines(text);
    let mut m = C4 {
        lines: lines.len(),
        kept_lines: 0,
        sentences: 0,
        lorem_ipsum: false,
        curly_bracket: false,
    };
    for raw in &lines {
        let stripped = py_strip(raw);
        let words: Vec<&str> = py_split_whitespace(stripped).collect();
        if words.iter().any(|w| w.chars().count() > MAX_WORD_LENGTH) {
            continue;
        }
        let line = remove_citations(stripped);
        if !line.ends_with(END_PUNCTUATION)
            || line.ends_with("...")
            || words.len() < MIN_WORDS_PER_LINE
        {
            continue;
        }
        let lower = line.to_lowercase();
        if lower.contains("lorem ipsum") {
            m.lorem_ipsum = true;
            return m;
        }
        if lower.contains("javascript") {
            continue;
        }
        if line.contains('{') {
            m.curly_bracket = true;
            return m;
        }
        if POLICY.iter().any(|p| lower.contains(p)) {
            continue;
        }
        m.sentences += count_sentences(&line);
        m.kept_lines += 1;
    }
    m
}

impl C4 {
    pub fn verdict(&self) -> Verdict {
        if self.lorem_ipsum {
            Verdict::drop("lorem_ipsum")
        } else if self.curly_bracket {
            Verdict::drop("curly_bracket")
        } else if self.sentences < MIN_SENTENCES {
            Verdict::drop("too_few_sentences")
        } else {
            Verdict::keep()
        }
    }
}

#[cfg(test)]
mod tests {
    use super::remove_citations;

    #[test]
    fn citations_are_removed() {
        assert_eq!(
            remove_citations("Fact.[12] More[edit] [x] [citation needed]end"),
            "Fact. More [x] end"
        );
    }
}
