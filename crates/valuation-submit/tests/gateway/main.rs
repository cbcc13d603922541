//! The submit client against a real PostgreSQL 15 with the project's migrations, behind the
//! PostgREST-compatible test gateway (tests/gateway).
//!
//! Its own `main` (harness = false) because the cases share one stack — starting PostgreSQL per
//! case would cost ~3 s each — and must run one at a time (the gateway's fault schedule is
//! global), and because a static shared stack would never be dropped, i.e. never torn down.
//! `cargo test -p valuation-submit --test gateway [FILTER…]`; `--list` lists the cases.
//! Missing PostgreSQL 15 / node / the gateway's npm deps is a failure with the fix, not a skip.

mod cases_concurrency;
mod cases_faults;
mod cases_integrity;
mod cases_rest;
mod fixtures;
mod jwt;
mod stack;

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::process::{Command, ExitCode};
use std::time::Instant;

use stack::Stack;

type Case = (&'static str, fn(&Stack));

const CASES: &[Case] = &[
    (
        "minted_keys_match_the_gateways",
        minted_keys_match_the_gateways,
    ),
    (
        "valued_file_is_stored_as_metadata_under_the_token_subject",
        cases_rest::valued_file_is_stored_as_metadata_under_the_token_subject,
    ),
    (
        "resubmitting_stores_each_record_once",
        cases_rest::resubmitting_stores_each_record_once,
    ),
    (
        "a_row_for_another_contributor_is_refused_by_rls",
        cases_rest::a_row_for_another_contributor_is_refused_by_rls,
    ),
    (
        "an_unknown_dataset_is_a_missing_reference",
        cases_rest::an_unknown_dataset_is_a_missing_reference,
    ),
    (
        "the_anon_key_alone_is_unauthorized",
        cases_rest::the_anon_key_alone_is_unauthorized,
    ),
    (
        "an_expired_token_is_reported_and_a_refreshed_one_works",
        cases_rest::an_expired_token_is_reported_and_a_refreshed_one_works,
    ),
    (
        "a_bad_signature_or_api_key_is_unauthorized",
        cases_rest::a_bad_signature_or_api_key_is_unauthorized,
    ),
    (
        "check_and_not_null_violations_are_constraint_violations",
        cases_rest::check_and_not_null_violations_are_constraint_violations,
    ),
    (
        "an_unknown_column_is_reported",
        cases_rest::an_unknown_column_is_reported,
    ),
    (
        "an_oversized_body_is_payload_too_large",
        cases_rest::an_oversized_body_is_payload_too_large,
    ),
    (
        "a_batch_over_the_server_limit_is_split_and_fully_stored",
        cases_rest::a_batch_over_the_server_limit_is_split_and_fully_stored,
    ),
    (
        "two_503s_then_success_after_three_attempts",
        cases_faults::two_503s_then_success_after_three_attempts,
    ),
    (
        "a_429_retry_after_is_waited_out",
        cases_faults::a_429_retry_after_is_waited_out,
    ),
    (
        "a_dropped_connection_is_retried",
        cases_faults::a_dropped_connection_is_retried,
    ),
    (
        "lost_responses_after_commit_leave_exactly_one_row",
        cases_faults::lost_responses_after_commit_leave_exactly_one_row,
    ),
    (
        "a_timeout_is_retried_without_a_duplicate",
        cases_faults::a_timeout_is_retried_without_a_duplicate,
    ),
    (
        "persistent_503s_end_in_a_server_error_after_max_attempts",
        cases_faults::persistent_503s_end_in_a_server_error_after_max_attempts,
    ),
    (
        "refusals_are_not_retried",
        cases_faults::refusals_are_not_retried,
    ),
    (
        "a_file_another_account_contributed_is_already_contributed",
        cases_integrity::a_file_another_account_contributed_is_already_contributed,
    ),
    (
        "two_hundred_fifty_records_are_paced_by_the_rate_limit_and_land_once",
        cases_integrity::two_hundred_fifty_records_are_paced_by_the_rate_limit_and_land_once,
    ),
    (
        "hundred_clients_times_ten_records_under_random_faults",
        cases_concurrency::hundred_clients_times_ten_records_under_random_faults,
    ),
];

/// The Rust-minted API keys must be the gateway's own, byte for byte (else every case is a 401).
fn minted_keys_match_the_gateways(stack: &Stack) {
    for role in ["anon", "service_role"] {
        let output = Command::new("node")
            .arg(stack.root.join("tests/gateway/src/mint-jwt.js"))
            .args(["--api-key", role, "--secret", jwt::SECRET])
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "{}",
            String::from_utf8_lossy(&output.stderr)
        );
        assert_eq!(
            String::from_utf8(output.stdout).unwrap().trim(),
            jwt::api_key(role),
            "{role}"
        );
    }
}

fn main() -> ExitCode {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.iter().any(|a| a == "--list") {
        CASES.iter().for_each(|(name, _)| println!("{name}: test"));
        return ExitCode::SUCCESS;
    }
    let exact = args.iter().any(|a| a == "--exact");
    let filters: Vec<&str> = args
        .iter()
        .filter(|a| !a.starts_with('-'))
        .map(String::as_str)
        .collect();
    let selected: Vec<&Case> = CASES
        .iter()
        .filter(|(name, _)| {
            filters.is_empty()
                || filters
                    .iter()
                    .any(|f| if exact { name == f } else { name.contains(f) })
        })
        .collect();
    println!(
        "\nrunning {} tests (PostgreSQL 15 + test gateway)",
        selected.len()
    );
    if selected.is_empty() {
        return ExitCode::SUCCESS; // a filter for other test binaries: start nothing
    }

    let started = Instant::now();
    let stack = match Stack::start() {
        Ok(stack) => stack,
        Err(message) => {
            eprintln!("\nerror: the gateway tests cannot run.\n{message}\n");
            return ExitCode::FAILURE;
        }
    };
    stack.seed();
    println!(
        "stack up in {:.1?} (PostgreSQL on port {}, gateway {})",
        started.elapsed(),
        stack.pg_port,
        stack.gateway_url
    );

    let mut failed = Vec::new();
    for (name, case) in selected.iter().copied() {
        stack.clear_faults();
        let t = Instant::now();
        let result = catch_unwind(AssertUnwindSafe(|| case(&stack)));
        let verdict = if result.is_ok() { "ok" } else { "FAILED" };
        println!("test {name} ... {verdict} ({:.2?})", t.elapsed());
        if result.is_err() {
            failed.push(*name);
        }
    }
    if !failed.is_empty() {
        eprintln!(
            "\ngateway stderr (last lines):\n{}",
            tail(&stack.gateway_log(), 20)
        );
    }
    drop(stack);
    println!(
        "\ntest result: {}. {} passed; {} failed; finished in {:.1?}\n",
        if failed.is_empty() { "ok" } else { "FAILED" },
        selected.len() - failed.len(),
        failed.len(),
        started.elapsed()
    );
    if failed.is_empty() {
        ExitCode::SUCCESS
    } else {
        failed.iter().for_each(|name| eprintln!("    {name}"));
        ExitCode::FAILURE
    }
}

fn tail(text: &str, lines: usize) -> String {
    let all: Vec<&str> = text.lines().collect();
    all[all.len().saturating_sub(lines)..].join("\n")
}
