//! What a failed submit means, from PostgREST's answer (status + `code`, never the message text,
//! which differs between PostgREST and PostgreSQL versions; the shared notes, `supabase-rest.md` §1.3).

use std::time::Duration;

use serde_json::Value;

use crate::error_code::SubmitErrorCode;
use crate::transport::{Response, TransportError};

/// PostgREST's error body `{"code","details","hint","message"}`; Supabase's API gateway sends only
/// `message`/`hint`. A body that is not JSON is kept (shortened) as the message.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct PostgrestError {
    pub code: Option<String>,
    pub message: Option<String>,
    pub details: Option<String>,
    pub hint: Option<String>,
}

const MAX_RAW_MESSAGE: usize = 512;

impl PostgrestError {
    pub fn from_body(body: &[u8]) -> Self {
        match serde_json::from_slice::<Value>(body) {
            Ok(Value::Object(map)) => {
                let field = |name: &str| match map.get(name) {
                    None | Some(Value::Null) => None,
                    Some(Value::String(s)) => Some(s.clone()),
                    Some(other) => Some(other.to_string()),
                };
                PostgrestError {
                    code: field("code"),
                    message: field("message"),
                    details: field("details"),
                    hint: field("hint"),
                }
            }
            _ if body.is_empty() => PostgrestError::default(),
            _ => {
                let text = String::from_utf8_lossy(body);
                let cut = text
                    .char_indices()
                    .nth(MAX_RAW_MESSAGE)
                    .map_or(text.len(), |(i, _)| i);
                PostgrestError {
                    message: Some(text[..cut].to_owned()),
                    ..PostgrestError::default()
                }
            }
        }
    }

    pub fn code(&self) -> &str {
        self.code.as_deref().unwrap_or("")
    }

    fn summary(&self) -> String {
        match (&self.code, &self.message) {
            (Some(c), Some(m)) => format!("{c}: {m}"),
            (None, Some(m)) => m.clone(),
            (Some(c), None) => c.clone(),
            (None, None) => "no details".into(),
        }
    }
}

impl std::fmt::Display for PostgrestError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.summary())
    }
}

/// A submit that did not store its records. `code()` is stable for callers and UIs.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SubmitError {
    /// 403 `42501` as a signed-in user: row-level security or a missing column grant (e.g. a row
    /// for another contributor). Not retried: the same request will be refused again.
    #[error("refused by row-level security or a missing grant (HTTP 403, {body})")]
    RlsDenied { body: PostgrestError },
    /// 401 `PGRST303` (the token's claims: expired, not yet valid, issued in the future, wrong
    /// audience; PostgREST v12 said `PGRST301` "JWT expired"). Refresh the session and resubmit.
    #[error("the access token is expired or not yet valid (HTTP 401, {body})")]
    ExpiredToken { body: PostgrestError },
    /// Any other 401: no/invalid API key, bad signature or malformed token (`PGRST301`), no user
    /// token at all (`42501` as anon), a role that does not exist (`22023`). Sign in again.
    #[error("not authorised (HTTP 401, {body})")]
    Unauthorized { body: PostgrestError },
    /// Any other 403 (e.g. `28xxx`, `0L000`, `0P000`).
    #[error("forbidden (HTTP 403, {body})")]
    Forbidden { body: PostgrestError },
    /// 400 with a data error from PostgreSQL: `23514` CHECK, `23502` NOT NULL, `22P02` invalid
    /// text, `22001`/`22003` out of range (SQLSTATE classes 22 and 23). A client bug: never retried.
    #[error("the database rejected a value (HTTP 400, {body})")]
    ConstraintViolation { body: PostgrestError },
    /// 400 `PGRST204`: the body names a column the table does not have (schema drift).
    #[error("unknown column (HTTP 400, {body})")]
    UnknownColumn { body: PostgrestError },
    /// Any other 400 (`PGRST100` query string, `PGRST102` body, `PGRST122` preferences, `P0001`).
    #[error("bad request (HTTP 400, {body})")]
    BadRequest { body: PostgrestError },
    /// 404: wrong base URL, or the table is not exposed (`PGRST205`).
    #[error("not found (HTTP 404, {body})")]
    NotFound { body: PostgrestError },
    /// 409 `23505`. With `on_conflict` + `ignore-duplicates`, which every submit sends, a
    /// duplicate is a 201; this means the conflict target and the table's unique key disagree.
    #[error("conflict with an existing row (HTTP 409, {body})")]
    Conflict { body: PostgrestError },
    /// 409 `23503`: the dataset does not exist, or the user has no `contributors` row yet.
    #[error("unknown dataset or contributor (HTTP 409, {body})")]
    MissingReference { body: PostgrestError },
    /// 409 `PT409`: another account already contributed a file with this content to this dataset
    /// (the same content is paid once per dataset; the database does not say whose it is). Not
    /// retried and not worth resubmitting: drop the record. (Resubmitting one's own file is not
    /// this error: it is stored once and answered 201.)
    #[error("this content is already in the dataset (HTTP 409, {body})")]
    AlreadyContributed { body: PostgrestError },
    /// 413 for a single record (a batch is split in halves first).
    #[error("request body too large (HTTP 413, {body})")]
    PayloadTooLarge { body: PostgrestError },
    /// 429 after the last attempt, or a `Retry-After` longer than the policy allows waiting.
    #[error(
        "rate limited after {attempts} attempt(s) (HTTP 429, retry after {retry_after:?}, {body})"
    )]
    RateLimited {
        retry_after: Option<Duration>,
        attempts: u32,
        body: PostgrestError,
    },
    /// 5xx after the last attempt (or a 5xx that is never retried, e.g. 501).
    #[error("server error after {attempts} attempt(s) (HTTP {status}, {body})")]
    ServerError {
        status: u16,
        attempts: u32,
        body: PostgrestError,
    },
    /// A status this client has no meaning for (3xx, 405, 406, …).
    #[error("unexpected HTTP {status} ({body})")]
    UnexpectedStatus { status: u16, body: PostgrestError },
    /// No response after the last attempt (connect, reset, malformed response).
    #[error("network error after {attempts} attempt(s): {message}")]
    Network { message: String, attempts: u32 },
    /// No response in time (transport timeout, or HTTP 408), after the last attempt.
    #[error("timed out after {attempts} attempt(s)")]
    Timeout { attempts: u32 },
    /// The client was set up with something it cannot use (e.g. a URL the transport refuses).
    #[error("invalid client configuration: {0}")]
    InvalidConfig(String),
}

