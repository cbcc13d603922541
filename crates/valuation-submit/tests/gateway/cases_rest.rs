//! The REST contract through the real client: what is stored, and how each refusal of the
//! database or the gateway comes back as a typed `SubmitError`.

use valuation_core::score::{analyze, ModelRef, ScoreOptions};
use valuation_submit::{BatchLimits, ContributionRecord, SubmitError, SubmitErrorCode};
use valuation_submit_testing::block_on;

use crate::fixtures::{record, record_for, sha256, DATASET, MODEL};
use crate::jwt;
use crate::stack::{Stack, GATEWAY_MAX_BODY_BYTES};

fn code_of(error: &SubmitError) -> &str {
    error.postgrest().map_or("", |b| b.code())
}

/// A real file valued by the (model-free) scorer, with the model the browser would name.
pub fn valued_file_is_stored_as_metadata_under_the_token_subject(stack: &Stack) {
    let path = stack.root.join("tests/data/score/speech.txt");
    let bytes = std::fs::read(&path).unwrap();
    let mut report = analyze(&bytes, &ScoreOptions::default())
        .unwrap()
        .finish(None, None);
    report.model = Some(ModelRef {
        id: MODEL.into(),
        weights_sha256: "0".repeat(64),
        precision: valuation_core::Precision::Int8,
    });
    let record = ContributionRecord::from_report(&report, DATASET).unwrap();
    let user = stack.new_user();

    let receipt = block_on(stack.client(&user.token).submit(&record)).unwrap();
    assert_eq!((receipt.records, receipt.requests), (1, 1));

    let sub_scores = serde_json::to_string(record.sub_scores()).unwrap();
    let flags = serde_json::to_string(record.flags()).unwrap();
    let row = stack.psql(&format!(
        "select contributor_id, content_sha256, byte_size, detected_type, quality_score, \
         sub_scores = '{sub_scores}'::jsonb, flags = '{flags}'::jsonb, model_id, scorer_version \
         from public.data_contributions where contributor_id = '{}'",
        user.id
    ));
    let expected = [
        user.id.clone(),
        report.file.sha256.clone(),
        bytes.len().to_string(),
        "text".into(),
        format!("{}.00", report.score),
        "t".into(),
        "t".into(),
        MODEL.into(),
        report.scorer_version.clone(),
    ];
    assert_eq!(row, expected.join("|"));
}

pub fn resubmitting_stores_each_record_once(stack: &Stack) {
    let user = stack.new_user();
    let client = stack.client(&user.token);
    block_on(client.submit(&record("again"))).unwrap();
    block_on(client.submit(&record("again"))).unwrap();
    let receipt =
        block_on(client.submit_batch(&[record("again"), record("again-2"), record("again-2")]))
            .unwrap();
    assert_eq!((receipt.records, receipt.requests), (3, 1));
    assert_eq!(
        (stack.rows(&user, Some("again")), stack.rows(&user, None)),
        (1, 2)
    );
}

/// A ContributionRecord has no contributor_id, so "as someone else" needs the raw test hook.
pub fn a_row_for_another_contributor_is_refused_by_rls(stack: &Stack) {
    let (me, other) = (stack.new_user(), stack.new_user());
    let mut row: serde_json::Value = serde_json::from_str(&record("not mine").to_json()).unwrap();
    row["contributor_id"] = other.id.clone().into();
    let error = block_on(stack.client(&me.token).post_raw_json(&row.to_string())).unwrap_err();
    assert!(matches!(error, SubmitError::RlsDenied { .. }), "{error:?}");
    assert_eq!((error.status(), code_of(&error)), (Some(403), "42501"));
    assert_eq!(stack.rows(&me, None) + stack.rows(&other, None), 0);
}

pub fn an_unknown_dataset_is_a_missing_reference(stack: &Stack) {
    let user = stack.new_user();
    let orphan = record_for("d5000000-0000-4000-8000-0000000000ff", "orphan");
    let error = block_on(stack.client(&user.token).submit(&orphan)).unwrap_err();
    assert!(
        matches!(error, SubmitError::MissingReference { .. }),
        "{error:?}"
    );
    assert_eq!((error.status(), code_of(&error)), (Some(409), "23503"));
}

