//! Where PII can be, found cheaply, so the regexes read only those parts of a file. A big file
//! is mostly prose or numbers with no key-shaped token and few digits; running every pattern
//! over every byte was most of the whole-file pass in wasm. Both finders are exact: every match
//! the regex would find in the whole text lies inside what they return (see `super::scan`),
//! and each has a plain reference in the tests.

use std::ops::Range;

// A block per call: see `WHOLE_FILE_BLOCK`.
use crate::WHOLE_FILE_BLOCK as BLOCK;

/// Maximal runs of key bytes ([`super::is_key_byte`]: ASCII alphanumerics, `_`, `.`, `-`) at
/// least `min` long (`1 ..= 64`). A file is classified 64 bytes at a time into a bit mask (16 bytes
/// per SIMD compare in wasm), and a chunk is read bit by bit only when a run that long may end in
/// it: the run carried in from earlier chunks plus the chunk's first members, or one inside the
/// chunk (found by and-ing the mask with itself shifted). In prose and tables that is rare;
/// reading words byte by byte to measure them was a tenth of the whole-file pass in wasm.
pub fn key_runs(b: &[u8], min: usize) -> Vec<Range<usize>> {
    assert!((1..=64).contains(&min), "run length");
    let mut runs = Vec::new();
    // Where the run of key bytes that reaches the current chunk's start began (`base`: none).
    let mut run_start = 0;
    let mut base = 0;
    while base < b.len() {
        let to = (base + BLOCK).min(b.len());
        run_start = key_runs_block(b, base, to, run_start, min, &mut runs);
        base = to;
    }
    if run_start < b.len() && b.len() - run_start >= min {
        runs.push(run_start..b.len());
    }
    runs
}

/// [`key_runs`] over `b[base..to]` (`base` a multiple of 64); where the run reaching `to` began.
#[inline(never)]
fn key_runs_block(
    b: &[u8],
    mut base: usize,
    to: usize,
    mut run_start: usize,
    min: usize,
    runs: &mut Vec<Range<usize>>,
) -> usize {
    while base < to {
        let chunk = &b[base..(base + 64).min(b.len())];
        // Bit j: chunk[j] is a key byte; past the end of the file, none is.
        let m = key_mask(chunk);
        if m == u64::MAX {
            base += 64;
            continue;
        }
        if base - run_start + m.trailing_ones() as usize >= min || has_run(m, min) {
            run_start = walk_chunk(m, base, run_start, min, runs);
        } else {
            run_start = base + 64 - m.leading_ones() as usize;
        }
        base += 64;
    }
    run_start
}

/// Whether `m` holds `min` consecutive set bits: after the loop, bit j of `r` says bits
/// `j .. j + len` are all set.
fn has_run(m: u64, min: usize) -> bool {
    let (mut r, mut len) = (m, 1);
    while len < min {
        let step = (min - len).min(len);
        r &= r >> step;
        len += step;
    }
    r != 0
}

/// The chunk bit by bit: runs that end in it, and where the one reaching its end began.
#[cold]
fn walk_chunk(
    m: u64,
    base: usize,
    mut start: usize,
    min: usize,
    runs: &mut Vec<Range<usize>>,
) -> usize {
    for j in 0..64 {
        if m >> j & 1 == 0 {
            let at = base + j;
            if at - start >= min {
                runs.push(start..at);
            }
            start = at + 1;
        }
    }
    start
}

/// Bit j set when `chunk[j]` (at most 64 bytes) is a key byte.
#[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
fn key_mask(chunk: &[u8]) -> u64 {
    chunk
        .iter()
        .enumerate()
        .fold(0, |m, (j, &c)| m | u64::from(super::is_key_byte(c)) << j)
}

