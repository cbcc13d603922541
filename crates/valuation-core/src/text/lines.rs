//! Python's `str` whitespace and line semantics, which the peer heuristics are defined on.

/// Python's `str.isspace()`: Rust's White_Space plus the ASCII file/group/record/unit separators.
pub fn is_py_space(c: char) -> bool {
    c.is_whitespace() || ('\u{1c}'..='\u{1f}').contains(&c)
}

pub fn py_strip(s: &str) -> &str {
    s.trim_matches(is_py_space)
}

/// Python's `str.split()` without arguments.
pub fn py_split_whitespace(s: &str) -> impl Iterator<Item = &str> {
    s.split(is_py_space).filter(|w| !w.is_empty())
}

fn is_line_break(c: char) -> bool {
    matches!(
        c,
        '\n' | '\r'
            | '\u{0b}'
            | '\u{0c}'
            | '\u{1c}'
            | '\u{1d}'
            | '\u{1e}'
            | '\u{85}'
            | '\u{2028}'
            | '\u{2029}'
    )
}

/// Python's `str.splitlines()`: every Unicode line boundary, `\r\n` as one, no trailing empty line.
pub fn splitlines(s: &str) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut start = 0;
    let mut iter = s.char_indices().peekable();
    while let Some((i, c)) = iter.next() {
        if is_line_break(c) {
            out.push(&s[start..i]);
            let mut end = i + c.len_utf8();
            if c == '\r' && bytes.get(end) == Some(&b'\n') {
                iter.next();
                end += 1;
            }
            start = end;
        }
    }
    if start < s.len() {
        out.push(&s[start..]);
    }
    out
}

/// `re.split(r"\n{min_run,}", s)`: keeps leading and trailing empty pieces like Python does.
pub fn split_newline_runs(s: &str, min_run: usize) -> Vec<&str> {
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let (mut start, mut i) = (0, 0);
    while i < bytes.len() {
        if bytes[i] == b'\n' {
            let run_start = i;
            while i < bytes.len() && bytes[i] == b'\n' {
                i += 1;
            }
            if i - run_start >= min_run {
                out.push(&s[start..run_start]);
                start = i;
            }
        } else {
            i += 1;
        }
    }
    out.push(&s[start..]);
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn splitlines_matches_python() {
        assert_eq!(splitlines(""), Vec::<&str>::new());
        assert_eq!(splitlines("a\n"), vec!["a"]);
        assert_eq!(
            splitlines("a\r\nb\rc\u{2028}d\n\ne"),
            vec!["a", "b", "c", "d", "", "e"]
        );
    }

    #[test]
    fn newline_runs_match_re_split() {
        assert_eq!(split_newline_runs("\na\n\nb\n", 1), vec!["", "a", "b", ""]);
        assert_eq!(split_newline_runs("a\nb\n\n\nc", 2), vec!["a\nb", "c"]);
    }

    #[test]
    fn python_whitespace() {
        assert_eq!(py_strip("\u{1f} x \u{a0}"), "x");
        assert_eq!(
            py_split_whitespace(" a\tb  c\n").collect::<Vec<_>>(),
            vec!["a", "b", "c"]
        );
    }
}
