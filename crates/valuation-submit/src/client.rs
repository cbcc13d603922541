//! The submit client: records in, PostgREST requests out, one typed answer back.

use std::fmt;

use crate::batch::{self, BatchLimits};
use crate::error::SubmitError;
use crate::record::ContributionRecord;
use crate::retry::{self, Jitter, RetryPolicy, SplitMix};
use crate::transport::{Method, Request, Sleeper, Transport};

/// The insert endpoint. `on_conflict` names the idempotency key, so that with
/// `resolution=ignore-duplicates` a record already stored (a retry, a resubmit) is a 201 and
/// nothing more; without it PostgREST's conflict target would be the primary key.
pub const INSERT_PATH: &str =
    "/rest/v1/data_contributions?on_conflict=dataset_id,contributor_id,content_sha256";
/// `return=minimal`: the client needs no row back, and returning rows would need a SELECT policy.
pub const PREFER: &str = "resolution=ignore-duplicates,return=minimal";

/// Records a contribution's metadata in Supabase through PostgREST.
///
/// `url` is the project URL (`https://<ref>.supabase.co`), `anon_key` the publishable/anon key
/// (sent as `apikey`), `access_token` the signed-in user's JWT (sent as `Authorization: Bearer`;
/// its `sub` becomes `contributor_id`). Signed out, supabase-js sends the anon key as the bearer
/// token; this client can too, and gets `Unauthorized`.
pub struct SubmitClient<T, S> {
    url: String,
    anon_key: String,
    access_token: String,
    transport: T,
    sleeper: S,
    retry: RetryPolicy,
    limits: BatchLimits,
    jitter: Box<dyn Jitter + Send + Sync>,
}

/// What a successful submit did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct SubmitReceipt {
    /// Records sent and acknowledged (stored now, or already stored before: the database does not
    /// say which with `return=minimal`, and either way the record is there).
    pub records: usize,
    /// HTTP requests made, retries and 413 splits included.
    pub requests: u32,
}

impl<T: Transport, S: Sleeper> SubmitClient<T, S> {
    pub fn new(url: &str, anon_key: &str, access_token: &str, transport: T, sleeper: S) -> Self {
        SubmitClient {
            url: url.trim_end_matches('/').to_owned(),
            anon_key: anon_key.to_owned(),
            access_token: access_token.to_owned(),
            transport,
            sleeper,
            retry: RetryPolicy::default(),
            limits: BatchLimits::default(),
            jitter: Box::new(SplitMix::from_entropy()),
        }
    }

    pub fn with_retry_policy(mut self, retry: RetryPolicy) -> Self {
        self.retry = retry;
        self
    }

    pub fn with_batch_limits(mut self, limits: BatchLimits) -> Self {
        self.limits = limits;
        self
    }

    pub fn with_jitter(mut self, jitter: impl Jitter + Send + Sync + 'static) -> Self {
        self.jitter = Box::new(jitter);
        self
    }

    /// After a session refresh (e.g. on `SubmitError::ExpiredToken`); then submit again.
    pub fn set_access_token(&mut self, access_token: &str) {
        self.access_token = access_token.to_owned();
    }

    pub fn transport(&self) -> &T {
        &self.transport
    }

    pub async fn submit(&self, record: &ContributionRecord) -> Result<SubmitReceipt, SubmitError> {
        self.submit_batch(std::slice::from_ref(record)).await
    }

    /// Sends the records in as few requests as the batch limits allow. On an error, chunks sent
    /// before it may be stored: submitting the same records again is safe and stores each once.
    pub async fn submit_batch(
        &self,
        records: &[ContributionRecord],
    ) -> Result<SubmitReceipt, SubmitError> {
        let items: Vec<String> = records.iter().map(ContributionRecord::to_json).collect();
        let mut pending = batch::chunks(&items, self.limits);
        pending.reverse(); // a stack, first chunk on top
        let mut receipt = SubmitReceipt {
            records: 0,
            requests: 0,
        };
        while let Some(range) = pending.pop() {
            match self
                .post(batch::array_body(&items[range.clone()]), &mut receipt)
                .await
            {
                Ok(()) => receipt.records += range.len(),
                // The server takes less than our limits: halve and try both halves, in order.
                Err(SubmitError::PayloadTooLarge { .. }) if range.len() > 1 => {
                    let middle = range.start + range.len() / 2;
                    pending.push(middle..range.end);
                    pending.push(range.start..middle);
                }
                Err(error) => return Err(error),
            }
        }
        Ok(receipt)
    }

    /// TEST ONLY (feature `raw-body`): posts `json` as is, through the same headers, retries and
    /// error mapping, so tests can provoke the database's own rejections.
    #[cfg(feature = "raw-body")]
    pub async fn post_raw_json(&self, json: &str) -> Result<SubmitReceipt, SubmitError> {
        let mut receipt = SubmitReceipt {
            records: 0,
            requests: 0,
        };
        self.post(json.as_bytes().to_vec(), &mut receipt).await?;
        Ok(receipt)
    }

    async fn post(&self, body: Vec<u8>, receipt: &mut SubmitReceipt) -> Result<(), SubmitError> {
        let request = self.insert_request(body);
        let outcome = retry::send_with_retries(
            &self.transport,
            &self.sleeper,
            &self.retry,
            &*self.jitter,
            &request,
        )
        .await;
        receipt.requests += outcome.attempts;
        match outcome.result {
            Ok(response) if response.is_success() => Ok(()),
            Ok(response) => Err(SubmitError::from_response(&response, outcome.attempts)),
            Err(error) => Err(SubmitError::from_transport(&error, outcome.attempts)),
        }
    }

    fn insert_request(&self, body: Vec<u8>) -> Request {
        let header = |name: &str, value: &str| (name.to_owned(), value.to_owned());
        Request {
            method: Method::Post,
            url: format!("{}{INSERT_PATH}", self.url),
            headers: vec![
                header("apikey", &self.anon_key),
                header("Authorization", &format!("Bearer {}", self.access_token)),
                header("Content-Type", "application/json"),
                header("Prefer", PREFER),
            ],
            body,
        }
    }
}

/// Keys and tokens are credentials: never in logs.
impl<T, S> fmt::Debug for SubmitClient<T, S> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("SubmitClient")
            .field("url", &self.url)
            .field("anon_key", &"<redacted>")
            .field("access_token", &"<redacted>")
            .field("retry", &self.retry)
            .field("limits", &self.limits)
            .finish_non_exhaustive()
    }
}
