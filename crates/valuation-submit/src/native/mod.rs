//! Native (non-wasm) platform pieces: a blocking HTTP/1.1 transport, a thread sleeper and a
//! minimal executor, so the CLI and the tests can drive the async client without a runtime.

mod block_on;
mod http;
mod url;

use std::time::Duration;

pub use block_on::block_on;
pub use http::HttpTransport;

use crate::client::SubmitClient;
use crate::transport::Sleeper;

/// Waits by blocking the thread: the native client runs one submit per thread (`block_on`).
#[derive(Debug, Clone, Copy, Default)]
pub struct ThreadSleeper;

impl Sleeper for ThreadSleeper {
    async fn sleep(&self, duration: Duration) {
        std::thread::sleep(duration);
    }
}

pub type NativeClient = SubmitClient<HttpTransport, ThreadSleeper>;

impl NativeClient {
    /// A client with the loopback HTTP transport (see `HttpTransport`) and thread sleeps.
    pub fn native(url: &str, anon_key: &str, access_token: &str) -> Self {
        SubmitClient::new(
            url,
            anon_key,
            access_token,
            HttpTransport::default(),
            ThreadSleeper,
        )
    }
}
