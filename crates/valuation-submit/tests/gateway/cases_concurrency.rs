//! Many clients at once under a random fault schedule: every record ends up stored exactly once.

use std::time::{Duration, Instant};

use serde_json::{json, Value};
use valuation_submit::{BatchLimits, Jitter, RetryPolicy, SplitMix};
use valuation_submit_testing::block_on;

use crate::fixtures::{record, sha256};
use crate::stack::Stack;

const CLIENTS: usize = 100;
const RECORDS_PER_CLIENT: usize = 10;

/// One schedule entry: a pass (4 in 5), else one of the faults a client must survive.
fn schedule_entry(rng: &SplitMix) -> Value {
    if rng.unit() < 0.8 {
        return json!({"action": "pass"});
    }
    let faults = [
        json!({"action": "status", "status": 503}),
        json!({"action": "status", "status": 502}),
        json!({"action": "status", "status": 500, "when": "after"}),
        json!({"action": "status", "status": 504, "when": "after"}),
        json!({"action": "status", "status": 429, "retry_after": 1}),
        json!({"action": "drop"}),
        json!({"action": "drop", "when": "after"}),
        json!({"action": "delay", "delay_ms": 30}),
    ];
    faults[(rng.unit() * faults.len() as f64) as usize].clone()
}

/// 100 users, each with its own client and thread, 10 records each: half submit one by one,
/// half as one batch split into requests of 3 rows. About 1 request in 5 meets a fault; with
/// 10 attempts a record fails only after 10 faults in a row (~1e-7).
pub fn hundred_clients_times_ten_records_under_random_faults(stack: &Stack) {
    let users = stack.new_users(CLIENTS);
    let rng = SplitMix::seeded(20261126);
    stack.set_faults(Value::Array(
        (0..1500).map(|_| schedule_entry(&rng)).collect(),
    ));
    let policy = RetryPolicy {
        max_attempts: 10,
        base_delay: Duration::from_millis(20),
        max_delay: Duration::from_millis(200),
        ..RetryPolicy::default()
    };
    let label = |client: usize, n: usize| format!("concurrent {client} {n}");

    let started = Instant::now();
    let requests: Vec<u32> = std::thread::scope(|scope| {
        let handles: Vec<_> = users
            .iter()
            .enumerate()
            .map(|(c, user)| {
                let client = stack
                    .client(&user.token)
                    .with_retry_policy(policy.clone())
                    .with_batch_limits(BatchLimits {
                        max_rows: 3,
                        max_bytes: 1 << 20,
                    });
                scope.spawn(move || {
                    let records: Vec<_> = (0..RECORDS_PER_CLIENT)
                        .map(|n| record(&label(c, n)))
                        .collect();
                    if c % 2 == 0 {
                        records
                            .iter()
                            .map(|r| block_on(client.submit(r)).map(|x| x.requests))
                            .sum::<Result<u32, _>>()
                    } else {
                        block_on(client.submit_batch(&records)).map(|x| x.requests)
                    }
                })
            })
            .collect();
        handles
            .into_iter()
            .enumerate()
            .map(|(c, h)| {
                h.join()
                    .unwrap()
                    .unwrap_or_else(|e| panic!("client {c}: {e}"))
            })
            .collect()
    });
    let elapsed = started.elapsed();

    let expected: Vec<String> = users
        .iter()
        .enumerate()
        .flat_map(|(c, u)| {
            (0..RECORDS_PER_CLIENT)
                .map(move |n| format!("('{}'::uuid, '{}')", u.id, sha256(&label(c, n))))
        })
        .collect();
    let ids: Vec<String> = users.iter().map(|u| format!("'{}'", u.id)).collect();
    let counts = stack.psql(&format!(
        "select (select count(*) from public.data_contributions where contributor_id in ({ids})), \
                (select count(*) from public.data_contributions d join (values {expected}) v(c, h) \
                   on d.contributor_id = v.c and d.content_sha256 = v.h)",
        ids = ids.join(","),
        expected = expected.join(",")
    ));
    assert_eq!(
        counts, "1000|1000",
        "rows of these users | rows matching the 1000 expected records"
    );

    let injected = stack
        .request_log()
        .iter()
        .filter(|e| {
            e["fault"]
                .as_str()
                .is_some_and(|f| f != "pass" && f != "delay")
        })
        .count();
    let total: u32 = requests.iter().sum();
    assert!(injected >= 50, "only {injected} faults were injected");
    println!("    {CLIENTS} clients, {} records, {total} requests ({injected} of them faulted) in {elapsed:.1?}", CLIENTS * RECORDS_PER_CLIENT);
}
