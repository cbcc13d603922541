//! Prose units: paragraphs (split at `\n\n`, trimmed, empty ones skipped), split into windows of
//! at most `MAX_UNIT_WORDS` whitespace words. One pass over the text finds paragraphs and words
//! and writes each unit's normal form at the same time, because the whole-file pass runs over
//! every byte of files of hundreds of megabytes; [`prose_units_reference`] (tests) is the rule
//! written plainly, and the two must agree on every unit.

use super::normalize::{Ascii, Normalizer, ASCII};
use super::MAX_UNIT_WORDS;

/// A prose unit: a paragraph, or a window of `MAX_UNIT_WORDS` words of a longer one.
pub struct ProseUnit<'a> {
    /// The unit's span of the text (a window keeps the whitespace between its words as found).
    pub source: &'a str,
    window: bool,
}

impl ProseUnit<'_> {
    /// What is embedded: the paragraph as written, or the window's words joined by single spaces.
    pub fn render(&self) -> String {
        if self.window {
            self.source.split_whitespace().collect::<Vec<_>>().join(" ")
        } else {
            self.source.to_owned()
        }
    }
}

/// Calls `unit` with each unit and its normal form ([`super::normalize_unit`] of its rendering).
pub fn prose_units(text: &str, mut unit: impl FnMut(&ProseUnit, &[u8])) {
    let mut scan = Scan::default();
    let mut i = 0;
    while i < text.len() {
        i = scan.paragraph(text, i);
        scan.emit(text, &mut unit);
    }
}

impl Scan {
    /// Reads one paragraph from `i` (its words and normal form) and says where the next begins.
    /// One call per paragraph, not one per file: V8 compiles a wasm function with its optimising
    /// tier only after it has run a while and only for later calls, so a loop over a whole
    /// file in one call would run unoptimised for the first file a worker values.
    #[inline(never)]
    fn paragraph(&mut self, text: &str, mut i: usize) -> usize {
        let bytes = text.as_bytes();
        while i < bytes.len() {
            let b = bytes[i];
            if b < 0x80 {
                match ASCII[b as usize] {
                    Ascii::Space => {
                        self.end_word(i);
                        self.norm.gap();
                        if b == b'\n' && bytes.get(i + 1) == Some(&b'\n') {
                            return i + 2;
                        }
                    }
                    Ascii::Alnum => {
                        self.start_word(i);
                        i += self.norm.alnum_run(&bytes[i..]);
                        continue;
                    }
                    Ascii::Other => {
                        self.start_word(i);
                        self.norm.gap();
                    }
                }
                i += 1;
            } else {
                let c = text[i..].chars().next().expect("i is on a char boundary");
                if c.is_whitespace() {
                    self.end_word(i);
                    self.norm.gap();
                } else {
                    self.start_word(i);
                    self.norm.char(c);
                }
                i += c.len_utf8();
            }
        }
        self.end_word(bytes.len());
        bytes.len()
    }
}

/// The paragraph being read: its words (byte span, and where the normal form stood when each
/// began) and its normal form so far.
#[derive(Default)]
struct Scan {
    norm: Normalizer,
    words: Vec<Word>,
    in_word: bool,
}

struct Word {
    start: usize,
    end: usize,
    norm_at: usize,
}

impl Scan {
    #[inline(always)]
    fn start_word(&mut self, at: usize) {
        if !self.in_word {
            self.in_word = true;
            self.words.push(Word {
                start: at,
                end: at,
                norm_at: self.norm.len(),
            });
        }
    }

    #[inline(always)]
    fn end_word(&mut self, at: usize) {
        if self.in_word {
            self.in_word = false;
            self.words.last_mut().expect("a word was started").end = at;
        }
    }

    /// The paragraph's units (none when it has no words), then a fresh paragraph.
    fn emit(&mut self, text: &str, unit: &mut impl FnMut(&ProseUnit, &[u8])) {
        let norm = self.norm.as_bytes();
        if self.words.len() <= MAX_UNIT_WORDS {
            if let (Some(first), Some(last)) = (self.words.first(), self.words.last()) {
                unit(
                    &ProseUnit {
                        source: &text[first.start..last.end],
                        window: false,
                    },
                    norm,
                );
            }
        } else {
            for (k, window) in self.words.chunks(MAX_UNIT_WORDS).enumerate() {
                let (first, last) = (&window[0], &window[window.len() - 1]);
                let next = self.words.get((k + 1) * MAX_UNIT_WORDS);
                let mut span = &norm[first.norm_at..next.map_or(norm.len(), |w| w.norm_at)];
                // The space before the window's first kept char belongs to the paragraph only.
                if let [b' ', rest @ ..] = span {
                    span = rest;
                }
                unit(
                    &ProseUnit {
                        source: &text[first.start..last.end],
                        window: true,
                    },
                    span,
                );
            }
        }
        self.words.clear();
        self.norm.clear();
    }
}

#[cfg(test)]
mod tests {
    use super::super::normalize::normalize_reference;
    use super::super::normalize::tests::CASES;
    use super::*;

    /// The rule written plainly: the paragraphs, their words, windows joined by spaces.
    fn prose_units_reference(text: &str) -> Vec<String> {
        let mut out = Vec::new();
        for para in text.split("\n\n").map(str::trim).filter(|p| !p.is_empty()) {
            let words: Vec<&str> = para.split_whitespace().collect();
            if words.len() <= MAX_UNIT_WORDS {
                out.push(para.to_owned());
            } else {
                out.extend(words.chunks(MAX_UNIT_WORDS).map(|c| c.join(" ")));
            }
        }
        out
    }

    fn check(text: &str) {
        let mut units = Vec::new();
        prose_units(text, |u, norm| units.push((u.render(), norm.to_vec())));
        let want = prose_units_reference(text);
        assert_eq!(
            units.iter().map(|(r, _)| r.clone()).collect::<Vec<_>>(),
            want,
            "{text:?}"
        );
        for (rendered, norm) in &units {
            assert_eq!(
                *norm,
                normalize_reference(rendered).into_bytes(),
                "{rendered:?}"
            );
        }
    }

    #[test]
    fn matches_the_plain_rule() {
        let long: String = (0..250).map(|i| format!("Word{i},\n ")).collect();
        check(&format!("Short one.\n\n{long}\n\n\n\n  tail  "));
        check("");
        check("\n\n\n\n\n");
        check("a\n\n\nb\n \nc\n\n");
        check("— … !!\n\n?");
        check(&CASES.join("\n\n"));
        check(&CASES.concat());
        // Windows that start and end on punctuation-only and non-ASCII words.
        let mixed: String = (0..400)
            .map(|i| match i % 5 {
                0 => "— ",
                1 => "Ünïcödé\u{2003}",
                2 => "x.Y ",
                3 => "\u{3000}日本 ",
                _ => "-- ",
            })
            .collect();
        check(&mixed);
        check(&format!("{mixed}\n\n{long}"));
    }
}
