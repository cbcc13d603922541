//! Points the browser tests at the real model and the shared reference data, which they embed
//! with `include_bytes!` (a test page cannot read the disk). Nothing here touches the library.

use std::path::PathBuf;

fn main() {
    for var in [
        "VALUATION_MODEL_DIR",
        "VALUATION_CACHE",
        "VALUATION_SHARED",
        "HOME",
    ] {
        println!("cargo:rerun-if-env-changed={var}");
    }
    let manifest = PathBuf::from(std::env::var("CARGO_MANIFEST_DIR").unwrap());
    let model = std::env::var_os("VALUATION_MODEL_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| {
            // The CLI's and scripts/env.sh's rule: $VALUATION_CACHE, else the XDG cache.
            std::env::var_os("VALUATION_CACHE")
                .map(PathBuf::from)
                .unwrap_or_else(|| {
                    std::env::var_os("XDG_CACHE_HOME")
                        .map(PathBuf::from)
                        .unwrap_or_else(|| {
                            PathBuf::from(std::env::var_os("HOME").unwrap_or_default())
                                .join(".cache")
                        })
                        .join("dataunion-valuation")
                })
                .join("models/all-MiniLM-L6-v2")
        });
    let shared = std::env::var_os("VALUATION_SHARED")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("../../../shared"));
    println!(
        "cargo:rustc-env=VALUATION_TEST_MODEL_DIR={}",
        model.display()
    );
    println!("cargo:rerun-if-env-changed=VALUATION_NATIVE_EMBEDDINGS");
    // The native CLI's embeddings of the corpus, for the browser-equals-native test; an empty
    // stand-in when absent, which that test reports with the command that makes the real one.
    let native_copy = PathBuf::from(std::env::var("OUT_DIR").unwrap()).join("native-corpus.f32");
    match std::env::var_os("VALUATION_NATIVE_EMBEDDINGS") {
        Some(path) => {
            println!("cargo:rerun-if-changed={}", PathBuf::from(&path).display());
            std::fs::copy(&path, &native_copy).expect("VALUATION_NATIVE_EMBEDDINGS is readable");
        }
        None => std::fs::write(&native_copy, b"").unwrap(),
    }
    println!(
        "cargo:rustc-env=VALUATION_TEST_SHARED_DIR={}",
        shared.display()
    );
    // The native CLI's reports of tests/data/score/*, for the browser-equals-native report test.
    println!("cargo:rerun-if-env-changed=VALUATION_NATIVE_REPORTS");
    let reports = std::env::var_os("VALUATION_NATIVE_REPORTS").map(PathBuf::from);
    for name in ["speech.txt", "documents.csv", "documents.jsonl"] {
        let copy = PathBuf::from(std::env::var("OUT_DIR").unwrap())
            .join(format!("native-report-{name}.json"));
        match &reports {
            Some(dir) => {
                let src = dir.join(format!("{name}.json"));
                println!("cargo:rerun-if-changed={}", src.display());
                std::fs::copy(&src, &copy).expect("VALUATION_NATIVE_REPORTS holds the reports");
            }
            None => std::fs::write(&copy, b"").unwrap(),
        }
    }
}
