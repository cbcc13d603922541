//! The normal form units are hashed in: lowercase, alphanumerics only, single spaces, so that
//! near-identical units hash alike. Every unit of a file goes through it, so ASCII (nearly all
//! bytes of most files) takes a table lookup per byte; anything else goes by `char`s with the
//! same rule.

/// What an ASCII byte is to the normaliser and to word splitting.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Ascii {
    /// Alphanumeric: kept, lowercased.
    Alnum,
    /// Whitespace (`char::is_whitespace`): separates words; a space to the normaliser.
    Space,
    /// Anything else: part of a word; a space to the normaliser.
    Other,
}

pub(super) const ASCII: [Ascii; 128] = {
    let mut t = [Ascii::Other; 128];
    let mut b = 0;
    while b < 128 {
        let c = b as u8;
        if c.is_ascii_alphanumeric() {
            t[b] = Ascii::Alnum;
        } else if matches!(c, b'\t' | b'\n' | 0x0B | 0x0C | b'\r' | b' ') {
            t[b] = Ascii::Space;
        }
        b += 1;
    }
    t
};

/// `ASCII[b] == Ascii::Alnum` for every byte value, without a range check on the hot path.
const IS_ASCII_ALNUM: [bool; 256] = {
    let mut t = [false; 256];
    let mut b = 0;
    while b < 128 {
        t[b] = matches!(ASCII[b], Ascii::Alnum);
        b += 1;
    }
    t
};

/// For each 8-bit mask, the positions of its set bits in increasing order (then zeros): the
/// shuffle that packs the lanes a mask keeps to the front of a half-vector.
#[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
const PACK: [u64; 256] = {
    let mut t = [0u64; 256];
    let mut mask = 0;
    while mask < 256 {
        let (mut lanes, mut at, mut bit) = (0u64, 0, 0);
        while bit < 8 {
            if mask & (1 << bit) != 0 {
                lanes |= (bit as u64) << (8 * at);
                at += 1;
            }
            bit += 1;
        }
        t[mask] = lanes;
        mask += 1;
    }
    t
};

/// Lowercase, alphanumerics only, single spaces: near-identical units hash alike.
pub fn normalize_unit(text: &str) -> String {
    let mut n = Normalizer::default();
    n.push(text);
    n.into_string()
}

/// [`normalize_unit`] over text given in pieces, into a buffer reused from unit to unit. `gap()`
/// between pieces stands for the space a `join(" ")` would put there: normalising the joined
/// text gives the same string.
#[derive(Default)]
pub struct Normalizer {
    out: Vec<u8>,
    pending_space: bool,
}

impl Normalizer {
    pub fn clear(&mut self) {
        self.out.clear();
        self.pending_space = false;
    }

    pub fn gap(&mut self) {
        self.pending_space = true;
    }

    pub fn push(&mut self, text: &str) {
        self.out.reserve(text.len());
        let bytes = text.as_bytes();
        let mut i = 0;
        while i < bytes.len() {
            #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
            {
                i += self.ascii_vectors(&bytes[i..]);
                if i >= bytes.len() {
                    break;
                }
            }
            // Byte by byte (char by char) to past the next 16 bytes, then vectors again.
            let stop = (i + 16).min(bytes.len());
            while i < stop {
                let b = bytes[i];
                if IS_ASCII_ALNUM[b as usize] {
                    i += self.alnum_run(&bytes[i..]);
                } else if b < 0x80 {
                    self.pending_space = true;
                    i += 1;
                } else {
                    let c = text[i..].chars().next().expect("i is on a char boundary");
                    self.char(c);
                    i += c.len_utf8();
                }
            }
        }
    }

