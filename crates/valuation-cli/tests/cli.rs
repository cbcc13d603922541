//! The `valuation` binary as a user runs it, on the real model from the default cache.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Output, Stdio};

fn valuation(args: &[&str], stdin: &[u8]) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_valuation"))
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    // A command that fails before it reads stdin (e.g. no model folder) closes the pipe
    // first; the write then gets EPIPE, which is the child's choice, not a test failure.
    match child.stdin.take().unwrap().write_all(stdin) {
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other.unwrap(),
    }
    child.wait_with_output().unwrap()
}

fn temp_file(name: &str, bytes: &[u8]) -> std::path::PathBuf {
    let dir = std::env::temp_dir().join(format!("valuation-cli-test-{}", std::process::id()));
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join(name);
    std::fs::write(&path, bytes).unwrap();
    path
}

fn json_rows(stdout: &[u8]) -> Vec<Vec<f32>> {
    String::from_utf8(stdout.to_vec())
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).unwrap())
        .collect()
}

#[test]
fn embed_writes_one_json_array_per_line_and_f32_rows_alike() {
    let input = b"The cat sat on the mat.\n\nA second sentence.\r\n";
    let file = temp_file("three.txt", input);
    let json = valuation(&["embed", file.to_str().unwrap()], b"");
    assert!(
        json.status.success(),
        "{}",
        String::from_utf8_lossy(&json.stderr)
    );
    let rows = json_rows(&json.stdout);
    assert_eq!(
        rows.len(),
        3,
        "an empty line still gets its embedding, keeping lines aligned"
    );
    assert!(rows.iter().all(|r| r.len() == 384));

    let raw = valuation(&["embed", "--format", "f32", "-"], input);
    assert!(raw.status.success());
    assert_eq!(raw.stdout.len(), 3 * 384 * 4);
    let floats: Vec<f32> = raw
        .stdout
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes(b.try_into().unwrap()))
        .collect();
    assert_eq!(floats, rows.concat(), "JSON and f32 carry the same numbers");
}

#[test]
fn invalid_utf8_is_replaced_and_reported() {
    let out = valuation(&["embed", "-"], b"caf\xe9 au lait\nfine\n");
    assert!(out.status.success());
    assert_eq!(json_rows(&out.stdout).len(), 2);
    assert!(String::from_utf8_lossy(&out.stderr).contains("invalid UTF-8"));
}

#[test]
fn missing_model_folder_says_how_to_get_one() {
    // More input than a pipe holds: the command stops before reading it, whatever the timing.
    let input = b"x\n".repeat(1 << 19);
    let out = valuation(&["embed", "--model", "/nonexistent/model", "-"], &input);
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("fetch-model.sh"));
}

#[test]
fn corrupt_weights_fail_with_their_error_code() {
    let default_dir = std::env::var_os("VALUATION_MODEL_DIR")
        .map(std::path::PathBuf::from)
        .unwrap_or_else(|| {
            let cache = std::env::var_os("VALUATION_CACHE")
                .map(std::path::PathBuf::from)
                .unwrap_or_else(|| {
                    Path::new(&std::env::var_os("HOME").unwrap()).join(".cache/dataunion-valuation")
                });
            cache.join("models/all-MiniLM-L6-v2")
        });
    assert!(default_dir.is_dir(), "run scripts/fetch-model.sh first");
    let broken = temp_file(
        "config.json",
        &std::fs::read(default_dir.join("config.json")).unwrap(),
    );
    let dir = broken.parent().unwrap();
    std::fs::copy(
        default_dir.join("tokenizer.json"),
        dir.join("tokenizer.json"),
    )
    .unwrap();
    std::fs::write(dir.join("model.safetensors"), b"\x08\0\0\0\0\0\0\0{}").unwrap();
    let out = valuation(&["embed", "--model", dir.to_str().unwrap(), "-"], b"x\n");
    assert!(!out.status.success());
    assert!(String::from_utf8_lossy(&out.stderr).contains("[invalid_weights]"));
}

#[test]
fn missing_input_file_is_an_error_not_a_panic() {
    let out = valuation(&["embed", "/nonexistent/input.txt"], b"");
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(stderr.contains("opening /nonexistent/input.txt") && !stderr.contains("panicked"));
}
