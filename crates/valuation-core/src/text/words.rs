//! Word splitting after spaCy's English tokenizer (`spacy.blank("en")`), which datatrove uses.
//!
//! spaCy splits on whitespace, then peels prefixes and suffixes off each chunk, keeps special
//! cases (contractions, abbreviations) and URLs whole, and splits the rest on infixes. This is a
//! hand port of the rules that move word counts in English text; the agreement test against
//! datatrove guards it.

use super::lines::is_py_space;

const PUNCT: &str = "…,:;!?¿؟¡()[]{}<>_#*&。？！，、；：～·।،۔؛٪";
const QUOTES: &str = "'\"”“`‘´’‚,„»«「」『』（）〔〕【】《》〈〉⟦⟧";
const CURRENCY: &[&str] = &[
    "US$", "C$", "A$", "$", "£", "€", "¥", "฿", "₽", "﷼", "₴", "₹", "₩", "₪", "₫", "₱", "₺", "₿",
];
const UNITS: &[&str] = &[
    "km²", "km³", "km", "m²", "m³", "dm²", "dm³", "dm", "cm²", "cm³", "cm", "mm²", "mm³", "mm",
    "ha", "µm", "nm", "yd", "in", "ft", "kg", "g", "mg", "µg", "t", "lb", "oz", "m/s", "km/h",
    "kmh", "mph", "hPa", "Pa", "mbar", "mb", "MB", "kb", "KB", "gb", "GB", "tb", "TB", "T", "G",
    "M", "K", "%", "m",
];
/// Verbs spaCy splits before "n't" / "nt" ("don't" → "do", "n't").
const NT_VERBS: &[&str] = &[
    "ca", "could", "do", "does", "did", "had", "has", "have", "is", "are", "was", "were", "wo",
    "would", "should", "must", "might", "need", "ought", "sha", "ai", "may", "dare",
];
const PRONOUN_CONTRACTIONS: &[(&str, &[&str])] = &[
    ("i", &["m", "ll", "d", "ve"]),
    ("you", &["ll", "d", "ve", "re"]),
    ("he", &["ll", "d"]),
    ("she", &["ll", "d"]),
    ("it", &["ll", "d"]),
    ("we", &["ll", "d", "ve", "re"]),
    ("they", &["ll", "d", "ve", "re"]),
    ("who", &["ll", "d", "ve", "re"]),
    ("there", &["ll", "d", "re"]),
    ("that", &["ll", "d"]),
];
const ABBREVIATIONS: &[&str] = &[
    "mr.", "mrs.", "ms.", "dr.", "st.", "jr.", "sr.", "prof.", "rep.", "sen.", "gov.", "gen.",
    "adm.", "rev.", "inc.", "ltd.", "co.", "corp.", "bros.", "messrs.", "vs.", "v.s.", "e.g.",
    "i.e.", "a.m.", "p.m.", "ph.d.", "jan.", "feb.", "mar.", "apr.", "jun.", "jul.", "aug.",
    "sep.", "sept.", "oct.", "nov.", "dec.", "mt.", "d.c.", "md.", "mo.", "mont.", "ala.", "ariz.",
    "ark.", "cal.", "calif.", "colo.", "conn.", "del.", "fla.", "ga.", "ill.", "ind.", "kan.",
    "ky.", "la.", "mass.", "mich.", "minn.", "miss.", "neb.", "nev.", "n.c.", "n.d.", "n.h.",
    "n.j.", "n.m.", "n.y.", "okla.", "ore.", "pa.", "s.c.", "tenn.", "va.", "wash.", "wis.",
];

/// Splits `text` into words and punctuation tokens as datatrove's `split_into_words` does.
pub fn split_words(text: &str) -> Vec<&str> {
    let mut out = Vec::new();
    for chunk in text.split(is_py_space).filter(|c| !c.is_empty()) {
        split_chunk(chunk, &mut out);
    }
    out
}

fn split_chunk<'a>(chunk: &'a str, out: &mut Vec<&'a str>) {
    if !split_plain(chunk, out) {
        split_by_rules(chunk, out);
    }
}

