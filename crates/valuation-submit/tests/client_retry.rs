//! The client's requests, retries, waits, batching and error mapping against a scripted
//! transport and a recording sleeper: exact and instant. (tests/gateway/ runs the real thing.)

use std::cell::RefCell;
use std::collections::VecDeque;
use std::time::Duration;

use valuation_core::FileKind;
use valuation_submit::*;
use valuation_submit_testing::block_on;

type Answer = Result<Response, TransportError>;

/// Answers from a script (or from a function of the request), and keeps every request.
#[derive(Default)]
struct Scripted {
    answers: RefCell<VecDeque<Answer>>,
    by_request: Option<fn(&Request) -> Answer>,
    requests: RefCell<Vec<Request>>,
}

impl Scripted {
    fn new(answers: impl IntoIterator<Item = Answer>) -> Self {
        Scripted {
            answers: RefCell::new(answers.into_iter().collect()),
            ..Scripted::default()
        }
    }
}

impl Transport for Scripted {
    async fn send(&self, request: Request) -> Answer {
        let answer = match self.by_request {
            Some(f) => f(&request),
            None => self
                .answers
                .borrow_mut()
                .pop_front()
                .expect("the script ran out of answers"),
        };
        self.requests.borrow_mut().push(request);
        answer
    }
}

#[derive(Default)]
struct Waits(RefCell<Vec<Duration>>);

impl Sleeper for Waits {
    async fn sleep(&self, duration: Duration) {
        self.0.borrow_mut().push(duration);
    }
}

fn status(code: u16) -> Answer {
    answer(code, &[], "")
}

fn answer(code: u16, headers: &[(&str, &str)], body: &str) -> Answer {
    let headers = headers
        .iter()
        .map(|(n, v)| (n.to_string(), v.to_string()))
        .collect();
    Ok(Response {
        status: code,
        headers,
        body: body.as_bytes().to_vec(),
    })
}

fn record(label: u32) -> ContributionRecord {
    ContributionRecord::new(RecordParts {
        dataset_id: "d2000000-0000-4000-8000-000000000001".into(),
        content_sha256: format!("{label:064x}"),
        byte_size: 10,
        detected_type: FileKind::Csv,
        quality_score: 50,
        sub_scores: Default::default(),
        flags: Default::default(),
        model_id: "m".into(),
        scorer_version: "1.0.0".into(),
    })
    .unwrap()
}

const URL: &str = "http://127.0.0.1:1/";

/// Jitter fixed at 0.5: backoff waits are exactly 3/4 of their ceiling.
fn client<'a>(transport: &'a Scripted, waits: &'a Waits) -> SubmitClient<&'a Scripted, &'a Waits> {
    SubmitClient::new(URL, "anon-key", "user-token", transport, waits).with_jitter(|| 0.5)
}

fn retry_counts(transport: &Scripted) -> Vec<Option<String>> {
    let requests = transport.requests.borrow();
    requests
        .iter()
        .map(|r| {
            r.headers
                .iter()
                .find(|(n, _)| n == "X-Retry-Count")
                .map(|(_, v)| v.clone())
        })
        .collect()
}

#[test]
fn builds_the_postgrest_insert_request() {
    let (transport, waits) = (Scripted::new([status(201)]), Waits::default());
    let receipt = block_on(client(&transport, &waits).submit(&record(1))).unwrap();
    assert_eq!(
        receipt,
        SubmitReceipt {
            records: 1,
            requests: 1
        }
    );
    let requests = transport.requests.borrow();
    let r = &requests[0];
    assert_eq!(r.method, Method::Post);
    assert_eq!(r.url, "http://127.0.0.1:1/rest/v1/data_contributions?on_conflict=dataset_id,contributor_id,content_sha256");
    let headers: Vec<(&str, &str)> = r
        .headers
        .iter()
        .map(|(n, v)| (n.as_str(), v.as_str()))
        .collect();
    assert_eq!(
        headers,
        [
            ("apikey", "anon-key"),
            ("Authorization", "Bearer user-token"),
            ("Content-Type", "application/json"),
            ("Prefer", "resolution=ignore-duplicates,return=minimal"),
        ]
    );
    assert_eq!(r.body, format!("[{}]", record(1).to_json()).into_bytes());
}

#[test]
fn retries_503_twice_then_succeeds_with_growing_waits() {
    let (transport, waits) = (
        Scripted::new([status(503), status(503), status(201)]),
        Waits::default(),
    );
    let receipt = block_on(client(&transport, &waits).submit(&record(1))).unwrap();
    assert_eq!(receipt.requests, 3);
    assert_eq!(
        *waits.0.borrow(),
        [Duration::from_millis(375), Duration::from_millis(750)]
    );
    assert_eq!(
        retry_counts(&transport),
        [None, Some("1".into()), Some("2".into())]
    );
}

