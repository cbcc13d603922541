//! Format checks that mirror the CHECK constraints of `data_contributions`
//! (supabase/migrations/20261126000002_data_contributions.sql). A bad record fails here with a
//! clear message instead of as a 400 from the database, and no free text can reach a row: every
//! string is a hash, an enum or a bounded identifier.

/// Canonical 8-4-4-4-12 UUID, returned lowercase (PostgreSQL accepts either case; one spelling
/// keeps logs and comparisons simple).
pub(crate) fn uuid(s: &str) -> Option<String> {
    let ok = s.len() == 36
        && s.bytes().enumerate().all(|(i, b)| match i {
            8 | 13 | 18 | 23 => b == b'-',
            _ => b.is_ascii_hexdigit(),
        });
    ok.then(|| s.to_ascii_lowercase())
}

/// 64 hex digits, returned lowercase: the column wants `^[0-9a-f]{64}$`, and the dedupe key
/// compares text, so an uppercase spelling would otherwise be a second row for the same file.
pub(crate) fn sha256_hex(s: &str) -> Option<String> {
    (s.len() == 64 && s.bytes().all(|b| b.is_ascii_hexdigit())).then(|| s.to_ascii_lowercase())
}

/// A key of `sub_scores` or `flags`: `^[a-z][a-z0-9_]{0,63}$`.
pub(crate) fn json_key(s: &str) -> bool {
    let b = s.as_bytes();
    (1..=64).contains(&b.len())
        && b[0].is_ascii_lowercase()
        && b[1..]
            .iter()
            .all(|&c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'_')
}

/// `^[A-Za-z0-9][A-Za-z0-9._/@:+-]{0,199}$`, e.g. `sentence-transformers/all-MiniLM-L6-v2`.
pub(crate) fn model_id(s: &str) -> bool {
    identifier(s, 200, b"._/@:+-")
}

/// `^[0-9A-Za-z][0-9A-Za-z.+-]{0,63}$`, e.g. `1.0.0`.
pub(crate) fn scorer_version(s: &str) -> bool {
    identifier(s, 64, b".+-")
}

fn identifier(s: &str, max_len: usize, punctuation: &[u8]) -> bool {
    let b = s.as_bytes();
    (1..=max_len).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || punctuation.contains(c))
}

/// Length of PostgreSQL's text rendering of a flat jsonb object (`{"a": 1, "b": null}`: a space
/// after every `:` and `,`), which is what the columns' `octet_length(x::text) <= 2048` measures.
/// Keys are plain identifiers (checked by `json_key`), so no escaping changes their length.
pub(crate) fn jsonb_object_text_len<'a>(
    entries: impl IntoIterator<Item = (&'a str, usize)>,
) -> usize {
    let mut len = 2; // {}
    for (i, (key, value_len)) in entries.into_iter().enumerate() {
        len += if i > 0 { 2 } else { 0 } + key.len() + 2 + 2 + value_len; // ", " "key" ": " value
    }
    len
}

/// Digits of an unsigned integer as JSON writes it.
pub(crate) fn decimal_len(n: u64) -> usize {
    n.checked_ilog10().map_or(1, |l| l as usize + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uuids() {
        assert_eq!(
            uuid("D2000000-0000-4000-8000-00000000000A").as_deref(),
            Some("d2000000-0000-4000-8000-00000000000a")
        );
        for bad in [
            "",
            "d2000000000040008000000000000001",
            "d2000000-0000-4000-8000-00000000000g",
            "{d2000000-0000-4000-8000-000000000001}",
        ] {
            assert_eq!(uuid(bad), None, "{bad}");
        }
    }

    #[test]
    fn hashes() {
        assert_eq!(sha256_hex(&"AB".repeat(32)), Some("ab".repeat(32)));
        assert_eq!(sha256_hex(&"ab".repeat(31)), None);
        assert_eq!(sha256_hex(&format!("{}zz", "ab".repeat(31))), None);
    }

    #[test]
    fn identifiers() {
        assert!(json_key("pii_email") && json_key("a") && json_key(&"a".repeat(64)));
        for bad in ["", "Pii", "1a", "_a", "a-b", "a b", &"a".repeat(65)] {
            assert!(!json_key(bad), "{bad}");
        }
        assert!(model_id("sentence-transformers/all-MiniLM-L6-v2") && model_id("org/m@v1:q+x"));
        assert!(!model_id("/abs") && !model_id("has space") && !model_id(&"m".repeat(201)));
        assert!(scorer_version("1.0.0") && scorer_version("1.0.0-rc.1+build"));
        assert!(!scorer_version("v 1") && !scorer_version(".1") && !scorer_version("1/2"));
    }

    #[test]
    fn jsonb_rendering_length() {
        // PostgreSQL: select '{"a":1,"bc":null}'::jsonb::text  ->  {"a": 1, "bc": null}
        assert_eq!(
            jsonb_object_text_len([("a", 1), ("bc", 4)]),
            r#"{"a": 1, "bc": null}"#.len()
        );
        assert_eq!(jsonb_object_text_len([]), 2);
        assert_eq!(
            (
                decimal_len(0),
                decimal_len(9),
                decimal_len(10),
                decimal_len(u64::MAX)
            ),
            (1, 1, 2, 20)
        );
    }
}
