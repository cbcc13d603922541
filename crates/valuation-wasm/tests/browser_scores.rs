//! The report computed in a browser worker is byte-identical to the native CLI's for the same
//! bytes and options: the score a contributor sees is the one an auditor recomputes.
#![cfg(target_arch = "wasm32")]

use wasm_bindgen::JsValue;
use wasm_bindgen_test::*;

use valuation_wasm::JsEmbedder;

wasm_bindgen_test_configure!(run_in_dedicated_worker);

const CONFIG: &[u8] = include_bytes!(concat!(env!("VALUATION_TEST_MODEL_DIR"), "/config.json"));
const TOKENIZER: &[u8] =
    include_bytes!(concat!(env!("VALUATION_TEST_MODEL_DIR"), "/tokenizer.json"));
// The int8 file `valuation quantize` wrote beside the f32 weights (scripts/test.sh): the
// precision the CLI scores with by default.
const WEIGHTS: &[u8] = include_bytes!(concat!(
    env!("VALUATION_TEST_MODEL_DIR"),
    "/model.int8.safetensors"
));

/// Must match the `--domain` scripts/test.sh passes to `valuation score`.
const DOMAIN: &str =
    "The government of the United States: Congress, the economy and public policy.";

const FILES: [(&str, &[u8], &str); 3] = [
    (
        "speech.txt",
        include_bytes!("../../../tests/data/score/speech.txt"),
        include_str!(concat!(env!("OUT_DIR"), "/native-report-speech.txt.json")),
    ),
    (
        "documents.csv",
        include_bytes!("../../../tests/data/score/documents.csv"),
        include_str!(concat!(
            env!("OUT_DIR"),
            "/native-report-documents.csv.json"
        )),
    ),
    (
        "documents.jsonl",
        include_bytes!("../../../tests/data/score/documents.jsonl"),
        include_str!(concat!(
            env!("OUT_DIR"),
            "/native-report-documents.jsonl.json"
        )),
    ),
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