/// Most chunks of prose are a word of ASCII letters, bare or with one mark after it: settled
/// here without the general rules, which give the same tokens (the word, then the mark) but cost
/// several scans and a lowercase copy per chunk. `false`: not such a chunk, nothing pushed.
/// The conditions are why the rules agree: a letter is no prefix, no infix, no unit or currency;
/// `,;:!?` are suffixes; a `.` is one after a lowercase letter unless the chunk is a special
/// case ("etc." is not, "mr." is); and the word must not be a special case itself ("dont").
fn split_plain<'a>(chunk: &'a str, out: &mut Vec<&'a str>) -> bool {
    let bytes = chunk.as_bytes();
    let letters = bytes
        .iter()
        .position(|b| !b.is_ascii_alphabetic())
        .unwrap_or(bytes.len());
    if letters == 0 {
        return false;
    }
    let (word, mark) = chunk.split_at(letters);
    let plain_mark = match mark.as_bytes() {
        [] | [b',' | b';' | b':' | b'!' | b'?'] => true,
        [b'.'] => bytes[letters - 1].is_ascii_lowercase() && special_split(chunk).is_none(),
        _ => false,
    };
    if !plain_mark || special_split(word).is_some() {
        return false;
    }
    out.push(word);
    if !mark.is_empty() {
        out.push(mark);
    }
    true
}

/// spaCy's rules, for any chunk.
fn split_by_rules<'a>(chunk: &'a str, out: &mut Vec<&'a str>) {
    if push_special(chunk, out) {
        return;
    }
    let mut s = chunk;
    let mut prefixes = Vec::new();
    let mut suffixes = Vec::new();
    let mut last_len = usize::MAX;
    while !s.is_empty() && s.len() != last_len {
        if is_special(s) {
            break;
        }
        last_len = s.len();
        let pre = prefix_len(s);
        if pre > 0 && pre < s.len() && is_special(&s[pre..]) {
            prefixes.push(&s[..pre]);
            s = &s[pre..];
            break;
        }
        let suf = suffix_len(&s[pre..]);
        if suf > 0 && suf < s.len() && is_special(&s[..s.len() - suf]) {
            suffixes.push(&s[s.len() - suf..]);
            s = &s[..s.len() - suf];
            break;
        }
        if pre > 0 {
            prefixes.push(&s[..pre]);
        }
        if suf > 0 {
            suffixes.push(&s[s.len() - suf..]);
        }
        s = &s[pre..s.len() - suf];
        if !s.is_empty() && is_special(s) {
            break;
        }
    }
    out.extend(prefixes);
    if !s.is_empty() && !push_special(s, out) {
        if looks_like_url(s) {
            out.push(s);
        } else {
            split_infixes(s, out);
        }
    }
    out.extend(suffixes.into_iter().rev());
}

fn is_special(s: &str) -> bool {
    special_split(s).is_some()
}

fn push_special<'a>(s: &'a str, out: &mut Vec<&'a str>) -> bool {
    match special_split(s) {
        Some(at) if at < s.len() => {
            out.push(&s[..at]);
            out.push(&s[at..]);
            true
        }
        Some(_) => {
            out.push(s);
            true
        }
        None => false,
    }
}

/// A special case: `Some(s.len())` keeps `s` whole, `Some(i)` splits it once at byte `i`.
fn special_split(s: &str) -> Option<usize> {
    if s.len() > 12 || !s.is_ascii() && !s.contains('’') {
        return None;
    }
    // Every special case below has a point or an apostrophe, ends in "nt", or is one of three
    // words: anything else is settled here, before the lowercase copy (this runs several times
    // per word of the measured text).
    let maybe = s.contains(['.', '\'', '’'])
        || s.len() >= 2 && s.as_bytes()[s.len() - 2..].eq_ignore_ascii_case(b"nt")
        || ["cannot", "gonna", "gotta"]
            .iter()
            .any(|w| s.eq_ignore_ascii_case(w));
    if !maybe {
        return None;
    }
    let lower = s.to_lowercase().replace('’', "'");
    if ABBREVIATIONS.contains(&lower.as_str())
        || matches!(
            lower.as_str(),
            "'s" | "n't" | "'ll" | "'re" | "'ve" | "'m" | "'d"
        )
    {
        return Some(s.len());
    }
    let tail_at = |tail_chars: usize| s.char_indices().rev().nth(tail_chars - 1).map(|(i, _)| i);
    for (suffix, n) in [("n't", 3), ("nt", 2)] {
        if let Some(stem) = lower.strip_suffix(suffix) {
            if NT_VERBS.contains(&stem) {
                return tail_at(n);
            }
        }
    }
    match lower.as_str() {
        "cannot" => return Some(3),
        "gonna" | "gotta" => return Some(3),
        _ => {}
    }
    let (stem, tail) = lower.split_once('\'')?;
    let pronoun = PRONOUN_CONTRACTIONS.iter().find(|(p, _)| *p == stem)?;
    pronoun
        .1
        .contains(&tail)
        .then(|| tail_at(tail.chars().count() + 1))
        .flatten()
}

