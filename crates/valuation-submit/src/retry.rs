//! When to send a request again, and how long to wait first.
//!
//! Retrying a POST is safe here because every submit is idempotent (unique key + `on_conflict` +
//! `ignore-duplicates`): a request whose response was lost is simply stored once. So unlike
//! postgrest-js (which never retries POST) this client retries everything transient.

use std::hash::{BuildHasher, Hasher};
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::Duration;

use crate::error::retry_after;
use crate::transport::{Request, Response, Sleeper, Transport, TransportError};

/// Statuses worth another attempt: timeouts, rate limits, server and gateway errors (520–524 are
/// Cloudflare's, in front of Supabase). Every other 4xx is the request's own fault.
pub const RETRYABLE_STATUSES: [u16; 11] = [408, 429, 500, 502, 503, 504, 520, 521, 522, 523, 524];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RetryPolicy {
    /// Requests per chunk, the first included. 1 = never retry.
    pub max_attempts: u32,
    /// The first backoff ceiling; it doubles per retry.
    pub base_delay: Duration,
    /// Ceiling of one backoff wait.
    pub max_delay: Duration,
    /// The longest `Retry-After` the client waits out; a longer one ends the submit with
    /// `RateLimited`/`ServerError` carrying it, so the caller can schedule a later attempt.
    pub max_retry_after: Duration,
    /// All waits of one request together: bounds a submit's duration without needing a clock
    /// (wasm32-unknown-unknown has none), on top of the transport's per-attempt timeout.
    pub max_total_delay: Duration,
}

impl Default for RetryPolicy {
    /// 5 attempts; waits of 250–500 ms, 0.5–1 s, 1–2 s, 2–4 s (≤ 7.5 s in all without
    /// `Retry-After`): long enough to ride out a PostgREST connection-pool hiccup or a restart,
    /// short enough that a user watching an upload gets an answer. A `Retry-After` of up to
    /// 60 s is waited out: the database's rate limit (100 per 60 s window per contributor)
    /// answers the request that finds the window used up with the seconds to the window's end,
    /// up to 60 (plus the jitter), so `max_total_delay` leaves room for one such wait and the
    /// backoffs around it.
    fn default() -> Self {
        RetryPolicy {
            max_attempts: 5,
            base_delay: Duration::from_millis(500),
            max_delay: Duration::from_secs(8),
            max_retry_after: Duration::from_secs(60),
            max_total_delay: Duration::from_secs(120),
        }
    }
}

impl RetryPolicy {
    /// The wait before retry number `retry` (1 = the second attempt) given a jitter `unit` in
    /// [0, 1): "equal jitter", half the exponential ceiling fixed and half random, so retries
    /// never fire back to back yet many clients failing together spread out.
    pub fn backoff(&self, retry: u32, unit: f64) -> Duration {
        let doublings = retry.saturating_sub(1).min(31);
        let ceiling = self
            .base_delay
            .saturating_mul(1 << doublings)
            .min(self.max_delay);
        ceiling / 2 + ceiling.mul_f64(unit.clamp(0.0, 1.0) / 2.0)
    }

    /// The wait before retry `retry`: the server's `Retry-After` plus a little jitter (up to half
    /// the base delay, so clients told the same second do not return in lockstep), else the
    /// backoff. `None`: the server asks for longer than `max_retry_after`, give up.
    pub fn delay(&self, retry: u32, retry_after: Option<Duration>, unit: f64) -> Option<Duration> {
        match retry_after {
            Some(wait) if wait > self.max_retry_after => None,
            Some(wait) => Some(wait + self.base_delay.mul_f64(unit.clamp(0.0, 1.0) / 2.0)),
            None => Some(self.backoff(retry, unit)),
        }
    }
}

/// A source of jitter: each call returns a number in [0, 1). Injectable so tests are exact and
/// a browser can use `Math.random`.
pub trait Jitter {
    fn unit(&self) -> f64;
}

impl<F: Fn() -> f64> Jitter for F {
    fn unit(&self) -> f64 {
        self()
    }
}

/// The default jitter: SplitMix64 over an atomic counter (no dependency, no lock). Not for
/// secrets; only to decorrelate clients' retries.
#[derive(Debug)]
pub struct SplitMix(AtomicU64);

impl SplitMix {
    pub fn seeded(seed: u64) -> Self {
        SplitMix(AtomicU64::new(seed))
    }

    /// Seeded from std's per-process hash keys plus a process-wide counter, so two clients of one
    /// process differ too. (Where std has no randomness, e.g. wasm32-unknown-unknown, the keys are
    /// fixed: inject a `Jitter` backed by `Math.random` there.)
    pub fn from_entropy() -> Self {
        static CLIENTS: AtomicU64 = AtomicU64::new(0);
        let mut hasher = std::collections::hash_map::RandomState::new().build_hasher();
        hasher.write_u64(CLIENTS.fetch_add(1, Ordering::Relaxed));
        SplitMix::seeded(hasher.finish())
    }
}

