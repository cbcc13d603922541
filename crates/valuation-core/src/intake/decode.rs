//! Bytes to normalised text: BOM-directed UTF-8 / UTF-16, invalid bytes counted (and replaced by
//! U+FFFD) rather than fatal, line endings to `\n`, Unicode NFC.

use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use unicode_normalization::{is_nfc_quick, IsNormalized, UnicodeNormalization};

// A block per call: see `WHOLE_FILE_BLOCK`.
use crate::WHOLE_FILE_BLOCK as BLOCK;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "kebab-case")]
#[non_exhaustive]
pub enum Encoding {
    Utf8,
    Utf8Bom,
    Utf16le,
    Utf16be,
}

pub struct Decoded<'a> {
    /// Every byte of `text` is ASCII (so its chars are its bytes).
    pub ascii: bool,
    /// Borrowed from the input when it already is valid UTF-8 in NFC with `\n` line ends (the
    /// common case): a file of hundreds of megabytes is not copied.
    pub text: Cow<'a, str>,
    pub encoding: Encoding,
    /// Bytes that were not valid in the encoding (each invalid sequence counted by its length).
    pub invalid_bytes: usize,
}

pub fn decode(bytes: &[u8]) -> Decoded<'_> {
    let ((text, encoding, invalid_bytes), ascii) = match bytes {
        [0xEF, 0xBB, 0xBF, rest @ ..] => with_utf8(rest, Encoding::Utf8Bom),
        [0xFF, 0xFE, rest @ ..] => with_ascii(utf16(rest, u16::from_le_bytes, Encoding::Utf16le)),
        [0xFE, 0xFF, rest @ ..] => with_ascii(utf16(rest, u16::from_be_bytes, Encoding::Utf16be)),
        _ => with_utf8(bytes, Encoding::Utf8),
    };
    let text = normalize(text, ascii);
    Decoded {
        // Line endings to `\n` keep ASCII text ASCII.
        ascii,
        text,
        encoding,
        invalid_bytes,
    }
}

type Text<'a> = (Cow<'a, str>, Encoding, usize);

/// The decoded text and whether it is all ASCII.
fn with_ascii(text: Text<'_>) -> (Text<'_>, bool) {
    let ascii = is_ascii(text.0.as_bytes());
    (text, ascii)
}

/// UTF-8, and whether it is all ASCII: most files are, and for them that one check is the
/// validation (no UTF-8 validator pass, no NFC check).
fn with_utf8(bytes: &[u8], encoding: Encoding) -> (Text<'_>, bool) {
    if is_ascii(bytes) {
        // SAFETY: ASCII bytes are valid UTF-8.
        let text = unsafe { std::str::from_utf8_unchecked(bytes) };
        return ((Cow::Borrowed(text), encoding, 0), true);
    }
    // Not ASCII: a byte of 0x80 or more, or a U+FFFD in its place.
    match valid_utf8(bytes) {
        Some(text) => ((Cow::Borrowed(text), encoding, 0), false),
        None => {
            let (text, invalid) = utf8_lossy_counted(bytes);
            ((Cow::Owned(text), encoding, invalid), false)
        }
    }
}

/// `std::str::from_utf8`, validated a block per call.
fn valid_utf8(bytes: &[u8]) -> Option<&str> {
    let mut at = 0;
    while at < bytes.len() {
        at = valid_utf8_block(bytes, at)?;
    }
    // SAFETY: every byte was validated above, blocks resuming at the char a block boundary cut.
    Some(unsafe { std::str::from_utf8_unchecked(bytes) })
}

/// Validates the block at `at`; where the next block starts, or `None` on invalid UTF-8.
#[inline(never)]
fn valid_utf8_block(bytes: &[u8], at: usize) -> Option<usize> {
    let end = (at + BLOCK).min(bytes.len());
    match std::str::from_utf8(&bytes[at..end]) {
        Ok(_) => Some(end),
        // A char cut by the block's end (not by the file's): validated with the next block.
        Err(e) if e.error_len().is_none() && end < bytes.len() => Some(at + e.valid_up_to()),
        Err(_) => None,
    }
}