impl SubmitError {
    /// A stable identifier per variant, for callers, logs and UIs (Display text may change).
    pub fn code(&self) -> SubmitErrorCode {
        use SubmitErrorCode as C;
        match self {
            SubmitError::RlsDenied { .. } => C::RlsDenied,
            SubmitError::ExpiredToken { .. } => C::ExpiredToken,
            SubmitError::Unauthorized { .. } => C::Unauthorized,
            SubmitError::Forbidden { .. } => C::Forbidden,
            SubmitError::ConstraintViolation { .. } => C::ConstraintViolation,
            SubmitError::UnknownColumn { .. } => C::UnknownColumn,
            SubmitError::BadRequest { .. } => C::BadRequest,
            SubmitError::NotFound { .. } => C::NotFound,
            SubmitError::Conflict { .. } => C::Conflict,
            SubmitError::MissingReference { .. } => C::MissingReference,
            SubmitError::AlreadyContributed { .. } => C::AlreadyContributed,
            SubmitError::PayloadTooLarge { .. } => C::PayloadTooLarge,
            SubmitError::RateLimited { .. } => C::RateLimited,
            SubmitError::ServerError { .. } => C::ServerError,
            SubmitError::UnexpectedStatus { .. } => C::UnexpectedStatus,
            SubmitError::Network { .. } => C::Network,
            SubmitError::Timeout { .. } => C::Timeout,
            SubmitError::InvalidConfig(_) => C::InvalidConfig,
        }
    }

    /// Worth submitting again later, unchanged (the network, the server or a rate limit; the
    /// client's own retries are used up). Every other error needs something fixed first: the
    /// session (`ExpiredToken`, `Unauthorized`), the record or the client.
    pub fn is_transient(&self) -> bool {
        matches!(
            self,
            SubmitError::RateLimited { .. }
                | SubmitError::ServerError { .. }
                | SubmitError::Network { .. }
                | SubmitError::Timeout { .. }
        )
    }

