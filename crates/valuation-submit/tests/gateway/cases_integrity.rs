//! The database's marketplace rules as the client meets them (issue 13): the rate limit paces a
//! large submit (429 + Retry-After waited out, 413 splits), and a file another account already
//! contributed to the dataset is a typed, permanent refusal.

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use valuation_submit::{SubmitError, SubmitErrorCode};
use valuation_submit_testing::block_on;

use crate::fixtures::{record, sha256};
use crate::stack::Stack;

const RECORDS: usize = 250;

/// One client submits 250 records at once against the database's limit of 100 rows per window:
/// the database answers 413 PT413 for a request above 100 rows (the client halves it) and
/// 429 PT429 with Retry-After once the window is used up (the client waits it out). All 250
/// land exactly once, never more than 100 in one window. The window is 5 s instead of the
/// production 60 s so the case takes seconds, not minutes (the count, 100, is the production
/// one; tests/supabase/integrity.test.js checks the 60 s default and its 429);
/// VALUATION_TEST_RATE_WINDOW=60 runs it with the production window (~2 minutes).
pub fn two_hundred_fifty_records_are_paced_by_the_rate_limit_and_land_once(stack: &Stack) {
    let window: u32 = std::env::var("VALUATION_TEST_RATE_WINDOW")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let _limit = stack.rate_limit(100, window);
    let user = stack.new_user();
    let label = |n: usize| format!("paced {n}");
    let records: Vec<_> = (0..RECORDS).map(|n| record(&label(n))).collect();

    let started = Instant::now();
    let receipt = block_on(stack.client(&user.token).submit_batch(&records))
        .unwrap_or_else(|e| panic!("the paced submit failed: {e}"));
    let elapsed = started.elapsed();
    assert_eq!(receipt.records, RECORDS);

    // exactly once: 250 rows, all 250 expected hashes
    assert_eq!(stack.rows(&user, None), RECORDS as u64);
    let expected: Vec<String> = (0..RECORDS)
        .map(|n| format!("'{}'", sha256(&label(n))))
        .collect();
    let matching = stack.psql(&format!(
        "select count(distinct content_sha256) from public.data_contributions \
         where contributor_id = '{}' and content_sha256 in ({})",
        user.id,
        expected.join(",")
    ));
    assert_eq!(matching, RECORDS.to_string());

    // paced: at most 100 rows per window (the trigger's own windows, from created_at = now())
    let per_window: Vec<u64> = stack
        .psql(&format!(
            "select count(*) from public.data_contributions where contributor_id = '{}' \
             group by floor(extract(epoch from created_at) / {window}) order by 1 desc",
            user.id
        ))
        .lines()
        .map(|l| l.parse().unwrap())
        .collect();
    assert!(
        per_window.len() >= 3 && per_window[0] <= 100,
        "{per_window:?}"
    );
    assert!(
        elapsed >= Duration::from_secs(u64::from(window)),
        "three windows' worth of rows in {elapsed:?}"
    );

    // the requests: 413s split, 429s waited out; every 429 is followed by a request in a later
    // window that succeeded (the Retry-After was long enough, and a retry is not refused again)
    let log = stack.request_log();
    let statuses: Vec<u64> = log.iter().map(|e| e["status"].as_u64().unwrap()).collect();
    let count = |s| statuses.iter().filter(|&&x| x == s).count();
    assert!(count(413) >= 1 && count(429) >= 2, "{statuses:?}");
    assert!(
        statuses.iter().all(|s| [201, 413, 429].contains(s)),
        "{statuses:?}"
    );
    for (i, pair) in statuses.windows(2).enumerate() {
        if pair[0] == 429 {
            assert_eq!(pair[1], 201, "request {} after a 429: {statuses:?}", i + 1);
        }
    }
    assert_eq!(statuses.len() as u32, receipt.requests);
    let by_status: BTreeMap<u64, usize> = statuses.iter().fold(BTreeMap::new(), |mut m, s| {
        *m.entry(*s).or_default() += 1;
        m
    });
    println!(
        "    {RECORDS} records in {elapsed:.1?} ({window} s windows), requests by status {by_status:?}, rows per window {per_window:?}"
    );
}

/// Another account already contributed this file to the dataset: `AlreadyContributed`, sent once,
/// not transient, and nothing in the error names the first account. Its owner's resubmit stays
/// a harmless 201.
pub fn a_file_another_account_contributed_is_already_contributed(stack: &Stack) {
    let (first, second) = (stack.new_user(), stack.new_user());
    block_on(stack.client(&first.token).submit(&record("shared file"))).unwrap();
    stack.clear_faults(); // a fresh request log

    let error = block_on(stack.client(&second.token).submit(&record("shared file"))).unwrap_err();
    assert!(
        matches!(error, SubmitError::AlreadyContributed { .. }),
        "{error:?}"
    );
    assert_eq!(
        (error.code(), error.status(), error.is_transient()),
        (SubmitErrorCode::AlreadyContributed, Some(409), false)
    );
    assert_eq!(error.postgrest().map(|b| b.code()), Some("PT409"));
    let text = format!("{error} {error:?}");
    assert!(!text.contains(&first.id), "{text}");
    assert_eq!(
        stack.request_log().len(),
        1,
        "a permanent refusal is not retried"
    );
    assert_eq!(stack.rows(&second, None), 0);

    let receipt = block_on(stack.client(&first.token).submit(&record("shared file"))).unwrap();
    assert_eq!(receipt.records, 1);
    assert_eq!(stack.rows(&first, Some("shared file")), 1);
}
