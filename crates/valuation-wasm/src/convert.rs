//! The one place where JS values become Rust values and back, errors included.

use js_sys::{Array, Error as JsError, Float32Array, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use valuation_core::dataset_ref::DatasetRef;
use valuation_core::score::Report;
use valuation_core::EmbedError;

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Every error this package throws: an `Error` whose `name` is "ValuationError" and whose
 * `code` is stable across versions; branch on `code`, show `message`. */
export interface ValuationError extends Error {
  name: "ValuationError";
  code:
    | "invalid_config" | "invalid_tokenizer" | "invalid_weights" | "weights_hash_mismatch"
    | "incompatible_model" | "invalid_option" | "tokenize_failed" | "inference_failed"
    | "invalid_argument" | "empty_file" | "unsupported_type" | "file_too_large"
    | "invalid_dataset_ref" | "internal";
}

/** How texts are embedded; omitted fields take their defaults. */
export interface EmbedOptions {
  /** Texts run through the model together, grouped by length (default 1). */
  batch_size?: number;
  /** Lowercase hex SHA-256 the weights must have; a mismatch throws `weights_hash_mismatch`. */
  expected_weights_sha256?: string | null;
  /** Word pieces per text including [CLS]/[SEP] (default 256); longer texts are truncated. */
  max_tokens?: number;
}

/** How a file is valued; omitted fields take their defaults. */
export interface ScoreOptions {
  /** Units embedded per file, the content-defined sample (default 128, at most 4096). */
  sample_size?: number;
  /** Larger files are refused with `file_too_large` (default 512 MiB). */
  max_bytes?: number;
  /** What the dataset is about, one target per line; enables the relevance sub-score. */
  domain?: string | null;
  /** Model id written into the report (default sentence-transformers/all-MiniLM-L6-v2). */
  model_id?: string;
}
"#;

pub fn error(code: &str, message: &str) -> JsValue {
    let err = JsError::new(message);
    err.set_name("ValuationError");
    // Setting a plain data property on a fresh Error cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &code.into());
    err.into()
}

pub fn embed_error(e: EmbedError) -> JsValue {
    error(e.code(), &e.to_string())
}

/// `undefined`/`null` mean "all defaults".
pub fn options<T: DeserializeOwned + Default>(value: JsValue) -> Result<T, JsValue> {
    if value.is_undefined() || value.is_null() {
        return Ok(T::default());
    }
    serde_wasm_bindgen::from_value(value).map_err(|e| error("invalid_option", &e.to_string()))
}

pub fn strings(value: &JsValue) -> Result<Vec<String>, JsValue> {
    let array: &Array = value
        .dyn_ref()
        .ok_or_else(|| error("invalid_argument", "expected an array of strings"))?;
    array
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_string()
                .ok_or_else(|| error("invalid_argument", &format!("element {i} is not a string")))
        })
        .collect()
}

/// Row-major `n × dim` floats in one typed array: one copy out of wasm memory, no per-row objects.
pub fn matrix(rows: &[Vec<f32>]) -> Float32Array {
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    Float32Array::from(flat.as_slice())
}

pub fn score_error(e: valuation_core::score::ScoreError) -> JsValue {
    error(e.code(), &e.to_string())
}

pub fn dataset_ref(bytes: Option<&[u8]>) -> Result<Option<DatasetRef>, JsValue> {
    bytes.map(|b| DatasetRef::from_json(b).map_err(|e| error("invalid_dataset_ref", &e.to_string()))).transpose()
}

/// Pretty JSON, as `valuation score --json` prints it: the bytes a verifier compares.
pub fn report_json(report: &Report) -> Result<String, JsValue> {
    serde_json::to_string_pretty(report).map_err(|e| error("internal", &e.to_string()))
}
