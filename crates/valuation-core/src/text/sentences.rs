//! Sentence counting after spaCy's rule-based `sentencizer`, which datatrove's C4 filter uses.

use super::words::split_words;

const SENTENCE_END: &[&str] = &[
    "!", ".", "?", "։", "؟", "۔", "܀", "܁", "܂", "।", "॥", "።", "‼", "‽", "⁇", "⁈", "⁉", "。",
    "！", "．", "？", "｡",
];

/// spaCy's `is_punct`: every character is Unicode punctuation (approximated by what prose uses).
fn is_punct(token: &str) -> bool {
    token.chars().all(|c| {
        c.is_ascii_punctuation() && !"$+<=>^`|~".contains(c)
            || "…‘’“”«»„‚–—¡¿·。！？，、；：「」『』（）【】《》".contains(c)
    })
}

/// Sentences in `text`: a new one starts at the first non-punctuation token after a sentence end.
/// Empty text counts one, like datatrove's `split_into_sentences`.
pub fn count_sentences(text: &str) -> usize {
    let mut count = 1;
    let mut seen_end = false;
    for (i, token) in split_words(text).into_iter().enumerate() {
        let is_end = SENTENCE_END.contains(&token);
        if seen_end && !is_punct(token) && !is_end {
            if i > 0 {
                count += 1;
            }
            seen_end = false;
        } else if is_end {
            seen_end = true;
        }
    }
    count
}

#[cfg(test)]
mod tests {
    use super::count_sentences;

    #[test]
    fn counts_like_the_sentencizer() {
        assert_eq!(count_sentences(""), 1);
        assert_eq!(count_sentences("One. Two! Three?"), 3);
        assert_eq!(count_sentences("He said \"no.\" Then left."), 2);
        assert_eq!(count_sentences("Mr. Smith went to Washington."), 1);
        assert_eq!(count_sentences("Wait... it goes on."), 1);
    }
}