    /// Whole 16-byte vectors of ASCII, each normalised without a branch per byte or per word:
    /// a table row or a line of numbers is a short word per few bytes, where `alnum_run`'s
    /// vector per word was most of the normaliser's time. Returns the bytes taken (a multiple
    /// of 16); it stops before a vector holding non-ASCII, or fewer than 16 bytes.
    ///
    /// Per vector: the alphanumeric lanes are kept, lowercased; of the others, the one that
    /// ends a run before an alphanumeric byte is kept as a space if anything was written before
    /// it, and the rest are dropped. That is the rule of the scalar loop, which writes that one
    /// space when the next alphanumeric comes. The kept lanes are packed with a shuffle per
    /// half-vector from [`PACK`].
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn ascii_vectors(&mut self, bytes: &[u8]) -> usize {
        use core::arch::wasm32::*;
        let within =
            |v: v128, lo: u8, n: u8| u8x16_lt(u8x16_sub(v, u8x16_splat(lo)), u8x16_splat(n));
        // Each vector writes at most 17 bytes (a space owed from before, 16 lanes) and stores
        // 16 bytes past what it keeps: room for all of them at once.
        self.out.reserve(bytes.len() + 32);
        let mut n = 0;
        while n + 16 <= bytes.len() {
            // SAFETY: `n + 16 <= bytes.len()`; v128_load has no alignment requirement.
            let v = unsafe { v128_load(bytes.as_ptr().add(n) as *const v128) };
            if u8x16_bitmask(v) != 0 {
                break;
            }
            let upper = within(v, b'A', 26);
            let alnum = v128_or(v128_or(upper, within(v, b'a', 26)), within(v, b'0', 10));
            let m = u32::from(u8x16_bitmask(alnum));
            // Bit j: byte j + 1 is an ASCII alphanumeric (a non-ASCII one is left to the
            // scalar loop, through `pending_space`).
            let next = u32::from(
                bytes
                    .get(n + 16)
                    .is_some_and(|&b| IS_ASCII_ALNUM[b as usize]),
            );
            let after = (m >> 1) | (next << 15);
            let run_ends = !m & after & 0xFFFF;
            // Bit j: something is written before byte j.
            let written = if !self.out.is_empty() {
                0xFFFF
            } else {
                // The bits above the lowest set one (none when no bit is set).
                let first = m & m.wrapping_neg();
                !(first | first.wrapping_sub(1)) & 0xFFFF
            };
            // A space owed from before this vector (a gap, a separator that was not ASCII).
            if self.pending_space && m & 1 != 0 && !self.out.is_empty() {
                self.out.push(b' ');
            }
            let keep = m | (run_ends & written);
            let lowered = v128_or(v, v128_and(upper, u8x16_splat(0x20)));
            let spaced = v128_bitselect(lowered, u8x16_splat(b' '), alnum);
            let (lo, hi) = ((keep & 0xFF) as usize, (keep >> 8) as usize);
            let lo_lanes = u64x2(PACK[lo], 0);
            let hi_lanes = u64x2(PACK[hi] + 0x0808_0808_0808_0808, 0);
            let mut len = self.out.len();
            // SAFETY: at most `n + 1` bytes were written since the reserve above, so both
            // 16-byte stores land in capacity; only the bytes the masks keep (initialised by
            // the stores) are taken into the vector.
            unsafe {
                let at = self.out.as_mut_ptr();
                v128_store(at.add(len) as *mut v128, i8x16_swizzle(spaced, lo_lanes));
                len += lo.count_ones() as usize;
                v128_store(at.add(len) as *mut v128, i8x16_swizzle(spaced, hi_lanes));
                len += hi.count_ones() as usize;
                self.out.set_len(len);
            }
            // A separator run reaching the end is owed its space unless it was written above.
            self.pending_space = m >> 15 == 0 && next == 0;
            n += 16;
        }
        n
    }

