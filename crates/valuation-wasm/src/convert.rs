//! The one place where JS values become Rust values and back, errors included.

use js_sys::{Array, Error as JsError, Float32Array, Reflect};
use serde::de::DeserializeOwned;
use wasm_bindgen::prelude::*;

use valuation_core::dataset_ref::DatasetRef;
use valuation_core::{EmbedError, ErrorCode};

#[wasm_bindgen(typescript_custom_section)]
const TS_TYPES: &'static str = r#"
/** Every error this package throws: an `Error` whose `name` is "ValuationError" and whose
 * `code` is stable across versions; branch on `code`, show `message`. */
export interface ValuationError extends Error {
  name: "ValuationError";
  /** Generated from the Rust `ErrorCode` (pkg/types/error-code.d.ts). */
  code: import("../types/error-code.js").ErrorCode;
}

/** How texts are embedded; omitted fields take their defaults. */
export interface EmbedOptions {
  /** Texts run through the model together, grouped by length (default 1). */
  batch_size?: number;
  /** Lowercase hex SHA-256 the weights must have; a mismatch throws `weights_hash_mismatch`. */
  expected_weights_sha256?: string | null;
  /** Word pieces per text including [CLS]/[SEP] (default 256); longer texts are truncated. */
  max_tokens?: number;
  /** When set, loading throws `invalid_weights` unless the weights file is of this precision. */
  precision?: "f32" | "int8" | null;
}

/** How a file is valued; omitted fields take their defaults. Generated from the Rust
 * `ScoreOptions` with each field's doc (pkg/types/report.d.ts). */
export type ScoreOptions = Partial<import("../types/report.js").ScoreOptions>;
"#;

pub fn error(code: ErrorCode, message: &str) -> JsValue {
    let err = JsError::new(message);
    err.set_name("ValuationError");
    // Setting a plain data property on a fresh Error cannot fail.
    let _ = Reflect::set(&err, &"code".into(), &code.as_str().into());
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
    serde_wasm_bindgen::from_value(value)
        .map_err(|e| error(ErrorCode::InvalidOption, &e.to_string()))
}

pub fn strings(value: &JsValue) -> Result<Vec<String>, JsValue> {
    let array: &Array = value
        .dyn_ref()
        .ok_or_else(|| error(ErrorCode::InvalidArgument, "expected an array of strings"))?;
    array
        .iter()
        .enumerate()
        .map(|(i, v)| {
            v.as_string().ok_or_else(|| {
                error(
                    ErrorCode::InvalidArgument,
                    &format!("element {i} is not a string"),
                )
            })
        })
        .collect()
}

/// Row-major `n × dim` floats in one typed array: one copy out of wasm memory, no per-row objects.
pub fn matrix(rows: &[Vec<f32>]) -> Float32Array {
    let flat: Vec<f32> = rows.iter().flatten().copied().collect();
    Float32Array::from(flat.as_slice())
}

/// The inverse of [`matrix`]: `flat.len() / dim` rows (a ragged tail is refused).
pub fn rows(flat: &[f32], dim: usize) -> Result<Vec<Vec<f32>>, JsValue> {
    if dim == 0 || flat.len() % dim != 0 {
        return Err(error(
            ErrorCode::InvalidArgument,
            &format!("{} numbers are not rows of {dim}", flat.len()),
        ));
    }
    Ok(flat.chunks_exact(dim).map(<[f32]>::to_vec).collect())
}

pub fn score_error(e: valuation_core::score::ScoreError) -> JsValue {
    error(e.code(), &e.to_string())
}

pub fn dataset_ref(bytes: Option<&[u8]>) -> Result<Option<DatasetRef>, JsValue> {
    bytes
        .map(|b| {
            DatasetRef::parse(b).map_err(|e| error(ErrorCode::InvalidDatasetRef, &e.to_string()))
        })
        .transpose()
}

// ---- submit (crate::submit) ----

