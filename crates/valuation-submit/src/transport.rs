//! The two things the client needs from its platform: one HTTP exchange and a pause.
//!
//! Natively (the tests) they are a blocking socket and `thread::sleep` (crates/valuation-submit-testing); in a browser they are
//! `fetch` and a JS timer (crates/valuation-wasm/src/submit). The retry loop and the error mapping are
//! written once, over these traits.
//!
//! The traits use `async fn` without a `Send` bound on purpose: a browser's futures wrap JS
//! promises, which are never `Send`. Hence the lint allowance.

use std::time::Duration;

/// An HTTP request, already complete: the client builds it, a transport only carries it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Request {
    pub method: Method,
    /// Absolute URL, `http://` or `https://`.
    pub url: String,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Method {
    Get,
    Post,
    Delete,
}

impl Method {
    pub fn as_str(self) -> &'static str {
        match self {
            Method::Get => "GET",
            Method::Post => "POST",
            Method::Delete => "DELETE",
        }
    }
}

/// Any HTTP response, error statuses included: deciding what a status means is the client's job.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Response {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Response {
    /// The first header of that name (names compare case-insensitively, as HTTP says).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }

    pub fn is_success(&self) -> bool {
        (200..300).contains(&self.status)
    }
}

/// Why no response arrived. Every variant except `InvalidRequest` may be transient: the request
/// may or may not have reached the database, which is why submits are idempotent.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum TransportError {
    /// Could not connect (refused, unreachable, DNS).
    #[error("cannot connect: {0}")]
    Connect(String),
    /// Connected, but the exchange failed midway (reset, closed before a full response).
    #[error("connection failed: {0}")]
    Io(String),
    /// No complete response within the transport's time limit.
    #[error("timed out after {0:?}")]
    Timeout(Duration),
    /// The peer answered something that is not HTTP.
    #[error("malformed response: {0}")]
    Protocol(String),
    /// The request cannot be sent by this transport at all (e.g. its URL); retrying cannot help.
    #[error("invalid request: {0}")]
    InvalidRequest(String),
}

impl TransportError {
    pub fn is_retryable(&self) -> bool {
        !matches!(self, TransportError::InvalidRequest(_))
    }
}

/// One HTTP exchange. Implementations do not retry and do not interpret statuses.
#[allow(async_fn_in_trait)]
pub trait Transport {
    async fn send(&self, request: Request) -> Result<Response, TransportError>;
}

/// Waiting between attempts, so that a browser can use a JS timer instead of blocking a thread.
#[allow(async_fn_in_trait)]
pub trait Sleeper {
    async fn sleep(&self, duration: Duration);
}

impl<T: Transport> Transport for &T {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        (**self).send(request).await
    }
}

impl<S: Sleeper> Sleeper for &S {
    async fn sleep(&self, duration: Duration) {
        (**self).sleep(duration).await
    }
}