impl Jitter for SplitMix {
    fn unit(&self) -> f64 {
        let mut z = self
            .0
            .fetch_add(0x9E37_79B9_7F4A_7C15, Ordering::Relaxed)
            .wrapping_add(0x9E37_79B9_7F4A_7C15);
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        (z >> 11) as f64 / (1u64 << 53) as f64
    }
}

/// The last answer for one request, and how many attempts it took.
#[derive(Debug)]
pub(crate) struct Outcome {
    pub result: Result<Response, TransportError>,
    pub attempts: u32,
}

/// `Some(retry_after)` when the result is worth another attempt.
fn retryable(result: &Result<Response, TransportError>) -> Option<Option<Duration>> {
    match result {
        Err(error) => error.is_retryable().then_some(None),
        Ok(response) => RETRYABLE_STATUSES
            .contains(&response.status)
            .then(|| retry_after(response)),
    }
}

/// Sends `request` until it gets a final answer, the attempts run out, or waiting longer is not
/// allowed. Retries carry `X-Retry-Count: n` (as postgrest-js's do), which server logs can use.
pub(crate) async fn send_with_retries<T: Transport, S: Sleeper>(
    transport: &T,
    sleeper: &S,
    policy: &RetryPolicy,
    jitter: &dyn Jitter,
    request: &Request,
) -> Outcome {
    let mut attempts = 0;
    let mut waited = Duration::ZERO;
    loop {
        attempts += 1;
        let mut attempt = request.clone();
        if attempts > 1 {
            attempt
                .headers
                .push(("X-Retry-Count".into(), (attempts - 1).to_string()));
        }
        let result = transport.send(attempt).await;
        let Some(retry_after) = retryable(&result) else {
            return Outcome { result, attempts };
        };
        if attempts >= policy.max_attempts {
            return Outcome { result, attempts };
        }
        let wait = match policy.delay(attempts, retry_after, jitter.unit()) {
            Some(wait) if waited + wait <= policy.max_total_delay => wait,
            _ => return Outcome { result, attempts },
        };
        sleeper.sleep(wait).await;
        waited += wait;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn backoff_doubles_with_equal_jitter_and_a_cap() {
        let p = RetryPolicy::default();
        let ms = |retry, unit| p.backoff(retry, unit).as_millis();
        assert_eq!([ms(1, 0.0), ms(1, 0.999_999)], [250, 499]);
        assert_eq!([ms(2, 0.0), ms(3, 0.0), ms(4, 0.5)], [500, 1000, 3000]);
        assert_eq!([ms(5, 0.0), ms(10, 1.0), ms(200, 1.0)], [4000, 8000, 8000]);
    }

    #[test]
    fn retry_after_is_honoured_up_to_a_limit() {
        let p = RetryPolicy::default();
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(1)), 0.0),
            Some(Duration::from_secs(1))
        );
        assert_eq!(
            p.delay(1, Some(Duration::from_secs(1)), 1.0),
            Some(Duration::from_millis(1250))
        );
        assert_eq!(p.delay(1, Some(Duration::from_secs(61)), 0.0), None);
        assert_eq!(p.delay(2, None, 0.0), Some(Duration::from_millis(500)));
    }

    #[test]
    fn a_full_rate_limit_window_fits_the_default_total() {
        // the database's window is 60 s: a 429 at its start says Retry-After: 60
        let p = RetryPolicy::default();
        let wait = p.delay(1, Some(Duration::from_secs(60)), 0.999).unwrap();
        assert!(wait <= p.max_total_delay, "{wait:?}");
    }

    #[test]
    fn split_mix_stays_in_the_unit_interval_and_differs_per_client() {
        let j = SplitMix::seeded(7);
        let draws: Vec<f64> = (0..10_000).map(|_| j.unit()).collect();
        assert!(draws.iter().all(|u| (0.0..1.0).contains(u)));
        let mean = draws.iter().sum::<f64>() / draws.len() as f64;
        assert!((mean - 0.5).abs() < 0.02, "{mean}");
        assert_ne!(
            SplitMix::from_entropy().unit(),
            SplitMix::from_entropy().unit()
        );
    }

    #[test]
    fn which_answers_are_retried() {
        let status = |s| {
            retryable(&Ok(Response {
                status: s,
                headers: vec![],
                body: vec![],
            }))
            .is_some()
        };
        for s in RETRYABLE_STATUSES {
            assert!(status(s), "{s}");
        }
        for s in [200, 201, 400, 401, 403, 404, 405, 409, 413, 422, 501, 505] {
            assert!(!status(s), "{s}");
        }
        assert!(retryable(&Err(TransportError::Io("reset".into()))).is_some());
        assert!(retryable(&Err(TransportError::Timeout(Duration::from_secs(1)))).is_some());
        assert!(retryable(&Err(TransportError::InvalidRequest("url".into()))).is_none());
    }
}
