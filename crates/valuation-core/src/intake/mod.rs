//! Intake: from the bytes a contributor picked to typed, normalised content.
//!
//! The type comes from the bytes, never from the file name or a declared MIME type, which the
//! contributor controls. Formats we cannot value are refused by name.

pub mod decode;
pub mod json;
pub mod rows;
pub mod sniff;
pub mod table;

pub use decode::Encoding;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
// Exhaustive on purpose: the submit crate's `DetectedType` and the database's CHECK list the same
// kinds, and a new kind must fail to compile there rather than reach a `_` arm.
pub enum FileKind {
    Text,
    Markdown,
    Csv,
    Tsv,
    Json,
    Jsonl,
}

impl FileKind {
    pub fn is_prose(self) -> bool {
        matches!(self, FileKind::Text | FileKind::Markdown)
    }
}

/// Why a file cannot be valued at all. Its stable code is [`IntakeError::code`] (no serde form:
/// it reaches JS and the CLI only as a code and a message).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IntakeError {
    #[error("the file is empty")]
    Empty,
    #[error("unsupported file type: {format}; only text, Markdown, CSV/TSV, JSON and JSON Lines can be valued")]
    Unsupported { format: String },
    #[error("the file is {size} bytes; the limit is {limit} bytes")]
    TooLarge { size: u64, limit: u64 },
}

impl IntakeError {
    pub fn code(&self) -> crate::ErrorCode {
        use crate::ErrorCode;
        match self {
            IntakeError::Empty => ErrorCode::EmptyFile,
            IntakeError::Unsupported { .. } => ErrorCode::UnsupportedType,
            IntakeError::TooLarge { .. } => ErrorCode::FileTooLarge,
        }
    }
}

/// A decoded, normalised file and what it was recognised as.
pub struct Intake<'a> {
    /// `text` is all ASCII.
    pub ascii: bool,
    pub kind: FileKind,
    pub encoding: Encoding,
    pub invalid_bytes: usize,
    /// NFC text with `\n` line endings (the input itself when it already was).
    pub text: Cow<'a, str>,
    /// CSV/TSV field delimiter.
    pub delimiter: Option<u8>,
}

pub fn intake(bytes: &[u8], max_bytes: u64) -> Result<Intake<'_>, IntakeError> {
    if bytes.is_empty() {
        return Err(IntakeError::Empty);
    }
    if bytes.len() as u64 > max_bytes {
        return Err(IntakeError::TooLarge {
            size: bytes.len() as u64,
            limit: max_bytes,
        });
    }
    if let Some(format) = sniff::binary_format(bytes) {
        return Err(IntakeError::Unsupported {
            format: format.to_owned(),
        });
    }
    let decoded = decode::decode(bytes);
    // Mostly undecodable bytes: a legacy 8-bit encoding or binary; guessing would value noise.
    if decoded.invalid_bytes * 4 > bytes.len() {
        return Err(IntakeError::Unsupported {
            format: "text in an unknown encoding or binary data".into(),
        });
    }
    let (kind, delimiter) = detect_kind(&decoded.text);
    Ok(Intake {
        ascii: decoded.ascii,
        kind,
        encoding: decoded.encoding,
        invalid_bytes: decoded.invalid_bytes,
        text: decoded.text,
        delimiter,
    })
}

fn detect_kind(text: &str) -> (FileKind, Option<u8>) {
    let start = text.trim_start();
    if start.starts_with(['{', '[']) {
        return (json::detect(text), None);
    }
    if let Some(delimiter) = table::sniff_delimiter(text) {
        let kind = if delimiter == b'\t' {
            FileKind::Tsv
        } else {
            FileKind::Csv
        };
        return (kind, Some(delimiter));
    }
    if looks_like_markdown(text) {
        return (FileKind::Markdown, None);
    }
    (FileKind::Text, None)
}

fn looks_like_markdown(text: &str) -> bool {
    let head: Vec<&str> = text.lines().take(200).collect();
    let headings = head
        .iter()
        .filter(|l| l.starts_with("# ") || l.starts_with("## ") || l.starts_with("### "))
        .count();
    let fences = head.iter().filter(|l| l.starts_with("```")).count();
    let links = head.iter().filter(|l| l.contains("](")).count();
    headings >= 1 && headings + fences + links >= 2 || fences >= 2
}

#[cfg(test)]
mod tests {
    use super::*;

    fn kind(s: &str) -> FileKind {
        intake(s.as_bytes(), u64::MAX).unwrap().kind
    }

    #[test]
    fn detects_kinds_from_content() {
        assert_eq!(kind("Just some prose.\nAnother line."), FileKind::Text);
        assert_eq!(
            kind("# Title\n\nText with a [link](http://x.y).\n"),
            FileKind::Markdown
        );
        assert_eq!(kind("a,b,c\n1,2,3\n4,5,6\n"), FileKind::Csv);
        assert_eq!(kind("a\tb\n1\t2\n3\t4\n"), FileKind::Tsv);
        assert_eq!(kind("[{\"a\": 1}, {\"a\": 2}]"), FileKind::Json);
        assert_eq!(kind("{\"a\": 1}\n{\"a\": 2}\n"), FileKind::Jsonl);
    }

    #[test]
    fn refuses_empty_binary_and_oversized() {
        assert_eq!(intake(b"", 10).err(), Some(IntakeError::Empty));
        assert!(matches!(
            intake(b"%PDF-1.7 ...", 100),
            Err(IntakeError::Unsupported { .. })
        ));
        assert!(matches!(
            intake(&[0x80; 100], 1000),
            Err(IntakeError::Unsupported { .. })
        ));
        assert_eq!(
            intake(b"12345", 4).err(),
            Some(IntakeError::TooLarge { size: 5, limit: 4 })
        );
    }
}
