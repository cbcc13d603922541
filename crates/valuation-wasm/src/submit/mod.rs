//! Submitting a valued file's record from JS: valuation-submit's client over the platform's
//! `fetch` and timers, so the same code runs in a page, a worker and Node ≥ 20.
//!
//! Two exports: `contributionRecord` (report → validated record JSON, what the package's
//! IndexedDB outbox stores) and `submitRecords` (records → one idempotent, retried submit).
//! The outbox itself is the package's JS (pkg/outbox.js): IndexedDB is a JS API, and keeping it
//! there keeps this crate free of storage concerns.

mod fetch;
mod timer;

use valuation_core::score::Report;
use valuation_submit::{ContributionRecord, SubmitClient};
use wasm_bindgen::prelude::*;

use crate::convert;
pub use fetch::FetchTransport;
pub use timer::TimerSleeper;

/// Report JSON (as `reportJson()` gives it) → the record JSON to store and submit. Throws a
/// `ValuationError` `invalid_record` (a field the database would refuse, `no_model` for a report
/// made without embeddings) or `invalid_argument` (not a report).
#[wasm_bindgen(js_name = contributionRecord)]
pub fn contribution_record(report_json: &str, dataset_id: &str) -> Result<String, JsValue> {
    let report: Report = serde_json::from_str(report_json).map_err(|e| {
        convert::error(
            valuation_core::ErrorCode::InvalidArgument,
            &format!("not a valuation report: {e}"),
        )
    })?;
    ContributionRecord::from_report(&report, dataset_id)
        .map(|r| r.to_json())
        .map_err(convert::record_error)
}

/// Sends records (JSON strings from `contributionRecord`, validated again here) to
/// `{url}/rest/v1/data_contributions` as the signed-in user. Resolves `{records, requests}`;
/// rejects with a `SubmitError` (see `convert::submit_error`). Safe to repeat: the database
/// ignores a record it already has.
#[wasm_bindgen(js_name = submitRecords)]
pub async fn submit_records(
    config: JsValue,
    records: Vec<String>,
    access_token: String,
) -> Result<JsValue, JsValue> {
    let config = convert::submit_config(config)?;
    let records = records
        .iter()
        .map(|json| ContributionRecord::from_json(json))
        .collect::<Result<Vec<_>, _>>()
        .map_err(convert::record_error)?;
    let transport = FetchTransport::new(config.timeout);
    let client = SubmitClient::new(
        &config.url,
        &config.anon_key,
        &access_token,
        transport,
        TimerSleeper,
    )
    .with_retry_policy(config.retry)
    // wasm32-unknown-unknown's std has no entropy: without this, every tab would back off in step.
    .with_jitter(js_sys::Math::random);
    let receipt = client
        .submit_batch(&records)
        .await
        .map_err(|e| convert::submit_error(&e))?;
    Ok(convert::receipt(&receipt))
}