/// Signed out, supabase-js sends the anon key as the bearer token: the database role is anon.
pub fn the_anon_key_alone_is_unauthorized(stack: &Stack) {
    let error = block_on(stack.client(&jwt::api_key("anon")).submit(&record("anon"))).unwrap_err();
    assert!(
        matches!(error, SubmitError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!((error.status(), code_of(&error)), (Some(401), "42501"));
}

pub fn an_expired_token_is_reported_and_a_refreshed_one_works(stack: &Stack) {
    let user = stack.new_user();
    let expired = jwt::user_token_signed_with(&user.id, -120, jwt::SECRET);
    let mut client = stack.client(&expired);
    let error = block_on(client.submit(&record("expired"))).unwrap_err();
    assert!(
        matches!(error, SubmitError::ExpiredToken { .. }),
        "{error:?}"
    );
    assert_eq!((error.status(), code_of(&error)), (Some(401), "PGRST303"));

    client.set_access_token(&user.token);
    block_on(client.submit(&record("expired"))).unwrap();
    assert_eq!(stack.rows(&user, Some("expired")), 1);
}

pub fn a_bad_signature_or_api_key_is_unauthorized(stack: &Stack) {
    let user = stack.new_user();
    let forged = jwt::user_token_signed_with(
        &user.id,
        3600,
        "another-secret-of-at-least-thirty-two-characters",
    );
    let error = block_on(stack.client(&forged).submit(&record("forged"))).unwrap_err();
    assert!(
        matches!(error, SubmitError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(code_of(&error), "PGRST301");

    let wrong_key = valuation_submit_testing::native_client(
        &stack.gateway_url,
        "not-the-anon-key",
        &user.token,
    );
    let error = block_on(wrong_key.submit(&record("forged"))).unwrap_err();
    assert!(
        matches!(error, SubmitError::Unauthorized { .. }),
        "{error:?}"
    );
    assert_eq!(
        error.postgrest().unwrap().message.as_deref(),
        Some("Invalid API key")
    );
    assert_eq!(stack.rows(&user, None), 0);
}

/// Values the record type would never produce, sent raw: the database's CHECKs are the last word.
pub fn check_and_not_null_violations_are_constraint_violations(stack: &Stack) {
    let user = stack.new_user();
    let client = stack.client(&user.token);
    let base: serde_json::Value = serde_json::from_str(&record("bad").to_json()).unwrap();
    let cases = [
        ("quality_score", serde_json::json!(150), "23514"),
        (
            "flags",
            serde_json::json!({"pii_email": "someone@example.org"}),
            "23514",
        ),
        (
            "sub_scores",
            serde_json::json!({"quality": "a line of the file"}),
            "23514",
        ),
        ("model_id", serde_json::Value::Null, "23502"),
        ("dataset_id", serde_json::json!("not-a-uuid"), "22P02"),
    ];
    for (column, value, code) in cases {
        let mut row = base.clone();
        row[column] = value;
        let error = block_on(client.post_raw_json(&row.to_string())).unwrap_err();
        assert!(
            matches!(error, SubmitError::ConstraintViolation { .. }),
            "{column}: {error:?}"
        );
        assert_eq!(
            (error.status(), code_of(&error), error.code()),
            (Some(400), code, SubmitErrorCode::ConstraintViolation),
            "{column}"
        );
    }
    let log = stack.request_log();
    assert_eq!(log.len(), 5, "each rejected request was sent once: {log:?}");
    assert_eq!(stack.rows(&user, None), 0);
}

/// There is no column for content: a body that tries to carry it is refused before the database.
pub fn an_unknown_column_is_reported(stack: &Stack) {
    let user = stack.new_user();
    let mut row: serde_json::Value = serde_json::from_str(&record("content").to_json()).unwrap();
    row["content"] = "the text of the file".into();
    let error = block_on(stack.client(&user.token).post_raw_json(&row.to_string())).unwrap_err();
    assert!(
        matches!(error, SubmitError::UnknownColumn { .. }),
        "{error:?}"
    );
    assert_eq!((error.status(), code_of(&error)), (Some(400), "PGRST204"));
}

pub fn an_oversized_body_is_payload_too_large(stack: &Stack) {
    let user = stack.new_user();
    let rows: Vec<String> = (0..200)
        .map(|i| record(&format!("big {i}")).to_json())
        .collect();
    let body = format!("[{}]", rows.join(","));
    assert!(body.len() > GATEWAY_MAX_BODY_BYTES);
    let error = block_on(stack.client(&user.token).post_raw_json(&body)).unwrap_err();
    assert!(
        matches!(error, SubmitError::PayloadTooLarge { .. }),
        "{error:?}"
    );
    assert_eq!(error.status(), Some(413));
    assert_eq!(stack.rows(&user, None), 0);
}

/// The client's batch limit above the server's: the 413s split the batch until it fits.
pub fn a_batch_over_the_server_limit_is_split_and_fully_stored(stack: &Stack) {
    let user = stack.new_user();
    // 400 rows of one user at once: this case is about the body limit, not the rate limit
    let _limit = stack.rate_limit(1000, 60);
    let records: Vec<_> = (0..400).map(|i| record(&format!("split {i}"))).collect();
    let client = stack.client(&user.token).with_batch_limits(BatchLimits {
        max_rows: 1000,
        max_bytes: 1 << 20,
    });
    let receipt = block_on(client.submit_batch(&records)).unwrap();
    assert_eq!(receipt.records, 400);
    let statuses: Vec<u64> = stack
        .request_log()
        .iter()
        .map(|e| e["status"].as_u64().unwrap())
        .collect();
    assert_eq!(statuses.len() as u32, receipt.requests);
    assert_eq!(statuses[0], 413);
    assert!(
        statuses.iter().all(|&s| s == 413 || s == 201),
        "{statuses:?}"
    );
    assert_eq!(stack.rows(&user, None), 400);
    let hashes = stack.psql(&format!(
        "select count(*) from public.data_contributions where contributor_id = '{}' and content_sha256 in ('{}', '{}')",
        user.id,
        sha256("split 0"),
        sha256("split 399")
    ));
    assert_eq!(hashes, "2");
}