fn starts_with_any(s: &str, options: &[&str]) -> usize {
    options
        .iter()
        .find(|o| s.starts_with(*o))
        .map_or(0, |o| o.len())
}

fn is_icon(c: char) -> bool {
    matches!(c as u32, 0x2190..=0x21FF | 0x2300..=0x23FF | 0x2500..=0x27BF | 0x1F000..=0x1FAFF)
        || matches!(c, '©' | '®' | '™')
}

fn first_char(s: &str) -> Option<char> {
    s.chars().next()
}

fn prefix_len(s: &str) -> usize {
    let Some(c) = first_char(s) else { return 0 };
    if matches!(c, '§' | '%' | '=' | '—' | '–') {
        return c.len_utf8();
    }
    if c == '+' {
        return if s[1..].starts_with(|d: char| d.is_ascii_digit()) {
            0
        } else {
            1
        };
    }
    if c == '.' && s.starts_with("..") {
        return s.len() - s.trim_start_matches('.').len();
    }
    if PUNCT.contains(c) || QUOTES.contains(c) || is_icon(c) {
        return c.len_utf8();
    }
    starts_with_any(s, CURRENCY)
}

/// Leftmost suffix match, as Python's `re.search` on spaCy's `(…)$` alternation finds it.
fn suffix_len(s: &str) -> usize {
    for (i, c) in s.char_indices() {
        let rest = &s[i..];
        let before = s[..i].chars().next_back();
        let before2 = s[..i].chars().rev().nth(1);
        let single = rest.len() == c.len_utf8();
        if single && (PUNCT.contains(c) || QUOTES.contains(c) || is_icon(c)) {
            return rest.len();
        }
        if c == '.' && rest.len() >= 2 && rest.bytes().all(|b| b == b'.') {
            return rest.len();
        }
        if matches!(rest, "'s" | "'S" | "’s" | "’S") || single && matches!(c, '—' | '–') {
            return rest.len();
        }
        let after_digit = before.is_some_and(|b| b.is_ascii_digit());
        if after_digit && (rest == "+" || CURRENCY.contains(&rest) || UNITS.contains(&rest)) {
            return rest.len();
        }
        if rest == "." {
            let b = before;
            let splits = b.is_some_and(|b| {
                b.is_ascii_digit()
                    || b.is_lowercase()
                    || "%²-+".contains(b)
                    || PUNCT.contains(b)
                    || QUOTES.contains(b)
            }) || b.is_some_and(char::is_uppercase)
                && before2.is_some_and(char::is_uppercase)
                || b.is_some_and(|b| "FfCcKk".contains(b)) && before2 == Some('°');
            if splits {
                return 1;
            }
        }
    }
    0
}

fn split_infixes<'a>(s: &'a str, out: &mut Vec<&'a str>) {
    let chars: Vec<(usize, char)> = s.char_indices().collect();
    let mut start = 0;
    let mut k = 0;
    while k < chars.len() {
        let (i, c) = chars[k];
        let prev = k.checked_sub(1).map(|p| chars[p].1);
        let next = chars.get(k + 1).map(|n| n.1);
        let mut len_chars = 0;
        if c == '.' && next == Some('.') {
            len_chars = chars[k..].iter().take_while(|(_, d)| *d == '.').count();
        } else if c == '…' || is_icon(c) {
            len_chars = 1;
        } else if let Some(p) = prev {
            let alpha_after = next.is_some_and(char::is_alphabetic);
            if p.is_ascii_digit()
                && "+-*^".contains(c)
                && next.is_some_and(|n| n.is_ascii_digit() || n == '-')
                || c == '.'
                    && (p.is_lowercase() || QUOTES.contains(p))
                    && next.is_some_and(|n| n.is_uppercase() || QUOTES.contains(n))
                || c == ',' && p.is_alphabetic() && alpha_after
                || (p.is_alphabetic() || p.is_ascii_digit()) && ":<>=/".contains(c) && alpha_after
            {
                len_chars = 1;
            } else if p.is_alphabetic() && matches!(c, '-' | '–' | '—' | '~') {
                let run = chars[k..].iter().take_while(|(_, d)| *d == c).count();
                let ok = match c {
                    '-' => run <= 3,
                    '—' => run <= 2,
                    _ => run == 1,
                };
                if ok && chars.get(k + run).is_some_and(|(_, n)| n.is_alphabetic()) {
                    len_chars = run;
                }
            }
        }
        if len_chars == 0 {
            k += 1;
            continue;
        }
        let end = chars.get(k + len_chars).map_or(s.len(), |(e, _)| *e);
        if i != start {
            out.push(&s[start..i]);
        }
        out.push(&s[i..end]);
        start = end;
        k += len_chars;
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
}

