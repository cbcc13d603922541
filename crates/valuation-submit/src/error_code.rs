//! Every stable code of a failed submit, declared once with valuation-core's `stable_codes!`:
//! [`SubmitError::code`](crate::SubmitError::code) and
//! [`RecordError::code`](crate::RecordError::code) return one, the wasm bindings pass it to JS as
//! `SubmitError.code`, and the package's TypeScript union (`pkg/types/submit-error-code.d.ts`) is
//! generated from it by `tests/typescript.rs`, which fails when the file is stale.

valuation_core::stable_codes! {
    /// Every stable code of a `SubmitError` (`transient` says which are worth retrying later).
    pub enum SubmitErrorCode {
        /// HTTP 403 `42501`: refused by row-level security or a missing grant (e.g. a row for another contributor).
        RlsDenied = "rls_denied",
        /// HTTP 401 `PGRST303`: the access token is expired or not yet valid; refresh the session and resubmit.
        ExpiredToken = "expired_token",
        /// Any other HTTP 401: no or invalid API key, a bad token, no signed-in user; sign in again.
        Unauthorized = "unauthorized",
        /// Any other HTTP 403.
        Forbidden = "forbidden",
        /// HTTP 400 with a PostgreSQL data error (CHECK, NOT NULL, invalid or out-of-range value): a client bug.
        ConstraintViolation = "constraint_violation",
        /// HTTP 400 `PGRST204`: the record names a column the table does not have (schema drift).
        UnknownColumn = "unknown_column",
        /// Any other HTTP 400.
        BadRequest = "bad_request",
        /// HTTP 404: a wrong base URL, or the table is not exposed.
        NotFound = "not_found",
        /// HTTP 409 `23505`: the conflict target and the table's unique key disagree.
        Conflict = "conflict",
        /// HTTP 409 `23503`: the dataset does not exist, or the user is not a contributor yet.
        MissingReference = "missing_reference",
        /// HTTP 409 `PT409`: another account already contributed this content to this dataset; drop the record.
        AlreadyContributed = "already_contributed",
        /// HTTP 413 for a single record.
        PayloadTooLarge = "payload_too_large",
        /// HTTP 429 after the last attempt, or a `Retry-After` longer than the policy waits.
        RateLimited = "rate_limited",
        /// HTTP 5xx after the last attempt.
        ServerError = "server_error",
        /// A status this client has no meaning for (3xx, 405, 406, ...).
        UnexpectedStatus = "unexpected_status",
        /// No response after the last attempt (connect, reset, malformed response).
        Network = "network",
        /// No response in time (or HTTP 408) after the last attempt.
        Timeout = "timeout",
        /// The client was set up with something it cannot use (e.g. a URL the transport refuses).
        InvalidConfig = "invalid_config",
        /// The record has a field the database would refuse (the message names the field and the rule).
        InvalidRecord = "invalid_record",
        /// The report names no model (it was scored without embeddings), which a record requires.
        NoModel = "no_model",
    }
}
