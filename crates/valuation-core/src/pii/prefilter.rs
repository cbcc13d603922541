//! Where PII can be, found cheaply, so the regexes read only those parts of a file. A big file
//! is mostly prose or numbers with no key-shaped token and few digits; running every pattern
//! over every byte was most of the whole-file pass in wasm. Both finders are exact: every match
//! the regex would find in the whole text lies inside what they return (see `super::scan`),
//! and each has a plain reference in the tests.

use std::ops::Range;

// A block per call: see `WHOLE_FILE_BLOCK`.
use crate::WHOLE_FILE_BLOCK as BLOCK;

/// Maximal runs of `member` bytes at least `min` long. A run that long covers one of every
/// `min`-th positions, so only those are read unless they fall in a run.
pub fn long_runs(b: &[u8], min: usize, member: impl Fn(u8) -> bool) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut i = min.max(1) - 1;
    while i < b.len() {
        i = long_runs_block(b, i, (i + BLOCK).min(b.len()), min, &member, &mut runs);
    }
    runs
}

/// The samples of [`long_runs`] from `i` up to `to` (a run may end past it); the next sample.
#[inline(never)]
fn long_runs_block(
    b: &[u8],
    mut i: usize,
    to: usize,
    min: usize,
    member: &impl Fn(u8) -> bool,
    runs: &mut Vec<Range<usize>>,
) -> usize {
    while i < to {
        if !member(b[i]) {
            i += min.max(1);
            continue;
        }
        // The run holding `i` cannot reach back past the non-member that ended the last one.
        let mut start = i;
        while start > 0 && member(b[start - 1]) {
            start -= 1;
        }
        let mut end = i + 1;
        while end < b.len() && member(b[end]) {
            end += 1;
        }
        if end - start >= min {
            runs.push(start..end);
        }
        i = end + min.max(1);
    }
    i
}

/// Spans holding every match of a pattern whose matches each have an ASCII digit within `back`
/// bytes of their start and are at most `max_len` bytes long: `[d - back, d + 1 + max_len)`
/// around each digit `d`, merged where they touch. A match starting in a span ends inside it.
pub fn digit_spans(b: &[u8], back: usize, max_len: usize) -> Vec<Range<usize>> {
    let mut spans = Vec::new();
    let mut from = 0;
    while let Some(first) = next_digit(b, from) {
        // The span grows while another digit lies close enough for its span to touch: the last
        // digit in that reach is found looking back from its end, a few bytes in a table of
        // numbers, so dense digits cost a step per `max_len` bytes, not one per digit.
        let mut last = first;
        loop {
            let reach = (last + 1 + max_len + back).min(b.len().saturating_sub(1));
            match (last + 1..=reach).rev().find(|&j| b[j].is_ascii_digit()) {
                Some(d) => last = d,
                None => break,
            }
        }
        spans.push(first.saturating_sub(back)..(last + 1 + max_len).min(b.len()));
        from = last + 1 + max_len + back + 1;
    }
    spans
}

/// The first ASCII digit at or after `from`: eight bytes at a time (most text has few digits).
fn next_digit(b: &[u8], mut from: usize) -> Option<usize> {
    while from < b.len() {
        let to = (from + BLOCK).min(b.len());
        if let Some(d) = next_digit_in(&b[..to], from) {
            return Some(d);
        }
        from = to;
    }
    None
}

