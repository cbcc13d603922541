//! Packing records into request bodies: a JSON array per request, bounded in rows and bytes.

use std::ops::Range;

/// How much one request may carry. Supabase documents no body limit for the Data API; the
/// bounds keep a batch well inside common proxy limits (1 MiB) and the `authenticated` role's
/// 8 s statement timeout. A 413 anyway makes the client split the batch in halves.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct BatchLimits {
    pub max_rows: usize,
    pub max_bytes: usize,
}

impl Default for BatchLimits {
    fn default() -> Self {
        BatchLimits {
            max_rows: 500,
            max_bytes: 512 * 1024,
        }
    }
}

/// Consecutive ranges of `items` (JSON texts) whose array bodies stay within `limits`. An item
/// larger than `max_bytes` on its own still gets a chunk of its own: the server decides.
pub(crate) fn chunks(items: &[String], limits: BatchLimits) -> Vec<Range<usize>> {
    let max_rows = limits.max_rows.max(1);
    let mut out = Vec::new();
    let mut start = 0;
    let mut bytes = 2; // []
    for (i, item) in items.iter().enumerate() {
        let added = item.len() + usize::from(i > start); // a comma before all but the first
        if i > start && (i - start == max_rows || bytes + added > limits.max_bytes) {
            out.push(start..i);
            start = i;
            bytes = 2 + item.len();
        } else {
            bytes += added;
        }
    }
    if start < items.len() {
        out.push(start..items.len());
    }
    out
}

/// `[a,b,…]` of already serialised JSON objects.
pub(crate) fn array_body(items: &[String]) -> Vec<u8> {
    let mut body = Vec::with_capacity(2 + items.iter().map(|s| s.len() + 1).sum::<usize>());
    body.push(b'[');
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            body.push(b',');
        }
        body.extend_from_slice(item.as_bytes());
    }
    body.push(b']');
    body
}

#[cfg(test)]
#[allow(clippy::single_range_in_vec_init)] // one-chunk results are meant: [0..3] is a list of ranges
mod tests {
    use super::*;

    fn items(lens: &[usize]) -> Vec<String> {
        lens.iter().map(|&n| "x".repeat(n)).collect()
    }

    #[test]
    fn splits_by_rows() {
        let limits = BatchLimits {
            max_rows: 2,
            max_bytes: 1000,
        };
        assert_eq!(chunks(&items(&[1, 1, 1, 1, 1]), limits), [0..2, 2..4, 4..5]);
        assert_eq!(chunks(&[], limits), Vec::<Range<usize>>::new());
    }

    #[test]
    fn splits_by_bytes_counting_brackets_and_commas() {
        // [a,b] with 4-byte items is 2 + 4 + 1 + 4 = 11 bytes.
        let at = |max_bytes| {
            chunks(
                &items(&[4, 4, 4]),
                BatchLimits {
                    max_rows: 100,
                    max_bytes,
                },
            )
        };
        assert_eq!(at(11), [0..2, 2..3]);
        assert_eq!(at(10), [0..1, 1..2, 2..3]);
        assert_eq!(at(16), [0..3]);
        // an oversized item still travels, alone
        assert_eq!(
            chunks(
                &items(&[1, 50, 1]),
                BatchLimits {
                    max_rows: 100,
                    max_bytes: 10
                }
            ),
            [0..1, 1..2, 2..3]
        );
    }

    #[test]
    fn every_chunk_body_fits() {
        let list = items(&[3, 7, 1, 9, 4, 4, 8, 2, 6, 5]);
        for max_bytes in 12..60 {
            let limits = BatchLimits {
                max_rows: 4,
                max_bytes,
            };
            let ranges = chunks(&list, limits);
            assert_eq!(ranges.iter().map(|r| r.len()).sum::<usize>(), list.len());
            for r in ranges {
                assert!(
                    r.len() <= 4 && array_body(&list[r.clone()]).len() <= max_bytes,
                    "{max_bytes} {r:?}"
                );
            }
        }
    }

    #[test]
    fn body_is_a_json_array() {
        assert_eq!(
            array_body(&["{\"a\":1}".into(), "{\"a\":2}".into()]),
            b"[{\"a\":1},{\"a\":2}]"
        );
        assert_eq!(array_body(&[]), b"[]");
    }
}