/// `submitRecords`' first argument; see `SubmitConfig` in the TypeScript section below.
pub struct SubmitConfig {
    pub url: String,
    pub anon_key: String,
    pub timeout: std::time::Duration,
    pub retry: valuation_submit::RetryPolicy,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct SubmitConfigJs {
    url: String,
    anon_key: String,
    timeout_ms: Option<u32>,
    retry: Option<RetryJs>,
}

#[derive(serde::Deserialize)]
#[serde(rename_all = "camelCase", deny_unknown_fields)]
struct RetryJs {
    max_attempts: Option<u32>,
    base_delay_ms: Option<u32>,
    max_delay_ms: Option<u32>,
    max_retry_after_ms: Option<u32>,
    max_total_delay_ms: Option<u32>,
}

const DEFAULT_SUBMIT_TIMEOUT_MS: u32 = 30_000;

pub fn submit_config(value: JsValue) -> Result<SubmitConfig, JsValue> {
    use std::time::Duration;
    let invalid =
        |m: &str| submit_error_value(valuation_submit::SubmitErrorCode::InvalidConfig, m, None);
    let js: SubmitConfigJs =
        serde_wasm_bindgen::from_value(value).map_err(|e| invalid(&e.to_string()))?;
    if !(js.url.starts_with("https://") || js.url.starts_with("http://")) {
        return Err(invalid("url must be the project's http(s) URL"));
    }
    if js.anon_key.is_empty() {
        return Err(invalid("anonKey is empty"));
    }
    let ms =
        |v: Option<u32>, default: Duration| v.map_or(default, |v| Duration::from_millis(v.into()));
    let mut retry = valuation_submit::RetryPolicy::default();
    if let Some(r) = js.retry {
        retry.max_attempts = r.max_attempts.unwrap_or(retry.max_attempts).max(1);
        retry.base_delay = ms(r.base_delay_ms, retry.base_delay);
        retry.max_delay = ms(r.max_delay_ms, retry.max_delay);
        retry.max_retry_after = ms(r.max_retry_after_ms, retry.max_retry_after);
        retry.max_total_delay = ms(r.max_total_delay_ms, retry.max_total_delay);
    }
    Ok(SubmitConfig {
        url: js.url,
        anon_key: js.anon_key,
        timeout: Duration::from_millis(
            js.timeout_ms
                .unwrap_or(DEFAULT_SUBMIT_TIMEOUT_MS)
                .max(1)
                .into(),
        ),
        retry,
    })
}

pub fn record_error(e: valuation_submit::RecordError) -> JsValue {
    submit_error_value(e.code(), &e.to_string(), None)
}

/// A `SubmitError` (name "SubmitError"): `code`, `transient` (submit the same records again
/// later), `status`, `attempts`, `retryAfterMs` and PostgREST's body as `postgrest`.
pub fn submit_error(e: &valuation_submit::SubmitError) -> JsValue {
    use valuation_submit::SubmitError as E;
    let err = submit_error_value(e.code(), &e.to_string(), Some(e.is_transient()));
    let set = |key: &str, value: JsValue| {
        let _ = Reflect::set(&err, &key.into(), &value);
    };
    if let Some(status) = e.status() {
        set("status", status.into());
    }
    let attempts = match e {
        E::RateLimited { attempts, .. }
        | E::ServerError { attempts, .. }
        | E::Network { attempts, .. }
        | E::Timeout { attempts } => Some(*attempts),
        _ => None,
    };
    if let Some(attempts) = attempts {
        set("attempts", attempts.into());
    }
    if let E::RateLimited {
        retry_after: Some(after),
        ..
    } = e
    {
        set("retryAfterMs", (after.as_millis() as f64).into());
    }
    if let Some(body) = e.postgrest() {
        let fields = js_sys::Object::new();
        for (key, value) in [
            ("code", &body.code),
            ("message", &body.message),
            ("details", &body.details),
            ("hint", &body.hint),
        ] {
            let _ = Reflect::set(
                &fields,
                &key.into(),
                &value.as_deref().map_or(JsValue::NULL, JsValue::from),
            );
        }
        set("postgrest", fields.into());
    }
    err
}

fn submit_error_value(
    code: valuation_submit::SubmitErrorCode,
    message: &str,
    transient: Option<bool>,
) -> JsValue {
    let err = JsError::new(message);
    err.set_name("SubmitError");
    let _ = Reflect::set(&err, &"code".into(), &code.as_str().into());
    let _ = Reflect::set(
        &err,
        &"transient".into(),
        &transient.unwrap_or(false).into(),
    );
    err.into()
}

pub fn receipt(receipt: &valuation_submit::SubmitReceipt) -> JsValue {
    let out = js_sys::Object::new();
    let _ = Reflect::set(&out, &"records".into(), &(receipt.records as u32).into());
    let _ = Reflect::set(&out, &"requests".into(), &receipt.requests.into());
    out.into()
}

#[wasm_bindgen(typescript_custom_section)]
const SUBMIT_TS_TYPES: &'static str = r#"
/** Where and how `submitRecords` sends; only `url` and `anonKey` are required. */
export interface SubmitConfig {
  /** The Supabase project URL, e.g. "https://<ref>.supabase.co" (no /rest/v1). */
  url: string;
  /** The project's anon (publishable) key, sent as `apikey`. */
  anonKey: string;
  /** Per request, the whole exchange (default 30000). */
  timeoutMs?: number;
  retry?: {
    /** Requests per batch, the first included (default 5; 1 = never retry). */
    maxAttempts?: number;
    /** First backoff ceiling, doubling per retry (default 500). */
    baseDelayMs?: number;
    /** Ceiling of one wait (default 8000). */
    maxDelayMs?: number;
    /** The longest Retry-After waited out; longer ends the submit with `rate_limited`. */
    maxRetryAfterMs?: number;
    /** All waits of one request together (default 120000: one full 60 s rate-limit window and backoffs). */
    maxTotalDelayMs?: number;
  };
}

/** Every submit failure: `code` is stable; `transient` means "submit the same records again later". */
export interface SubmitError extends Error {
  name: "SubmitError";
  /** Generated from the Rust `SubmitErrorCode` (pkg/types/submit-error-code.d.ts). */
  code: import("../types/submit-error-code.js").SubmitErrorCode;
  transient: boolean;
  /** The HTTP status of the final answer, when one arrived. */
  status?: number;
  /** Requests made for the batch that failed, retries included. */
  attempts?: number;
  retryAfterMs?: number;
  /** PostgREST's error body (`code` is the SQLSTATE or PGRST code). */
  postgrest?: { code: string | null; message: string | null; details: string | null; hint: string | null };
}

export interface SubmitReceipt {
  /** Records stored (now, or already before: a resubmit is not an error). */
  records: number;
  /** HTTP requests made, retries included. */
  requests: number;
}
"#;