    /// Appends the run of ASCII alphanumerics `bytes` starts with, lowercased, and says how long
    /// it was: a word at a time rather than a byte at a time (in wasm, whole vectors first).
    #[inline(always)]
    pub(super) fn alnum_run(&mut self, bytes: &[u8]) -> usize {
        self.space_if_pending();
        #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
        let n = match self.alnum_vectors(bytes) {
            Ok(run) => return run,
            Err(taken) => taken,
        };
        #[cfg(not(all(target_arch = "wasm32", target_feature = "simd128")))]
        let n = 0;
        let rest = bytes[n..]
            .iter()
            .position(|&b| !IS_ASCII_ALNUM[b as usize])
            .unwrap_or(bytes.len() - n);
        self.out
            .extend(bytes[n..n + rest].iter().map(u8::to_ascii_lowercase));
        n + rest
    }

    /// The run 16 bytes at a time: classify, lowercase and store a whole vector, then keep as
    /// many bytes as the run is long (the rest of the store lands in spare capacity and is
    /// overwritten). Each byte gets the same test and the same lowercase as the scalar loop.
    /// `Ok(len)`: the run ended inside a vector; `Err(taken)`: whole vectors taken, fewer than
    /// 16 bytes left, the scalar loop goes on from there.
    #[cfg(all(target_arch = "wasm32", target_feature = "simd128"))]
    #[inline(always)]
    fn alnum_vectors(&mut self, bytes: &[u8]) -> Result<usize, usize> {
        use core::arch::wasm32::*;
        // Unsigned `c - lo < n` tests `lo <= c < lo + n` in one compare.
        let within =
            |v: v128, lo: u8, n: u8| u8x16_lt(u8x16_sub(v, u8x16_splat(lo)), u8x16_splat(n));
        let mut n = 0;
        while n + 16 <= bytes.len() {
            // SAFETY: `n + 16 <= bytes.len()`; v128_load has no alignment requirement.
            let v = unsafe { v128_load(bytes.as_ptr().add(n) as *const v128) };
            let upper = within(v, b'A', 26);
            let alnum = v128_or(v128_or(upper, within(v, b'a', 26)), within(v, b'0', 10));
            let run = u8x16_bitmask(alnum).trailing_ones() as usize;
            let lowered = v128_or(v, v128_and(upper, u8x16_splat(0x20)));
            self.out.reserve(16);
            let len = self.out.len();
            // SAFETY: 16 bytes of capacity were reserved past `len`; the first `run` of them
            // are initialised by the store, and only those are taken into the vector.
            unsafe {
                v128_store(self.out.as_mut_ptr().add(len) as *mut v128, lowered);
                self.out.set_len(len + run);
            }
            n += run;
            if run < 16 {
                return Ok(n);
            }
        }
        Err(n)
    }

    pub(super) fn char(&mut self, c: char) {
        for lower in c.to_lowercase() {
            if lower.is_alphanumeric() {
                self.space_if_pending();
                let mut utf8 = [0; 4];
                self.out
                    .extend_from_slice(lower.encode_utf8(&mut utf8).as_bytes());
            } else {
                self.pending_space = true;
            }
        }
    }

    #[inline(always)]
    fn space_if_pending(&mut self) {
        if self.pending_space && !self.out.is_empty() {
            self.out.push(b' ');
        }
        self.pending_space = false;
    }

    /// The normal form so far, as UTF-8 bytes (what the unit hash reads).
    pub fn as_bytes(&self) -> &[u8] {
        &self.out
    }

    pub(super) fn len(&self) -> usize {
        self.out.len()
    }

    fn into_string(self) -> String {
        String::from_utf8(self.out).expect("only whole chars are pushed")
    }
}

/// The rule as first written, char by char: the reference the byte-wise normaliser must match.
pub(crate) fn normalize_reference(text: &str) -> String {
    let mut out = String::new();
    let mut pending_space = false;
    for c in text.chars().flat_map(char::to_lowercase) {
        if c.is_alphanumeric() {
            if pending_space && !out.is_empty() {
                out.push(' ');
            }
            pending_space = false;
            out.push(c);
        } else {
            pending_space = true;
        }
    }
    out
}

