//! What the cases share: users and their tokens, records, clients, the gateway's fault control,
//! and row counts read straight from PostgreSQL.

use std::sync::atomic::{AtomicU32, Ordering};
use std::time::Duration;

use serde_json::Value;
use sha2::{Digest, Sha256};
use valuation_core::FileKind;
use valuation_submit::{ContributionRecord, Method, RecordParts, Request, RetryPolicy};
use valuation_submit_testing::{HttpTransport, NativeClient};

use crate::jwt;
use crate::stack::Stack;

pub const DATASET: &str = "d5000000-0000-4000-8000-000000000001";
pub const MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

pub struct User {
    pub id: String,
    pub token: String,
}

/// Lowercase hex SHA-256 of a label: stands in for a file's content hash.
pub fn sha256(label: &str) -> String {
    format!("{:x}", Sha256::digest(label.as_bytes()))
}

pub fn record(label: &str) -> ContributionRecord {
    record_for(DATASET, label)
}

pub fn record_for(dataset_id: &str, label: &str) -> ContributionRecord {
    ContributionRecord::new(RecordParts {
        dataset_id: dataset_id.into(),
        content_sha256: sha256(label),
        byte_size: 1234,
        detected_type: FileKind::Text,
        quality_score: 87,
        sub_scores: [
            ("quality".to_owned(), Some(90)),
            ("structure".to_owned(), None),
        ]
        .into(),
        flags: [("pii_email".to_owned(), 2)].into(),
        model_id: MODEL.into(),
        scorer_version: "1.0.0".into(),
    })
    .expect("a valid record")
}

/// Short waits so the fault cases stay fast; the numbers are the default policy's, scaled down.
pub fn fast_policy() -> RetryPolicy {
    RetryPolicy {
        base_delay: Duration::from_millis(50),
        max_delay: Duration::from_millis(400),
        ..RetryPolicy::default()
    }
}

impl Stack {
    pub fn seed(&self) {
        self.psql(&format!("insert into public.datasets (id, domain, name) values ('{DATASET}', 'submit', 'rust client')"));
    }

    /// New users (signed up: the trigger creates their `contributors` rows), with tokens.
    pub fn new_users(&self, n: usize) -> Vec<User> {
        static NEXT: AtomicU32 = AtomicU32::new(1);
        let first = NEXT.fetch_add(n as u32, Ordering::Relaxed);
        let ids: Vec<String> = (first..first + n as u32)
            .map(|i| format!("5ab00000-0000-4000-8000-{i:012x}"))
            .collect();
        let values: Vec<String> = ids.iter().map(|id| format!("('{id}')")).collect();
        self.psql(&format!(
            "insert into auth.users (id) values {}",
            values.join(",")
        ));
        ids.into_iter()
            .map(|id| User {
                token: jwt::user_token(&id),
                id,
            })
            .collect()
    }

    pub fn new_user(&self) -> User {
        self.new_users(1).pop().unwrap()
    }

    pub fn client(&self, access_token: &str) -> NativeClient {
        valuation_submit_testing::native_client(
            &self.gateway_url,
            &jwt::api_key("anon"),
            access_token,
        )
        .with_retry_policy(fast_policy())
    }

    /// Sets the database's rate limit (public.contribution_limits) until the guard drops, then
    /// restores the default, 100 per 60 s — also when the case panics.
    pub fn rate_limit(&self, per_window: u32, window_seconds: u32) -> RateLimitGuard<'_> {
        self.psql(&format!(
            "update public.contribution_limits set per_window = {per_window}, window_seconds = {window_seconds}"
        ));
        RateLimitGuard { stack: self }
    }

    /// Rows of a contributor, optionally of one content hash.
    pub fn rows(&self, user: &User, label: Option<&str>) -> u64 {
        let hash = label.map_or(String::new(), |l| {
            format!(" and content_sha256 = '{}'", sha256(l))
        });
        self.psql(&format!(
            "select count(*) from public.data_contributions where contributor_id = '{}'{hash}",
            user.id
        ))
        .parse()
        .unwrap()
    }

    fn control(&self, method: Method, body: &str) -> Value {
        let request = Request {
            method,
            url: format!("{}/__faults", self.gateway_url),
            headers: vec![("Content-Type".into(), "application/json".into())],
            body: body.as_bytes().to_vec(),
        };
        let response = HttpTransport::default()
            .send_blocking(&request)
            .expect("the gateway's control endpoint answers");
        assert_eq!(
            response.status,
            200,
            "{}",
            String::from_utf8_lossy(&response.body)
        );
        serde_json::from_slice(&response.body).unwrap()
    }

    pub fn set_faults(&self, schedule: Value) {
        self.control(Method::Post, &schedule.to_string());
    }

    pub fn clear_faults(&self) {
        self.control(Method::Delete, "");
    }

    /// The gateway's request log: {seq, t_ms, method, path, fault, status, x_retry_count}.
    pub fn request_log(&self) -> Vec<Value> {
        self.control(Method::Get, "")["log"]
            .as_array()
            .unwrap()
            .clone()
    }
}

pub struct RateLimitGuard<'a> {
    stack: &'a Stack,
}

impl Drop for RateLimitGuard<'_> {
    fn drop(&mut self) {
        self.stack
            .psql("update public.contribution_limits set per_window = 100, window_seconds = 60");
    }
}
