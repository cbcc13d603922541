//! What a file is, decided from its bytes: formats we cannot value are named, not guessed at.

/// Magic numbers of common binary formats people upload by mistake.
const MAGIC: &[(usize, &[u8], &str)] = &[
    (0, b"\x89PNG\r\n\x1a\n", "PNG image"),
    (0, b"\xFF\xD8\xFF", "JPEG image"),
    (0, b"GIF8", "GIF image"),
    (0, b"RIFF", "RIFF media (WebP/WAV/AVI)"),
    (0, b"%PDF-", "PDF document"),
    (0, b"PK\x03\x04", "ZIP archive (or Office document)"),
    (0, b"PK\x05\x06", "ZIP archive"),
    (0, b"\x1F\x8B", "gzip archive"),
    (0, b"BZh", "bzip2 archive"),
    (0, b"\xFD7zXZ\x00", "xz archive"),
    (0, b"7z\xBC\xAF\x27\x1C", "7-Zip archive"),
    (0, b"Rar!\x1A\x07", "RAR archive"),
    (0, b"\x28\xB5\x2F\xFD", "zstd archive"),
    (0, b"\x7FELF", "ELF executable"),
    (0, b"\xCF\xFA\xED\xFE", "Mach-O executable"),
    (0, b"\xCA\xFE\xBA\xBE", "Java class or Mach-O binary"),
    (0, b"\x00asm", "WebAssembly module"),
    (0, b"SQLite format 3\x00", "SQLite database"),
    (0, b"OggS", "Ogg media"),
    (0, b"ID3", "MP3 audio"),
    (0, b"fLaC", "FLAC audio"),
    (4, b"ftyp", "MP4/QuickTime media"),
    (0, b"\x1A\x45\xDF\xA3", "Matroska/WebM media"),
    (0, b"PAR1", "Parquet file"),
    (0, b"ARROW1", "Arrow file"),
    (257, b"ustar", "tar archive"),
];

/// Names the binary format of `bytes`, or `None` when they may be text.
pub fn binary_format(bytes: &[u8]) -> Option<&'static str> {
    if let Some((_, _, name)) = MAGIC
        .iter()
        .find(|(at, magic, _)| bytes.get(*at..at + magic.len()) == Some(magic))
    {
        return Some(name);
    }
    if bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]) {
        return None;
    }
    let head = &bytes[..bytes.len().min(64 * 1024)];
    let controls = head
        .iter()
        .filter(|b| **b < 0x20 && !matches!(b, b'\t' | b'\n' | b'\r' | 0x0C))
        .count();
    let has_nul = head.contains(&0);
    // UTF-16 without a BOM shows as every other byte NUL; we ask for the BOM rather than guess.
    (has_nul || controls * 20 > head.len()).then_some("binary data")
}

#[cfg(test)]
mod tests {
    use super::binary_format;

    #[test]
    fn names_binary_formats_and_lets_text_through() {
        assert_eq!(binary_format(b"\x89PNG\r\n\x1a\n...."), Some("PNG image"));
        assert_eq!(
            binary_format(b"PK\x03\x04rest"),
            Some("ZIP archive (or Office document)")
        );
        assert_eq!(binary_format(&[1, 2, 3, 0, 5]), Some("binary data"));
        assert_eq!(binary_format(b"plain text\nline two\n"), None);
        assert_eq!(binary_format(&[0xFF, 0xFE, b'a', 0]), None);
        assert_eq!(binary_format(b""), None);
    }
}