fn is_ascii(bytes: &[u8]) -> bool {
    bytes.chunks(BLOCK).all(is_ascii_block)
}

#[inline(never)]
fn is_ascii_block(block: &[u8]) -> bool {
    block.is_ascii()
}

fn has_cr(text: &str) -> bool {
    text.as_bytes().chunks(BLOCK).any(has_cr_block)
}

/// With SIMD (`memchr`): `contains` is a word at a time, and words are 32-bit in wasm.
#[inline(never)]
fn has_cr_block(block: &[u8]) -> bool {
    memchr::memchr(b'\r', block).is_some()
}

fn utf8_lossy_counted(mut bytes: &[u8]) -> (String, usize) {
    let mut out = String::with_capacity(bytes.len());
    let mut invalid = 0;
    loop {
        match std::str::from_utf8(bytes) {
            Ok(s) => {
                out.push_str(s);
                return (out, invalid);
            }
            Err(e) => {
                let (good, rest) = bytes.split_at(e.valid_up_to());
                out.push_str(std::str::from_utf8(good).unwrap_or_default());
                out.push(char::REPLACEMENT_CHARACTER);
                let bad = e.error_len().unwrap_or(rest.len());
                invalid += bad;
                bytes = &rest[bad..];
            }
        }
    }
}

fn utf16(
    bytes: &[u8],
    unit: fn([u8; 2]) -> u16,
    encoding: Encoding,
) -> (Cow<'static, str>, Encoding, usize) {
    let units = bytes.chunks_exact(2).map(|p| unit([p[0], p[1]]));
    let mut invalid = bytes.len() % 2;
    let mut out = String::with_capacity(bytes.len() / 2);
    for c in char::decode_utf16(units) {
        out.push(c.unwrap_or_else(|_| {
            invalid += 2;
            char::REPLACEMENT_CHARACTER
        }));
    }
    if bytes.len() % 2 == 1 {
        out.push(char::REPLACEMENT_CHARACTER);
    }
    (Cow::Owned(out), encoding, invalid)
}