#[inline(never)]
fn next_digit_in(b: &[u8], from: usize) -> Option<usize> {
    const LOW: u64 = 0x0101_0101_0101_0101;
    const HIGH: u64 = 0x8080_8080_8080_8080;
    let mut i = from;
    while i + 8 <= b.len() {
        let x = u64::from_le_bytes(b[i..i + 8].try_into().expect("8 bytes"));
        // Per byte y < 0x80 (no carries between bytes): y >= '0' sets bit 7 of y + 0x50,
        // y > '9' sets bit 7 of y + 0x46. A digit is ASCII, at least '0' and not above '9'.
        let y = x & !HIGH;
        let digits = (y + 0x50 * LOW) & !(y + 0x46 * LOW) & !x & HIGH;
        if digits != 0 {
            return Some(i + digits.trailing_zeros() as usize / 8);
        }
        i += 8;
    }
    (i..b.len()).find(|&j| b[j].is_ascii_digit())
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A small deterministic generator: bytes drawn from `alphabet`.
    fn bytes(seed: u64, len: usize, alphabet: &[u8]) -> Vec<u8> {
        let mut s = seed;
        (0..len)
            .map(|_| {
                s = s
                    .wrapping_mul(6_364_136_223_846_793_005)
                    .wrapping_add(1_442_695_040_888_963_407);
                alphabet[(s >> 33) as usize % alphabet.len()]
            })
            .collect()
    }

    fn runs_reference(b: &[u8], min: usize, member: impl Fn(u8) -> bool) -> Vec<Range<usize>> {
        let mut runs = Vec::new();
        let mut start = None;
        for i in 0..=b.len() {
            match (i < b.len() && member(b[i]), start) {
                (true, None) => start = Some(i),
                (false, Some(s)) => {
                    if i - s >= min {
                        runs.push(s..i);
                    }
                    start = None;
                }
                _ => {}
            }
        }
        runs
    }

    #[test]
    fn long_runs_match_the_plain_scan() {
        let member = |c: u8| c.is_ascii_alphanumeric();
        for seed in 0..200 {
            for alphabet in [
                &b"ab "[..],
                b"abcdefgh ",
                b"a \xc3\xa9",
                b"aaaaaaaaaaaaaaaaaaa ",
            ] {
                let b = bytes(seed, (seed as usize * 7) % 300, alphabet);
                for min in [1, 2, 5, 15] {
                    assert_eq!(
                        long_runs(&b, min, member),
                        runs_reference(&b, min, member),
                        "{b:?} {min}"
                    );
                }
            }
        }
    }

    #[test]
    fn digits_are_found_eight_bytes_at_a_time_as_one_by_one() {
        for seed in 0..300 {
            let b = bytes(
                seed,
                (seed as usize * 13) % 200,
                b"ab/:09 \x80\xff\xb0\xb9\x2f\x3a",
            );
            for from in [0, 1, 7, 8, 9] {
                let want = (from..b.len()).find(|&j| b[j].is_ascii_digit());
                assert_eq!(next_digit(&b, from.min(b.len())), want, "{b:?} from {from}");
            }
        }
    }

    /// One span per digit, merged with the previous one where they touch.
    fn spans_reference(b: &[u8], back: usize, max_len: usize) -> Vec<Range<usize>> {
        let mut spans: Vec<Range<usize>> = Vec::new();
        for d in (0..b.len()).filter(|&d| b[d].is_ascii_digit()) {
            let span = d.saturating_sub(back)..(d + 1 + max_len).min(b.len());
            match spans.last_mut() {
                Some(last) if span.start <= last.end => last.end = span.end,
                _ => spans.push(span),
            }
        }
        spans
    }

    #[test]
    fn digit_spans_match_one_span_per_digit_merged() {
        for seed in 0..300 {
            let sparse = bytes(
                seed,
                (seed as usize * 31) % 700,
                b"abcdefghijklmnopqrstuvwxyz 7",
            );
            let dense = bytes(seed, (seed as usize * 31) % 700, b"0123456789,. ab");
            for b in [sparse, dense] {
                for (back, max_len) in [(0, 0), (3, 4), (3, 128), (1, 20)] {
                    assert_eq!(
                        digit_spans(&b, back, max_len),
                        spans_reference(&b, back, max_len)
                    );
                }
            }
        }
    }

    #[test]
    fn block_boundaries_change_nothing() {
        // Inputs of several 64 KB blocks, with runs and digits straddling the block edges.
        let mut b = bytes(7, 3 * BLOCK + 500, b"abcdefgh ");
        for edge in [BLOCK, 2 * BLOCK, 3 * BLOCK] {
            b[edge - 20..edge + 20].fill(b'x');
            b[edge - 1] = b'5';
        }
        let member = |c: u8| c.is_ascii_alphanumeric();
        assert_eq!(long_runs(&b, 15, member), runs_reference(&b, 15, member));
        assert_eq!(digit_spans(&b, 3, 128), spans_reference(&b, 3, 128));
        assert_eq!(digit_spans(&b, 3, 128).len(), 3);
        let tail = &b[..BLOCK + 10];
        assert_eq!(next_digit(tail, 0), Some(BLOCK - 1));
        assert_eq!(next_digit(&b, BLOCK), Some(2 * BLOCK - 1));
    }

    #[test]
    fn digit_spans_cover_and_merge() {
        let b = b"x1 yyyyyyyyyyyyyyyyyyyyyyyyyyyyy 2 3 zzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzzz9";
        let spans = digit_spans(b, 2, 4);
        let want = [0..6, 31..40, b.len() - 3..b.len()];
        assert_eq!(spans, want);
        assert!(digit_spans(b"no digits here", 3, 10).is_empty());
    }
}
