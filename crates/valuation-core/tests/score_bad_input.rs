//! Hostile and broken files get a typed error or a low score with a reason, in bounded time and
//! memory; never a panic. Runs the whole-file pass (the model only sees a bounded sample).

use valuation_core::score::{self, Report, ScoreOptions};

fn report(bytes: &[u8]) -> Result<Report, String> {
    score::analyze(bytes, &ScoreOptions::default())
        .map(|a| a.finish(None, None))
        .map_err(|e| e.code().to_string())
}

#[track_caller]
fn low_with_reason(bytes: &[u8], max: u8) -> Report {
    let r = report(bytes).expect("a report");
    assert!(r.score <= max, "score {} > {max}: {:?}", r.score, r.reasons);
    assert!(!r.reasons.is_empty());
    r
}

#[test]
fn empty_binary_and_unknown_encodings_are_typed_errors() {
    assert_eq!(report(b"").unwrap_err(), "empty_file");
    assert_eq!(
        report(b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR").unwrap_err(),
        "unsupported_type"
    );
    let garbage: Vec<u8> = (0..100_000u32)
        .map(|i| (i.wrapping_mul(2_654_435_761) >> 13) as u8)
        .collect();
    assert_eq!(report(&garbage).unwrap_err(), "unsupported_type");
    let opts = ScoreOptions {
        max_bytes: 10,
        ..ScoreOptions::default()
    };
    assert_eq!(
        score::analyze(&[b'a'; 11], &opts).err().unwrap().code(),
        "file_too_large"
    );
}

#[test]
fn tiny_and_truncated_files_score_low() {
    low_with_reason(b"a", 20);
    let mut utf8 = "Ein schöner Tag. ".repeat(3).into_bytes();
    utf8.truncate(utf8.len() - 12);
    utf8.push(0xC3);
    let r = low_with_reason(&utf8, 20);
    assert!(r.flags.iter().any(|f| f.code == "invalid_bytes"));
    let mut utf16: Vec<u8> = vec![0xFF, 0xFE];
    utf16.extend("short text".encode_utf16().flat_map(u16::to_le_bytes));
    utf16.push(b'x');
    assert_eq!(low_with_reason(&utf16, 20).file.invalid_bytes, 1);
}

#[test]
fn malformed_tables_and_json_are_capped() {
    let r = low_with_reason(b"[{\"a\": 1}, {\"a\": ", 20);
    assert!(
        r.caps
            .iter()
            .any(|c| c.code == "too_short" || c.code == "unparseable"),
        "{:?}",
        r.caps
    );
    let deep = "[".repeat(100_000) + &"]".repeat(100_000);
    let r = low_with_reason(deep.as_bytes(), 5);
    assert!(r.caps.iter().any(|c| c.code == "unparseable"));
    let broken_jsonl = "{\"a\":1}\n{\"a\":2}\n{\"a\":\n{\"a\":3}\nnope\n";
    report(broken_jsonl.as_bytes()).unwrap();
    let ragged = "a,b,c\n1,2,3\n4,\"5\n6,7\n8,9,10,11\n";
    report(ragged.as_bytes()).unwrap();
}

#[test]
fn huge_lines_and_wide_tables_stay_bounded() {
    let line = "word ".repeat(10 * 1024 * 1024);
    let r = report(line.as_bytes()).unwrap();
    assert!(
        r.file.sampled_units <= 128 && r.score <= 30,
        "{} {:?}",
        r.score,
        r.reasons
    );
    let header: Vec<String> = (0..1_000_000).map(|i| format!("c{i}")).collect();
    let row: Vec<String> = (0..1_000_000).map(|i| (i % 7).to_string()).collect();
    let csv = format!(
        "{}\n{}\n{}\n",
        header.join(","),
        row.join(","),
        row.join(",")
    );
    let r = report(csv.as_bytes()).unwrap();
    assert!(r.subscores.structure.as_ref().unwrap().measurements.columns <= 256);
}