/// spaCy's URL_MATCH, reduced to what English prose contains: scheme URLs and `host.tld/path`.
fn looks_like_url(s: &str) -> bool {
    if let Some((scheme, rest)) = s.split_once("://") {
        return !rest.is_empty()
            && scheme
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || "+-.".contains(c));
    }
    let host_end = s.find(['/', '?', '#']).unwrap_or(s.len());
    let host = s[..host_end]
        .rsplit_once('@')
        .map_or(&s[..host_end], |(_, h)| h);
    let host = host
        .rsplit_once(':')
        .filter(|(_, p)| p.chars().all(|c| c.is_ascii_digit()))
        .map_or(host, |(h, _)| h);
    let mut labels = host.split('.');
    let Some(tld) = host.rsplit('.').next() else {
        return false;
    };
    host.contains('.')
        && (2..=63).contains(&tld.chars().count())
        && tld
            .chars()
            .all(|c| c.is_ascii_lowercase() || c as u32 >= 0xA1 && c.is_alphabetic())
        && labels.all(|l| {
            !l.is_empty()
                && l.chars()
                    .all(|c| c.is_alphanumeric() || c == '-' || c == '_')
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[track_caller]
    fn check(text: &str, want: &[&str]) {
        assert_eq!(split_words(text), want, "{text:?}");
    }

    #[test]
    fn peels_punctuation_and_quotes() {
        check("Hello, world.", &["Hello", ",", "world", "."]);
        check("(\"Yes!\")", &["(", "\"", "Yes", "!", "\"", ")"]);
        check("Wait... what?", &["Wait", "...", "what", "?"]);
        check("U.S. policy", &["U.S.", "policy"]);
        check("ABC.", &["ABC", "."]);
    }

    #[test]
    fn contractions_and_abbreviations() {
        check(
            "I don't think it's Mr. Smith's",
            &["I", "do", "n't", "think", "it", "'s", "Mr.", "Smith", "'s"],
        );
        check(
            "We'll see; I'm sure you can't.",
            &[
                "We", "'ll", "see", ";", "I", "'m", "sure", "you", "ca", "n't", ".",
            ],
        );
    }

    #[test]
    fn infixes_numbers_units_urls() {
        check(
            "well-known 10km $5 50%",
            &["well", "-", "known", "10", "km", "$", "5", "50", "%"],
        );
        check(
            "red,green and/or 3-4",
            &["red", ",", "green", "and", "/", "or", "3", "-", "4"],
        );
        check(
            "see https://example.com/a-b.",
            &["see", "https://example.com/a-b", "."],
        );
        check(
            "end.Next word...word",
            &["end", ".", "Next", "word", "...", "word"],
        );
    }

    /// The plain path gives what the rules give, on every chunk it takes: every word of the
    /// special-case lists and a few plain ones, bare and with each mark, in three casings.
    #[test]
    fn plain_chunks_split_as_the_rules_do() {
        let lists = [NT_VERBS, ABBREVIATIONS, UNITS, CURRENCY].concat();
        let stems = lists.iter().map(|w| w.trim_end_matches('.'));
        let extra = [
            "dont", "cannot", "Gonna", "want", "a", "I", "etc", "x", "Smith", "nt",
        ];
        let mut taken = 0;
        for stem in stems.chain(extra) {
            for word in [stem.to_owned(), stem.to_uppercase(), stem.to_lowercase()] {
                for mark in ["", ",", ";", ":", "!", "?", ".", "..", ")", "'s"] {
                    let chunk = format!("{word}{mark}");
                    let (mut plain, mut rules) = (Vec::new(), Vec::new());
                    split_by_rules(&chunk, &mut rules);
                    if split_plain(&chunk, &mut plain) {
                        assert_eq!(plain, rules, "{chunk:?}");
                        taken += 1;
                    } else {
                        assert!(plain.is_empty(), "{chunk:?}");
                    }
                }
            }
        }
        assert!(taken > 1000, "the plain path took {taken} chunks");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for s in [
            "",
            "'",
            "’",
            "...",
            "+",
            "$",
            "°.",
            "a\u{0}b",
            "—…—",
            "’s",
            "n't",
            "I'",
            "é.É",
        ] {
            let _ = split_words(s);
        }
    }
}
