//! Submit: after a file is valued, record the contribution in Supabase through its REST API
//! (PostgREST) — metadata only, never content (issue 5; schema in supabase/README.md).
//!
//! * [`ContributionRecord`] — the row: hash, size, type, scores, flag counts, model, scorer
//!   version. Built only from a [`Report`](valuation_core::score::Report) or validated parts.
//! * [`SubmitClient`] — `POST /rest/v1/data_contributions?on_conflict=…` with
//!   `Prefer: resolution=ignore-duplicates`, so every submit is idempotent and safe to retry;
//!   batches, retries with backoff, and typed errors ([`SubmitError`]).
//! * [`Transport`] / [`Sleeper`] — the platform: the browser's `fetch` lives in
//!   crates/valuation-wasm; the tests' blocking loopback HTTP in crates/valuation-submit-testing.

mod batch;
mod client;
mod error;
mod error_code;
mod record;
mod retry;
mod transport;
mod validate;

pub use batch::BatchLimits;
pub use client::{SubmitClient, SubmitReceipt, INSERT_PATH, PREFER};
pub use error::{PostgrestError, SubmitError};
pub use error_code::SubmitErrorCode;
pub use record::{
    ContributionRecord, DetectedType, RecordError, RecordParts, MAX_FLAGS, MAX_FLAG_COUNT,
    SUB_SCORE_NAMES,
};
pub use retry::{Jitter, RetryPolicy, SplitMix, RETRYABLE_STATUSES};
pub use transport::{Method, Request, Response, Sleeper, Transport, TransportError};
