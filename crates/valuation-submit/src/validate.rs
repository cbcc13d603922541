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

/// A key of `flags`: `^[a-z][a-z0-9_]{0,31}$`.
pub(crate) fn flag_code(s: &str) -> bool {
    json_key(s) && s.len() <= 32
}

/// `name` or `org/name`, each `^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`, at most 96 bytes in all
/// (a Hugging Face repository id), e.g. `sentence-transformers/all-MiniLM-L6-v2`.
pub(crate) fn model_id(s: &str) -> bool {
    let segment = |p: &str| identifier(p, 64, b"._-");
    s.len() <= 96
        && match s.split_once('/') {
            Some((org, name)) => segment(org) && segment(name),
            None => segment(s),
        }
}

/// A semantic version: `^[0-9]{1,4}\.[0-9]{1,4}\.[0-9]{1,4}(-[0-9A-Za-z.-]{1,20})?(\+[0-9A-Za-z.-]{1,20})?$`,
/// e.g. `1.0.0` or `1.1.0-rc.1+build.5`.
pub(crate) fn scorer_version(s: &str) -> bool {
    let (rest, build) = match s.split_once('+') {
        Some((r, b)) => (r, Some(b)),
        None => (s, None),
    };
    let (core, pre) = match rest.split_once('-') {
        Some((c, p)) => (c, Some(p)),
        None => (rest, None),
    };
    let label = |l: &str| {
        (1..=20).contains(&l.len())
            && l.bytes()
                .all(|b| b.is_ascii_alphanumeric() || b == b'.' || b == b'-')
    };
    let numbers: Vec<&str> = core.split('.').collect();
    numbers.len() == 3
        && numbers
            .iter()
            .all(|n| (1..=4).contains(&n.len()) && n.bytes().all(|b| b.is_ascii_digit()))
        && pre.is_none_or(label)
        && build.is_none_or(label)
}

fn identifier(s: &str, max_len: usize, punctuation: &[u8]) -> bool {
    let b = s.as_bytes();
    (1..=max_len).contains(&b.len())
        && b[0].is_ascii_alphanumeric()
        && b[1..]
            .iter()
            .all(|c| c.is_ascii_alphanumeric() || punctuation.contains(c))
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
        assert!(
            flag_code("pii_email") && flag_code(&"a".repeat(32)) && !flag_code(&"a".repeat(33))
        );
        assert!(
            model_id("sentence-transformers/all-MiniLM-L6-v2")
                && model_id("m")
                && model_id("org/m.v1_q-x")
        );
        for bad in [
            "/abs",
            "has space",
            "a/b/c",
            "org/m@v1:q+x",
            "org/",
            &"m".repeat(65),
            &format!("{}/{}", "o".repeat(40), "n".repeat(60)),
        ] {
            assert!(!model_id(bad), "{bad}");
        }
        assert!(
            scorer_version("1.0.0")
                && scorer_version("1.0.0-rc.1+build")
                && scorer_version("10.2.33+b.5")
        );
        for bad in [
            "1",
            "1.0",
            "v1.0.0",
            "1.0.0-",
            "1.0.0 x",
            "1.0.0\n",
            "1/2",
            "12345.0.0",
            &format!("1.0.0-{}", "x".repeat(21)),
        ] {
            assert!(!scorer_version(bad), "{bad}");
        }
    }
}