#[test]
fn honours_retry_after_plus_a_little_jitter() {
    let answers = [
        answer(429, &[("Retry-After", "2")], r#"{"message":"slow down"}"#),
        status(201),
    ];
    let (transport, waits) = (Scripted::new(answers), Waits::default());
    block_on(client(&transport, &waits).submit(&record(1))).unwrap();
    assert_eq!(*waits.0.borrow(), [Duration::from_millis(2125)]);
}

#[test]
fn retries_network_errors_timeouts_and_every_retryable_status() {
    let mut answers: Vec<Answer> = vec![
        Err(TransportError::Io("reset".into())),
        Err(TransportError::Timeout(Duration::from_secs(1))),
    ];
    answers.extend(RETRYABLE_STATUSES.map(status));
    answers.push(status(201));
    let n = answers.len() as u32;
    let (transport, waits) = (Scripted::new(answers), Waits::default());
    let policy = RetryPolicy {
        max_attempts: 20,
        max_total_delay: Duration::from_secs(600),
        ..RetryPolicy::default()
    };
    let receipt = block_on(
        client(&transport, &waits)
            .with_retry_policy(policy)
            .submit(&record(1)),
    )
    .unwrap();
    assert_eq!(receipt.requests, n);
}

#[test]
fn gives_up_after_max_attempts_with_the_last_answer() {
    let (transport, waits) = (Scripted::new((0..5).map(|_| status(503))), Waits::default());
    let error = block_on(client(&transport, &waits).submit(&record(1))).unwrap_err();
    assert_eq!(error.code(), "server_error");
    assert!(matches!(
        error,
        SubmitError::ServerError {
            status: 503,
            attempts: 5,
            ..
        }
    ));
    let ms: Vec<u128> = waits.0.borrow().iter().map(Duration::as_millis).collect();
    assert_eq!(ms, [375, 750, 1500, 3000]);

    let (transport, waits) = (
        Scripted::new((0..3).map(|_| Err(TransportError::Timeout(Duration::from_secs(1))))),
        Waits::default(),
    );
    let policy = RetryPolicy {
        max_attempts: 3,
        ..RetryPolicy::default()
    };
    let error = block_on(
        client(&transport, &waits)
            .with_retry_policy(policy)
            .submit(&record(1)),
    )
    .unwrap_err();
    assert_eq!(error, SubmitError::Timeout { attempts: 3 });
}

#[test]
fn never_retries_other_client_errors() {
    let cases = [
        (
            400,
            r#"{"code":"23514","details":null,"hint":null,"message":"check"}"#,
            "constraint_violation",
        ),
        (
            400,
            r#"{"code":"PGRST204","details":null,"hint":null,"message":"column"}"#,
            "unknown_column",
        ),
        (
            401,
            r#"{"code":"PGRST303","details":null,"hint":null,"message":"JWT expired"}"#,
            "expired_token",
        ),
        (
            403,
            r#"{"code":"42501","details":null,"hint":null,"message":"rls"}"#,
            "rls_denied",
        ),
        (
            404,
            r#"{"code":"PGRST205","details":null,"hint":null,"message":"table"}"#,
            "not_found",
        ),
        (
            409,
            r#"{"code":"23503","details":null,"hint":null,"message":"fk"}"#,
            "missing_reference",
        ),
        (
            409,
            r#"{"code":"PT409","details":null,"hint":null,"message":"this content is already in the dataset"}"#,
            "already_contributed",
        ),
        (
            413,
            r#"{"message":"Payload too large"}"#,
            "payload_too_large",
        ),
        (501, "", "server_error"),
    ];
    for (code, body, expected) in cases {
        let (transport, waits) = (Scripted::new([answer(code, &[], body)]), Waits::default());
        let error = block_on(client(&transport, &waits).submit(&record(1))).unwrap_err();
        assert_eq!(error.code(), expected, "{code}");
        assert_eq!(transport.requests.borrow().len(), 1, "{code}");
        assert!(waits.0.borrow().is_empty());
    }
    let (transport, waits) = (
        Scripted::new([Err(TransportError::InvalidRequest("https".into()))]),
        Waits::default(),
    );
    assert_eq!(
        block_on(client(&transport, &waits).submit(&record(1)))
            .unwrap_err()
            .code(),
        "invalid_config"
    );
}

#[test]
fn a_retry_after_beyond_the_limit_ends_the_submit_at_once() {
    let (transport, waits) = (
        Scripted::new([answer(429, &[("Retry-After", "3600")], "")]),
        Waits::default(),
    );
    let error = block_on(client(&transport, &waits).submit(&record(1))).unwrap_err();
    assert!(
        matches!(error, SubmitError::RateLimited { retry_after: Some(d), attempts: 1, .. } if d.as_secs() == 3600)
    );
    assert!(waits.0.borrow().is_empty());
}

#[test]
fn the_total_wait_budget_bounds_a_submit() {
    let answers = (0..5).map(|_| answer(503, &[("Retry-After", "2")], ""));
    let (transport, waits) = (Scripted::new(answers), Waits::default());
    let policy = RetryPolicy {
        max_total_delay: Duration::from_secs(5),
        ..RetryPolicy::default()
    };
    let error = block_on(
        client(&transport, &waits)
            .with_retry_policy(policy)
            .submit(&record(1)),
    )
    .unwrap_err();
    assert!(
        matches!(error, SubmitError::ServerError { attempts: 3, .. }),
        "{error:?}"
    );
    assert_eq!(
        waits.0.borrow().iter().sum::<Duration>(),
        Duration::from_millis(4250)
    );
}

fn rows_in(request: &Request) -> usize {
    serde_json::from_slice::<Vec<serde_json::Value>>(&request.body)
        .unwrap()
        .len()
}

#[test]
fn splits_batches_by_rows_and_bytes() {
    let records: Vec<_> = (0..5).map(record).collect();
    let transport = Scripted {
        by_request: Some(|_| status(201)),
        ..Scripted::default()
    };
    let waits = Waits::default();
    let limits = BatchLimits {
        max_rows: 2,
        max_bytes: 1 << 20,
    };
    let receipt = block_on(
        client(&transport, &waits)
            .with_batch_limits(limits)
            .submit_batch(&records),
    )
    .unwrap();
    assert_eq!(
        receipt,
        SubmitReceipt {
            records: 5,
            requests: 3
        }
    );
    assert_eq!(
        transport
            .requests
            .borrow()
            .iter()
            .map(rows_in)
            .collect::<Vec<_>>(),
        [2, 2, 1]
    );

    let one = records[0].to_json().len();
    let transport = Scripted {
        by_request: Some(|_| status(201)),
        ..Scripted::default()
    };
    let limits = BatchLimits {
        max_rows: 100,
        max_bytes: 2 + 3 * one + 2,
    };
    block_on(
        client(&transport, &waits)
            .with_batch_limits(limits)
            .submit_batch(&records),
    )
    .unwrap();
    assert_eq!(
        transport
            .requests
            .borrow()
            .iter()
            .map(rows_in)
            .collect::<Vec<_>>(),
        [3, 2]
    );

    let transport = Scripted::default();
    assert_eq!(
        block_on(client(&transport, &waits).submit_batch(&[])).unwrap(),
        SubmitReceipt {
            records: 0,
            requests: 0
        }
    );
}

#[test]
fn a_413_splits_the_batch_in_halves_and_keeps_the_order() {
    let records: Vec<_> = (0..5).map(record).collect();
    // This "server" takes at most 2 rows per request.
    let transport = Scripted {
        by_request: Some(|r| status(if rows_in(r) > 2 { 413 } else { 201 })),
        ..Scripted::default()
    };
    let waits = Waits::default();
    let receipt = block_on(client(&transport, &waits).submit_batch(&records)).unwrap();
    assert_eq!(
        receipt,
        SubmitReceipt {
            records: 5,
            requests: 5
        }
    );
    assert_eq!(
        transport
            .requests
            .borrow()
            .iter()
            .map(rows_in)
            .collect::<Vec<_>>(),
        [5, 2, 3, 1, 2]
    );
    let stored: Vec<String> = transport
        .requests
        .borrow()
        .iter()
        .filter(|r| rows_in(r) <= 2)
        .flat_map(|r| serde_json::from_slice::<Vec<serde_json::Value>>(&r.body).unwrap())
        .map(|v| v["content_sha256"].as_str().unwrap().to_owned())
        .collect();
    assert_eq!(
        stored,
        records
            .iter()
            .map(|r| r.content_sha256().to_owned())
            .collect::<Vec<_>>()
    );

    // One record too large on its own is an error, not a loop.
    let transport = Scripted {
        by_request: Some(|_| status(413)),
        ..Scripted::default()
    };
    let error = block_on(client(&transport, &waits).submit_batch(&records[..2])).unwrap_err();
    assert_eq!(
        (error.code(), transport.requests.borrow().len()),
        (SubmitErrorCode::PayloadTooLarge, 2)
    );
}

#[test]
fn a_refreshed_token_is_used_and_debug_output_hides_credentials() {
    let (transport, waits) = (Scripted::new([status(201)]), Waits::default());
    let mut c = client(&transport, &waits);
    c.set_access_token("fresh-token");
    block_on(c.submit(&record(1))).unwrap();
    assert!(transport.requests.borrow()[0]
        .headers
        .contains(&("Authorization".into(), "Bearer fresh-token".into())));
    let debug = format!("{c:?}");
    assert!(
        !debug.contains("anon-key") && !debug.contains("fresh-token"),
        "{debug}"
    );
}