/// The normaliser against [`normalize_reference`] on long ASCII words (where wasm's SIMD path
/// runs), every ASCII byte at every offset of a vector, and non-ASCII between them. Run by the
/// native tests and, through valuation-wasm's browser tests, by the wasm build.
pub fn check_normalizer() -> Result<(), String> {
    let ascii: String = (0u8..128).map(char::from).collect();
    let mut inputs = vec![ascii.repeat(3)];
    for len in [15, 16, 17, 31, 32, 33, 100] {
        let word: String = "AbZz09Qm".chars().cycle().take(len).collect();
        inputs.push(format!("{word} {word}, {word}\u{e9}{word}\u{3000}{word}"));
        inputs.push(format!("{word}{ascii}{word}"));
    }
    for shift in 0..16 {
        inputs.push(format!("{}{ascii}", "x".repeat(shift)));
    }
    // Table rows and their kin: short words and separators at every offset of a vector, runs
    // across vector ends, non-ASCII letters and separators next to them, leading separators.
    const PIECES: [&str; 14] = [
        "a", "Zq", "0", "42", " ", ",", ", ", "\"", "\n", "\u{e9}", "\u{3000}", "\u{130}",
        "\u{df}x", "--",
    ];
    let mut next = crate::rng::splitmix64(0x6e6f_726d);
    for _ in 0..600 {
        let len = (next() % 90) as usize;
        inputs.push((0..len).map(|_| PIECES[(next() % 14) as usize]).collect());
    }
    for input in &inputs {
        if normalize_unit(input) != normalize_reference(input) {
            return Err(format!("normalize_unit({input:?})"));
        }
        // In pieces with gaps, as table cells are: the pieces joined by spaces.
        let mut pieces = Normalizer::default();
        for (i, piece) in input.split(',').enumerate() {
            if i > 0 {
                pieces.gap();
            }
            pieces.push(piece);
        }
        if pieces.as_bytes() != normalize_reference(&input.replace(',', " ")).as_bytes() {
            return Err(format!("Normalizer in pieces ({input:?})"));
        }
    }
    Ok(())
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;

    pub(crate) const CASES: [&str; 8] = [
        "",
        "  Hello, World!  ",
        "ÀÉÎ õü ß ﬁ İstanbul ΣΑΣ Ǆ",
        "x\u{0307}y \u{00A0}nbsp\u{2003}em\tTAB\nline\u{85}nel\u{3000}ideo",
        "日本語のテキスト、句読点。",
        "emoji 🙂 between\u{200B}zero-width",
        "MiXeD123_under-score",
        "\u{1680}ogham\u{2028}ls\u{202F}\u{205F}x\u{0B}\u{0C}\r",
    ];

    #[test]
    fn ascii_table_is_char_is_whitespace_and_is_alphanumeric() {
        for b in 0u8..128 {
            let c = b as char;
            let want = if c.is_alphanumeric() {
                Ascii::Alnum
            } else if c.is_whitespace() {
                Ascii::Space
            } else {
                Ascii::Other
            };
            assert!(ASCII[b as usize] == want, "{b}");
        }
    }

    #[test]
    fn normalizer_matches_the_char_by_char_rule() {
        check_normalizer().unwrap();
        for case in CASES {
            assert_eq!(normalize_unit(case), normalize_reference(case), "{case:?}");
            // In pieces with gaps: the same as the pieces joined by spaces.
            let pieces: Vec<&str> = case.split(' ').collect();
            let mut n = Normalizer::default();
            for (i, p) in pieces.iter().enumerate() {
                if i > 0 {
                    n.gap();
                }
                n.push(p);
            }
            assert_eq!(
                n.as_bytes(),
                normalize_reference(&pieces.join(" ")).as_bytes(),
                "{case:?}"
            );
        }
    }
}
