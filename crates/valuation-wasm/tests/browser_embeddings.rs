//! The real model in a Web Worker in headless Chromium, through the same exports JS calls.
#![cfg(target_arch = "wasm32")]

use js_sys::{Array, Float32Array, Reflect};
use valuation_core::embed::cosine;
use valuation_wasm::JsEmbedder;
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::*;

// A dedicated worker, as in production; it also keeps the page answering the driver during
// long embeddings.
wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[macro_use]
mod common;
use common::{CONFIG, TOKENIZER};

/// The f32 weights: these tests compare vectors with sentence-transformers'.
const WEIGHTS: &[u8] = model_file!("model.safetensors");
const CORPUS: &str = include_str!(concat!(
    env!("VALUATION_TEST_SHARED_DIR"),
    "/fixtures/minilm/corpus.txt"
));
const REFERENCE: &[u8] = include_bytes!(concat!(
    env!("VALUATION_TEST_SHARED_DIR"),
    "/fixtures/minilm/reference-sentence-transformers-fp32.f32"
));
const NATIVE: &[u8] = include_bytes!(concat!(env!("OUT_DIR"), "/native-corpus.f32"));
const DIM: usize = 384;

fn options(batch_size: usize) -> JsValue {
    let o = js_sys::Object::new();
    Reflect::set(&o, &"batch_size".into(), &(batch_size as f64).into()).unwrap();
    Reflect::set(
        &o,
        &"expected_weights_sha256".into(),
        &valuation_core::ModelSpec::default().weights.sha256.into(),
    )
    .unwrap();
    o.into()
}

fn embedder(batch_size: usize) -> JsEmbedder {
    JsEmbedder::new(CONFIG, TOKENIZER, WEIGHTS, options(batch_size)).expect("real model loads")
}

fn rows(bytes: &[u8]) -> Vec<Vec<f32>> {
    let floats: Vec<f32> = bytes
        .chunks_exact(4)
        .map(|b| f32::from_le_bytes([b[0], b[1], b[2], b[3]]))
        .collect();
    floats.chunks_exact(DIM).map(<[f32]>::to_vec).collect()
}

fn embed(e: &JsEmbedder, texts: &[&str]) -> Vec<Vec<f32>> {
    let array: Array = texts.iter().map(|t| JsValue::from_str(t)).collect();
    let out: Float32Array = e.embed(array.into()).expect("embeds");
    out.to_vec()
        .chunks_exact(DIM)
        .map(<[f32]>::to_vec)
        .collect()
}

fn error_code(err: JsValue) -> String {
    assert_eq!(
        Reflect::get(&err, &"name".into()).unwrap(),
        "ValuationError"
    );
    assert!(err.is_instance_of::<js_sys::Error>());
    Reflect::get(&err, &"code".into())
        .unwrap()
        .as_string()
        .unwrap()
}

#[wasm_bindgen_test]
fn all_1000_sentences_match_sentence_transformers_and_native() {
    let corpus: Vec<&str> = CORPUS.lines().collect();
    let reference = rows(REFERENCE);
    assert_eq!((corpus.len(), reference.len()), (1000, 1000));
    assert!(
        !NATIVE.is_empty(),
        "no native embeddings: scripts/test.sh writes them with `valuation embed --format f32` \
         and passes VALUATION_NATIVE_EMBEDDINGS"
    );
    let native = rows(NATIVE);
    let e = embedder(8);
    assert_eq!(e.dim(), DIM);
    let ours = embed(&e, &corpus);
    let min = |other: &[Vec<f32>]| {
        ours.iter()
            .zip(other)
            .map(|(a, b)| cosine(a, b))
            .fold(f32::INFINITY, f32::min)
    };
    let (vs_reference, vs_native) = (min(&reference), min(&native));
    web_sys_log(&format!(
        "browser vs sentence-transformers min cosine {vs_reference:.7}; vs native {vs_native:.7}"
    ));
    assert!(
        vs_reference >= 0.9999,
        "vs sentence-transformers: {vs_reference}"
    );
    assert!(vs_native >= 0.99999, "vs native: {vs_native}");
}

#[wasm_bindgen_test]
fn same_input_gives_identical_bits_and_masks_padding() {
    let e = embedder(4);
    let texts = [
        "Short.",
        "A somewhat longer sentence that needs padding next to the short one.",
        "",
    ];
    let first = embed(&e, &texts);
    assert_eq!(first, embed(&e, &texts));
    let alone = embed(&embedder(1), &texts);
    for (a, b) in first.iter().zip(&alone) {
        assert!(
            cosine(a, b) >= 0.99999,
            "padding leaked into the pooled vector"
        );
    }
}

#[wasm_bindgen_test]
fn broken_model_files_throw_typed_errors() {
    let code = |c: &[u8], t: &[u8], w: &[u8]| {
        error_code(
            JsEmbedder::new(c, t, w, JsValue::UNDEFINED)
                .err()
                .expect("load fails"),
        )
    };
    assert_eq!(
        code(CONFIG, TOKENIZER, &WEIGHTS[..WEIGHTS.len() / 3]),
        "invalid_weights"
    );
    assert_eq!(code(CONFIG, b"not json", WEIGHTS), "invalid_tokenizer");
    assert_eq!(code(b"{}", TOKENIZER, WEIGHTS), "invalid_config");
    let wrong_hash = js_sys::Object::new();
    Reflect::set(
        &wrong_hash,
        &"expected_weights_sha256".into(),
        &"00".repeat(32).into(),
    )
    .unwrap();
    let err = JsEmbedder::new(CONFIG, TOKENIZER, WEIGHTS, wrong_hash.into())
        .err()
        .unwrap();
    assert_eq!(error_code(err), "weights_hash_mismatch");
}

#[wasm_bindgen_test]
fn bad_arguments_throw_typed_errors() {
    let e = embedder(1);
    assert_eq!(
        error_code(e.embed(JsValue::from_str("not an array")).unwrap_err()),
        "invalid_argument"
    );
    let mixed: Array = [JsValue::from_str("ok"), JsValue::from_f64(3.0)]
        .into_iter()
        .collect();
    assert_eq!(
        error_code(e.embed(mixed.into()).unwrap_err()),
        "invalid_argument"
    );
    let bad_opts = js_sys::Object::new();
    Reflect::set(&bad_opts, &"batch_size".into(), &"lots".into()).unwrap();
    let err = JsEmbedder::new(CONFIG, TOKENIZER, WEIGHTS, bad_opts.into())
        .err()
        .unwrap();
    assert_eq!(error_code(err), "invalid_option");
}

#[wasm_bindgen_test]
fn a_100_kb_line_and_invalid_unicode_embed() {
    let e = embedder(2);
    let long = "token ".repeat(20_000);
    let lossy = String::from_utf8_lossy(b"caf\xe9 \xff bytes").into_owned();
    let out = embed(&e, &[&long, &lossy, ""]);
    assert!(out.iter().flatten().all(|x| x.is_finite()));
}

fn web_sys_log(message: &str) {
    wasm_bindgen_test::console_log!("{message}");
}

/// Every fast kernel (the wasm simd128 or relaxed-SIMD ones, compiled only here) against its scalar reference,
/// bit for bit, on odd and real shapes; and the whole-file pass's SIMD byte classifiers (PII
/// prefilter, unit normaliser).
#[wasm_bindgen_test]
fn kernels_match_their_scalar_references_in_wasm() {
    let variant = valuation_core::kernels::variant();
    assert!(
        variant == "wasm-simd128" || variant == "wasm-relaxed-simd",
        "{variant}"
    );
    valuation_core::kernels::check::all().unwrap();
}
