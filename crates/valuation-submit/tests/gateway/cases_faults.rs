//! Retries against the gateway's injected faults, checked in its request log (attempts,
//! `X-Retry-Count`, spacing) and in the table (exactly one row, whatever was lost).

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use valuation_submit::{RetryPolicy, SubmitError};
use valuation_submit_testing::{block_on, HttpTransport, NativeClient};

use crate::fixtures::{fast_policy, record};
use crate::jwt;
use crate::stack::Stack;

fn statuses(log: &[Value]) -> Vec<Value> {
    log.iter().map(|e| e["status"].clone()).collect()
}

pub fn two_503s_then_success_after_three_attempts(stack: &Stack) {
    let user = stack.new_user();
    stack.set_faults(json!([{"action": "status", "status": 503, "times": 2}]));
    let receipt = block_on(stack.client(&user.token).submit(&record("503"))).unwrap();
    assert_eq!(receipt.requests, 3);
    let log = stack.request_log();
    assert_eq!(statuses(&log), [json!(503), json!(503), json!(201)]);
    let retry_counts: Vec<Value> = log.iter().map(|e| e["x_retry_count"].clone()).collect();
    assert_eq!(retry_counts, [Value::Null, json!("1"), json!("2")]);
    // fast_policy: waits of 25–50 ms, then 50–100 ms
    let gaps: Vec<u64> = log
        .windows(2)
        .map(|w| w[1]["t_ms"].as_u64().unwrap() - w[0]["t_ms"].as_u64().unwrap())
        .collect();
    assert!(gaps[0] >= 24 && gaps[1] >= 49, "{gaps:?}");
    assert_eq!(stack.rows(&user, Some("503")), 1);
}

pub fn a_429_retry_after_is_waited_out(stack: &Stack) {
    let user = stack.new_user();
    stack.set_faults(json!([{"action": "status", "status": 429, "retry_after": 1}]));
    let started = Instant::now();
    let receipt = block_on(stack.client(&user.token).submit(&record("429"))).unwrap();
    assert!(
        started.elapsed() >= Duration::from_secs(1),
        "{:?}",
        started.elapsed()
    );
    assert_eq!(receipt.requests, 2);
    let log = stack.request_log();
    assert_eq!(statuses(&log), [json!(429), json!(201)]);
    let gap = log[1]["t_ms"].as_u64().unwrap() - log[0]["t_ms"].as_u64().unwrap();
    assert!(
        gap >= 1000,
        "Retry-After: 1 not honoured, retried after {gap} ms"
    );
    assert_eq!(stack.rows(&user, Some("429")), 1);
}

pub fn a_dropped_connection_is_retried(stack: &Stack) {
    let user = stack.new_user();
    stack.set_faults(json!([{"action": "drop"}]));
    let receipt = block_on(stack.client(&user.token).submit(&record("drop"))).unwrap();
    assert_eq!(receipt.requests, 2);
    assert_eq!(statuses(&stack.request_log()), [Value::Null, json!(201)]);
    assert_eq!(stack.rows(&user, Some("drop")), 1);
}

/// The insert commits, then the answer is lost (twice): the retries hit the dedupe key and are
/// ignored, so the row exists exactly once.
pub fn lost_responses_after_commit_leave_exactly_one_row(stack: &Stack) {
    let user = stack.new_user();
    stack.set_faults(json!([
        {"action": "drop", "when": "after"},
        {"action": "status", "status": 503, "when": "after"}
    ]));
    let receipt = block_on(
        stack
            .client(&user.token)
            .submit_batch(&[record("lost a"), record("lost b")]),
    )
    .unwrap();
    assert_eq!((receipt.records, receipt.requests), (2, 3));
    let faults: Vec<Value> = stack
        .request_log()
        .iter()
        .map(|e| e["fault"].clone())
        .collect();
    assert_eq!(
        faults,
        [json!("drop after"), json!("status 503 after"), Value::Null]
    );
    assert_eq!(
        (stack.rows(&user, Some("lost a")), stack.rows(&user, None)),
        (1, 2)
    );
}

/// A slow answer times out on the client while the insert still commits; the retry is harmless.
pub fn a_timeout_is_retried_without_a_duplicate(stack: &Stack) {
    let user = stack.new_user();
    stack.set_faults(json!([{"action": "delay", "delay_ms": 800}]));
    let transport = HttpTransport {
        io_timeout: Duration::from_millis(300),
        ..HttpTransport::default()
    };
    let client = NativeClient::new(
        &stack.gateway_url,
        &jwt::api_key("anon"),
        &user.token,
        transport,
        Default::default(),
    )
    .with_retry_policy(fast_policy());
    let receipt = block_on(client.submit(&record("slow"))).unwrap();
    assert_eq!(receipt.requests, 2);
    std::thread::sleep(Duration::from_millis(700)); // let the slow first request finish
    assert_eq!(stack.rows(&user, Some("slow")), 1);
}

pub fn persistent_503s_end_in_a_server_error_after_max_attempts(stack: &Stack) {
    let user = stack.new_user();
    stack.set_faults(json!([{"action": "status", "status": 503, "times": "always"}]));
    let client = stack.client(&user.token).with_retry_policy(RetryPolicy {
        max_attempts: 3,
        ..fast_policy()
    });
    let error = block_on(client.submit(&record("down"))).unwrap_err();
    stack.clear_faults();
    assert!(
        matches!(
            error,
            SubmitError::ServerError {
                status: 503,
                attempts: 3,
                ..
            }
        ),
        "{error:?}"
    );
    assert_eq!(stack.rows(&user, None), 0);
}

/// 400/401/403/409 are answered once: retrying a refused request cannot change the answer.
pub fn refusals_are_not_retried(stack: &Stack) {
    let client = stack.client(&jwt::api_key("anon"));
    assert_eq!(
        block_on(client.submit(&record("refused")))
            .unwrap_err()
            .code(),
        "unauthorized"
    );
    assert_eq!(stack.request_log().len(), 1);
}
