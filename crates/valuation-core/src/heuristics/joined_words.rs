//! Hashes of runs of consecutive words as if joined into one string, for the Gopher n-gram rules.
//!
//! Those rules compare every n-gram of the measured text for n = 2 … 10, as datatrove does, by
//! its joined string. Joining each n-gram and hashing its bytes cost a copy and a pass over them
//! per size and position: a quarter of the whole-file pass of a 1 MB text. Here a polynomial hash
//! of the joined text is kept at every word boundary, so any run's hash is one subtraction and
//! one multiply: `h(run) = (P(end) − P(start)) · B^−start`, where `P(x) = Σ_{t<x} (byte_t + 1)·B^t`
//! mod 2⁶⁴ and `B` is odd, hence invertible.
//!
//! Equal joined strings always get equal hashes. Different ones collide only when a difference
//! polynomial of bytes vanishes at `B` mod 2⁶⁴; that takes crafted input (Thue–Morse strings
//! kilobytes long) and can only add duplicates, never hide one, so it can only lower the score of
//! whoever crafted it. Bytes count from 1 so that trailing NULs change the hash.

/// An odd 64-bit constant (the golden ratio's fraction); any odd value works.
const B: u64 = 0x9e37_79b9_7f4a_7c15;
/// `B⁻¹` mod 2⁶⁴ by Newton's iteration (each step doubles the correct low bits: 3 → 96).
const B_INV: u64 = {
    let mut inv = B; // correct to 3 bits for any odd B
    let mut i = 0;
    while i < 5 {
        inv = inv.wrapping_mul(2u64.wrapping_sub(B.wrapping_mul(inv)));
        i += 1;
    }
    inv
};

/// The words of a text joined by `sep`, as prefix hashes at each word's start and end.
pub(super) struct JoinedWords {
    start: Vec<u64>,
    end: Vec<u64>,
    /// `B^−x` at each word's start `x` (in bytes of the joined string).
    unscale: Vec<u64>,
}

impl JoinedWords {
    pub(super) fn new(words: &[&str], sep: &[u8]) -> Self {
        let mut joined = JoinedWords {
            start: Vec::with_capacity(words.len()),
            end: Vec::with_capacity(words.len()),
            unscale: Vec::with_capacity(words.len()),
        };
        let (mut h, mut pow, mut inv) = (0u64, 1u64, 1u64);
        let mut push = |bytes: &[u8], h: &mut u64| {
            for &b in bytes {
                *h = h.wrapping_add((u64::from(b) + 1).wrapping_mul(pow));
                pow = pow.wrapping_mul(B);
                inv = inv.wrapping_mul(B_INV);
            }
            inv
        };
        for (i, w) in words.iter().enumerate() {
            let inv_at_start = if i > 0 { push(sep, &mut h) } else { 1 };
            joined.start.push(h);
            joined.unscale.push(inv_at_start);
            push(w.as_bytes(), &mut h);
            joined.end.push(h);
        }
        joined
    }

    /// The hash of words `i .. i + n` joined (`n ≥ 1`), mixed so that every bit of it is usable
    /// by a hash table.
    #[inline]
    pub(super) fn hash(&self, i: usize, n: usize) -> u64 {
        let run = self.end[i + n - 1].wrapping_sub(self.start[i]);
        fmix64(run.wrapping_mul(self.unscale[i]))
    }
}

/// MurmurHash3's 64-bit finaliser: a polynomial hash's low bits depend only on the low bits of
/// its bytes, and hash tables index by low bits.
fn fmix64(mut k: u64) -> u64 {
    k ^= k >> 33;
    k = k.wrapping_mul(0xff51_afd7_ed55_8ccd);
    k ^= k >> 33;
    k = k.wrapping_mul(0xc4ce_b9fe_1a85_ec53);
    k ^ (k >> 33)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    #[test]
    fn b_inv_inverts_b() {
        assert_eq!(B.wrapping_mul(B_INV), 1);
    }

    /// Over every run of 1 … 6 words, hashes are equal exactly when the joined strings are,
    /// including runs whose words split differently ("ab" + "c" and "a" + "bc" when joined by
    /// nothing), NULs and non-ASCII.
    #[test]
    fn equal_hashes_exactly_for_equal_joined_strings() {
        let words = [
            "ab", "c", "a", "bc", "ab", "c", "", "x\0", "x", "\0", "é", "ab", "c", "a", "bc", "ab",
            "c", "abc", "日本", "a", "bc",
        ];
        for sep in [&b""[..], b" "] {
            let joined = JoinedWords::new(&words, sep);
            let sep = std::str::from_utf8(sep).unwrap();
            for n in 1..=6 {
                let mut by_hash: HashMap<u64, String> = HashMap::new();
                let mut by_text: HashMap<String, u64> = HashMap::new();
                for i in 0..=words.len() - n {
                    let (h, text) = (joined.hash(i, n), words[i..i + n].join(sep));
                    assert_eq!(by_hash.entry(h).or_insert_with(|| text.clone()), &text);
                    assert_eq!(*by_text.entry(text).or_insert(h), h);
                }
            }
        }
    }
}
