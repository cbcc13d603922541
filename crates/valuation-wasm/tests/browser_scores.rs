//! The report computed in a browser worker is byte-identical to the native CLI's for the same
//! bytes and options: the score a contributor sees is the one an auditor recomputes.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use valuation_wasm::JsEmbedder;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[macro_use]
mod common;
use common::{CONFIG, DOMAIN, INT8_WEIGHTS as WEIGHTS, TOKENIZER};

/// A file of tests/data/score and the native CLI's report of it.
macro_rules! case {
    ($name:literal) => {
        ($name, score_data!($name), native_report!($name))
    };
}

const FILES: [(&str, &[u8], &str); 3] = [
    case!("speech.txt"),
    case!("documents.csv"),
    case!("documents.jsonl"),
];

fn options() -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"domain".into(), &DOMAIN.into()).unwrap();
    o.into()
}

#[wasm_bindgen_test]
fn browser_reports_equal_native_reports() {
    let embedder = JsEmbedder::new(CONFIG, TOKENIZER, WEIGHTS, JsValue::UNDEFINED).unwrap();
    for (name, bytes, native) in FILES {
        assert!(
            !native.is_empty(),
            "no native report for {name}: run scripts/test.sh (sets VALUATION_NATIVE_REPORTS)"
        );
        let browser = embedder.score_json(bytes, options(), None).unwrap();
        assert_eq!(
            browser.trim_end(),
            native.trim_end(),
            "{name}: browser and native reports differ"
        );
        let again = embedder.score_json(bytes, options(), None).unwrap();
        assert_eq!(browser, again, "{name}: not stable across runs");
    }
}

#[wasm_bindgen_test]
fn bad_files_throw_typed_errors() {
    let embedder = JsEmbedder::new(CONFIG, TOKENIZER, WEIGHTS, JsValue::UNDEFINED).unwrap();
    for (bytes, code) in [
        (&b""[..], "empty_file"),
        (&b"%PDF-1.7\n\0\0"[..], "unsupported_type"),
    ] {
        let err = embedder
            .score_json(bytes, JsValue::UNDEFINED, None)
            .unwrap_err();
        let got = js_sys::Reflect::get(&err, &"code".into())
            .unwrap()
            .as_string();
        assert_eq!(got.as_deref(), Some(code));
    }
    let err = embedder
        .score_json(b"text", JsValue::UNDEFINED, Some(b"{}".to_vec()))
        .unwrap_err();
    assert_eq!(
        js_sys::Reflect::get(&err, &"code".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("invalid_dataset_ref")
    );
}