    /// The HTTP status the error came from, if a response arrived.
    pub fn status(&self) -> Option<u16> {
        Some(match self {
            SubmitError::RlsDenied { .. } | SubmitError::Forbidden { .. } => 403,
            SubmitError::ExpiredToken { .. } | SubmitError::Unauthorized { .. } => 401,
            SubmitError::ConstraintViolation { .. }
            | SubmitError::UnknownColumn { .. }
            | SubmitError::BadRequest { .. } => 400,
            SubmitError::NotFound { .. } => 404,
            SubmitError::Conflict { .. }
            | SubmitError::MissingReference { .. }
            | SubmitError::AlreadyContributed { .. } => 409,
            SubmitError::PayloadTooLarge { .. } => 413,
            SubmitError::RateLimited { .. } => 429,
            SubmitError::ServerError { status, .. }
            | SubmitError::UnexpectedStatus { status, .. } => *status,
            SubmitError::Network { .. }
            | SubmitError::Timeout { .. }
            | SubmitError::InvalidConfig(_) => return None,
        })
    }

    /// PostgREST's error body, if a response with one arrived.
    pub fn postgrest(&self) -> Option<&PostgrestError> {
        match self {
            SubmitError::RlsDenied { body }
            | SubmitError::ExpiredToken { body }
            | SubmitError::Unauthorized { body }
            | SubmitError::Forbidden { body }
            | SubmitError::ConstraintViolation { body }
            | SubmitError::UnknownColumn { body }
            | SubmitError::BadRequest { body }
            | SubmitError::NotFound { body }
            | SubmitError::Conflict { body }
            | SubmitError::MissingReference { body }
            | SubmitError::AlreadyContributed { body }
            | SubmitError::PayloadTooLarge { body }
            | SubmitError::RateLimited { body, .. }
            | SubmitError::ServerError { body, .. }
            | SubmitError::UnexpectedStatus { body, .. } => Some(body),
            SubmitError::Network { .. }
            | SubmitError::Timeout { .. }
            | SubmitError::InvalidConfig(_) => None,
        }
    }

    /// The error for a final (non-2xx) response; `attempts` is how many requests were made.
    pub fn from_response(response: &Response, attempts: u32) -> Self {
        let body = PostgrestError::from_body(&response.body);
        let code = body.code().to_owned();
        let sqlstate_class =
            |classes: &[&str]| code.len() == 5 && classes.iter().any(|c| code.starts_with(c));
        match response.status {
            400 if code == "PGRST204" => SubmitError::UnknownColumn { body },
            400 if sqlstate_class(&["22", "23"]) => SubmitError::ConstraintViolation { body },
            400 => SubmitError::BadRequest { body },
            401 if code == "PGRST303"
                || (code == "PGRST301" && body.message.as_deref() == Some("JWT expired")) =>
            {
                SubmitError::ExpiredToken { body }
            }
            401 => SubmitError::Unauthorized { body },
            403 if code == "42501" => SubmitError::RlsDenied { body },
            403 => SubmitError::Forbidden { body },
            404 => SubmitError::NotFound { body },
            408 => SubmitError::Timeout { attempts },
            409 if code == "23503" => SubmitError::MissingReference { body },
            409 if code == "PT409" => SubmitError::AlreadyContributed { body },
            409 => SubmitError::Conflict { body },
            413 => SubmitError::PayloadTooLarge { body },
            429 => SubmitError::RateLimited {
                retry_after: retry_after(response),
                attempts,
                body,
            },
            500..=599 => SubmitError::ServerError {
                status: response.status,
                attempts,
                body,
            },
            status => SubmitError::UnexpectedStatus { status, body },
        }
    }

    /// The error for a request that never got a response.
    pub fn from_transport(error: &TransportError, attempts: u32) -> Self {
        match error {
            TransportError::Timeout(_) => SubmitError::Timeout { attempts },
            TransportError::InvalidRequest(m) => SubmitError::InvalidConfig(m.clone()),
            other => SubmitError::Network {
                message: other.to_string(),
                attempts,
            },
        }
    }
}

/// `Retry-After` in delta-seconds. An HTTP-date is ignored (the caller falls back to backoff):
/// turning it into a delay needs a wall clock, which wasm32-unknown-unknown lacks, and Supabase's
/// edge sends seconds.
pub(crate) fn retry_after(response: &Response) -> Option<Duration> {
    let value = response.header("retry-after")?.trim();
    value.parse::<u64>().ok().map(Duration::from_secs)
}

#[cfg(test)]
#[path = "error_tests.rs"]
mod tests;
