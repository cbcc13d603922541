//! Coherence: catches word salad, which passes the Gopher filters because its words, lengths and
//! stop words are those of real prose. Only the order is wrong, and English order is visible in
//! function words: a determiner is followed by a content word ("the river"), almost never by
//! another function word ("the of"). In shuffled text the word after a determiner is a function
//! word about as often as function words occur at all (~40 %); in real prose ~5–10 %.

use serde::{Deserialize, Serialize};

const DETERMINERS: [&str; 6] = ["the", "a", "an", "this", "these", "those"];
/// Closed-class words that cannot normally follow a determiner.
const CLOSED: [&str; 40] = [
    "the", "a", "an", "of", "and", "to", "in", "is", "was", "for", "that", "with", "on", "as",
    "by", "at", "from", "or", "but", "are", "were", "be", "been", "it", "he", "she", "they", "we",
    "you", "i", "his", "her", "their", "its", "our", "not", "which", "who", "has", "had",
];
/// Fewer determiners than this and the measure is too noisy to use (or the text is not English).
pub const MIN_DETERMINERS: usize = 20;

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Coherence {
    pub determiners: usize,
    /// Share of determiners followed by a closed-class word.
    pub determiner_then_function_word: f64,
}

pub fn measure(text: &str) -> Coherence {
    let mut determiners = 0;
    let mut bad = 0;
    let mut prev_det = false;
    for raw in text.split_whitespace() {
        let word = raw
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let ends_clause = raw.ends_with(|c: char| ".,;:!?)\"".contains(c));
        if prev_det && CLOSED.contains(&word.as_str()) {
            bad += 1;
        }
        let is_det = DETERMINERS.contains(&word.as_str());
        determiners += usize::from(is_det && !ends_clause);
        prev_det = is_det && !ends_clause;
    }
    Coherence {
        determiners,
        determiner_then_function_word: super::heuristics::ratio(bad, determiners),
    }
}

#[cfg(test)]
mod tests {
    use super::measure;

    #[test]
    fn prose_and_salad_differ() {
        let prose = "The river ran past the mill and into the valley, where a farmer kept the sheep of the village. \
                     This year the harvest was good, and the people of the town sold the grain at a fair price.";
        let m = measure(prose);
        assert_eq!(m.determiner_then_function_word, 0.0);
        let salad = "the of river the and mill a the into valley the where of farmer the a sheep";
        assert!(measure(salad).determiner_then_function_word > 0.4);
    }
}