/// `\r\n` and lone `\r` to `\n`, then NFC so that composed and decomposed input score alike
/// (ASCII text is NFC already).
fn normalize(text: Cow<'_, str>, ascii: bool) -> Cow<'_, str> {
    let text = if has_cr(&text) {
        Cow::Owned(text.replace("\r\n", "\n").replace('\r', "\n"))
    } else {
        text
    };
    if ascii || nfc_quick_yes(&text) {
        text
    } else {
        Cow::Owned(text.nfc().collect())
    }
}

/// `is_nfc_quick(text.chars()) == Yes`, a block per call (see [`BLOCK`]); an all-ASCII block
/// (ASCII is NFC) is checked a word at a time instead of char by char. Blocks start at an ASCII
/// char: its canonical combining class is 0, which is where the quick check's state stands after
/// it anyway, so each block's check starts as it would have inside the whole text's.
fn nfc_quick_yes(text: &str) -> bool {
    let bytes = text.as_bytes();
    let mut at = 0;
    while at < bytes.len() {
        let mut end = (at + BLOCK).min(bytes.len());
        while end < bytes.len() && !bytes[end].is_ascii() {
            end += 1;
        }
        if !nfc_quick_yes_block(&text[at..end]) {
            return false;
        }
        at = end;
    }
    true
}

#[inline(never)]
fn nfc_quick_yes_block(block: &str) -> bool {
    block.is_ascii() || is_nfc_quick(block.chars()) == IsNormalized::Yes
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn boms_and_invalid_bytes() {
        let d = decode(b"\xEF\xBB\xBFa\r\nb\xFF\xFEc");
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.invalid_bytes),
            ("a\nb\u{FFFD}\u{FFFD}c", Encoding::Utf8Bom, 2)
        );
        let d = decode(&[0xFF, 0xFE, b'h', 0, b'i', 0, 0x00, 0xD8, b'!']);
        assert_eq!(
            (d.text.as_ref(), d.encoding, d.invalid_bytes),
            ("hi\u{FFFD}\u{FFFD}", Encoding::Utf16le, 3)
        );
        let d = decode(&[0xFE, 0xFF, 0, b'o', 0, b'k']);
        assert_eq!((d.text.as_ref(), d.encoding), ("ok", Encoding::Utf16be));
    }

    /// `ascii` says whether the decoded text is all ASCII, whichever way it was decoded.
    #[test]
    fn ascii_is_the_decoded_texts() {
        let cases: [(&[u8], bool); 7] = [
            (b"plain\r\ntext\r", true),
            (b"\xEF\xBB\xBFbom then ascii", true),
            (b"caf\xC3\xA9", false),
            (b"bad \xFF byte", false),
            (&[0xFF, 0xFE, b'h', 0, b'i', 0], true),
            (&[0xFF, 0xFE, 0xE9, 0], false),
            (b"e\xCC\x81", false),
        ];
        for (bytes, ascii) in cases {
            let d = decode(bytes);
            assert_eq!(d.ascii, ascii, "{bytes:?}");
            assert_eq!(d.ascii, d.text.is_ascii(), "{bytes:?}");
        }
        assert_eq!(decode(b"e\xCC\x81").text, "\u{e9}");
    }

    /// The block-wise check against one `is_nfc_quick` over the whole text, with non-NFC
    /// sequences, combining marks and Maybe chars placed across block boundaries.
    #[test]
    fn block_by_block_nfc_check_is_the_whole_texts() {
        let whole = |t: &str| is_nfc_quick(t.chars()) == IsNormalized::Yes;
        let pieces = [
            "e\u{301}",         // Maybe (a composable pair)
            "\u{e9}",           // NFC
            "a\u{323}\u{302}",  // combining marks in canonical order
            "a\u{302}\u{323}",  // out of canonical order: not NFC
            "\u{212b}",         // Angstrom sign: never in NFC
            "\u{d55c}",         // Hangul syllable
            "\u{1100}\u{1161}", // conjoining jamo: Maybe
            "\u{3099}",         // a lone combining mark
        ];
        for shift in 0..6 {
            for piece in pieces {
                for filler in ["a", "\u{e9}"] {
                    let mut text = filler.repeat((BLOCK - 3 + shift) / filler.len());
                    text.push_str(piece);
                    text.push_str(&"b".repeat(10));
                    assert_eq!(nfc_quick_yes(&text), whole(&text), "{piece:?} at {shift}");
                }
            }
        }
    }

    #[test]
    fn block_by_block_validation_is_from_utf8() {
        for shift in 0..4 {
            let mut text = "a".repeat(BLOCK - 2 + shift);
            text.push_str("€😀é and more");
            let bytes = text.as_bytes();
            assert_eq!(
                valid_utf8(bytes),
                Some(text.as_str()),
                "a char across the boundary"
            );
            for cut in [BLOCK - 1, BLOCK, BLOCK + 1, bytes.len() - 1] {
                let mut bad = bytes.to_vec();
                bad[cut] = 0xFF;
                assert_eq!(valid_utf8(&bad), None, "invalid byte at {cut}");
                assert_eq!(
                    valid_utf8(&bytes[..cut]).is_some(),
                    std::str::from_utf8(&bytes[..cut]).is_ok()
                );
            }
        }
    }

    #[test]
    fn truncated_utf8_and_nfc() {
        let d = decode("caf\u{0065}\u{0301}".as_bytes());
        assert_eq!(d.text, "café");
        let d = decode(&"é".as_bytes()[..1]);
        assert_eq!((d.text.as_ref(), d.invalid_bytes), ("\u{FFFD}", 1));
    }
}
