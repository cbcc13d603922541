//! Test support for valuation-submit, kept out of the library (only its tests use it): a blocking
//! loopback HTTP/1.1 transport, a thread sleeper, and `pollster`'s executor, so the tests drive
//! the async client against the real gateway without a runtime.

mod http;
mod url;

use std::time::Duration;

pub use http::HttpTransport;
/// Runs a future to completion on the current thread (the transport and sleeper finish their
/// work inside `poll`, so it rarely parks).
pub use pollster::block_on;

use valuation_submit::{Sleeper, SubmitClient};

/// Waits by blocking the thread: the native client runs one submit per thread (`block_on`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

pub type NativeClient = SubmitClient<HttpTransport, ThreadSleeper>;

/// A client with the loopback HTTP transport (see `HttpTransport`) and thread sleeps.
pub fn native_client(url: &str, anon_key: &str, access_token: &str) -> NativeClient {
    SubmitClient::new(
        url,
        anon_key,
        access_token,
        HttpTransport::default(),
        ThreadSleeper,
    )
}