#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
fn key_mask(chunk: &[u8]) -> u64 {
    use core::arch::wasm32::*;
    let mut padded = [0u8; 64];
    let bytes: &[u8; 64] = match chunk.try_into() {
        Ok(whole) => whole,
        Err(_) => {
            padded[..chunk.len()].copy_from_slice(chunk);
            &padded
        }
    };
    let mut m = 0u64;
    for (q, part) in bytes.chunks_exact(16).enumerate() {
        // SAFETY: `part` is 16 readable bytes; v128_load has no alignment requirement.
        let v = unsafe { v128_load(part.as_ptr() as *const v128) };
        // Unsigned `c - lo < n` tests `lo <= c < lo + n` in one compare.
        let within = |lo: u8, n: u8| u8x16_lt(u8x16_sub(v, u8x16_splat(lo)), u8x16_splat(n));
        let letter = u8x16_lt(
            u8x16_sub(v128_or(v, u8x16_splat(0x20)), u8x16_splat(b'a')),
            u8x16_splat(26),
        );
        let key = v128_or(
            v128_or(letter, within(b'0', 10)),
            v128_or(
                within(b'-', 2), // `-` and `.`
                u8x16_eq(v, u8x16_splat(b'_')),
            ),
        );
        m |= u64::from(u8x16_bitmask(key)) << (16 * q);
    }
    m
}

/// [`key_runs`] against the plain definition, on every byte value at every lane of a chunk and on
/// runs around chunk and block edges. Run by the native tests and, through valuation-wasm's
/// browser tests, by the wasm build, where the SIMD classifier is the one compiled in.
pub fn check_key_runs() -> Result<(), String> {
    let mut inputs: Vec<Vec<u8>> = Vec::new();
    for shift in 0..64 {
        let mut all = vec![b' '; shift];
        all.extend((0..=255u8).flat_map(|c| [c, b' ']));
        inputs.push(all);
    }
    for len in [63, 64, 65, 127, 128, 129, 192, 200] {
        inputs.push(vec![b'k'; len]);
        let mut gap = vec![b'k'; len];
        gap[len / 2] = b'@';
        inputs.push(gap);
    }
    let mut edges = vec![b'x'; 2 * BLOCK + 100];
    for edge in [BLOCK - 1, BLOCK + 20, 2 * BLOCK - 64] {
        edges[edge] = b' ';
    }
    inputs.push(edges);
    for input in &inputs {
        for min in [1, 2, 15, 63, 64] {
            if key_runs(input, min) != key_runs_reference(input, min) {
                return Err(format!("key_runs({} bytes, {min})", input.len()));
            }
        }
    }
    Ok(())
}

/// Runs of key bytes, one byte at a time.
pub(super) fn key_runs_reference(b: &[u8], min: usize) -> Vec<Range<usize>> {
    let mut runs = Vec::new();
    let mut start = None;
    for i in 0..=b.len() {
        match (i < b.len() && super::is_key_byte(b[i]), start) {
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
            match last_digit_in(b, last + 1, reach) {
                Some(d) => last = d,
                None => break,
            }
        }
        spans.push(first.saturating_sub(back)..(last + 1 + max_len).min(b.len()));
        from = last + 1 + max_len + back + 1;
    }
    spans
}

/// The last ASCII digit in `b[from..=to]`. A function of its own: over a table of numbers,
/// `digit_spans` is one call that steps through the whole file, and only a function called
/// many times gets V8's optimising tier (see `WHOLE_FILE_BLOCK`).
#[inline(never)]
fn last_digit_in(b: &[u8], from: usize, to: usize) -> Option<usize> {
    (from..=to).rev().find(|&j| b[j].is_ascii_digit())
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

    #[test]
    fn key_runs_match_the_plain_scan() {
        check_key_runs().unwrap();
        for seed in 0..200 {
            for alphabet in [
                &b"ab "[..],
                b"aZ9_.- ,\xc3\xa9",
                b"aaaaaaaaaaaaaaaaaaa ",
                b"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa@",
            ] {
                let b = bytes(seed, (seed as usize * 7) % 300, alphabet);
                for min in [1, 2, 5, 15, 63, 64] {
                    assert_eq!(
                        key_runs(&b, min),
                        key_runs_reference(&b, min),
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
        assert_eq!(key_runs(&b, 15), key_runs_reference(&b, 15));
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
