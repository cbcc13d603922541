use super::*;

fn response(status: u16, body: &str, headers: &[(&str, &str)]) -> Response {
    Response {
        status,
        headers: headers
            .iter()
            .map(|(n, v)| (n.to_string(), v.to_string()))
            .collect(),
        body: body.as_bytes().to_vec(),
    }
}

fn pgrst(code: &str, message: &str) -> String {
    format!(r#"{{"code":"{code}","details":null,"hint":null,"message":"{message}"}}"#)
}

/// The answers recorded in shared/notes/supabase-rest.md §3.4 / §7, and what they must become.
#[test]
fn maps_postgrest_answers_by_status_and_code() {
    let cases = [
        (403, pgrst("42501", "new row violates row-level security policy for table \\\"data_contributions\\\""), "rls_denied"),
        (401, pgrst("42501", "permission denied for table data_contributions"), "unauthorized"),
        (401, pgrst("PGRST303", "JWT expired"), "expired_token"),
        (401, pgrst("PGRST301", "JWT expired"), "expired_token"), // PostgREST v12
        (401, pgrst("PGRST301", "JWT cryptographic operation failed"), "unauthorized"),
        (401, r#"{"hint":"No `apikey` request header or url param was found.","message":"No API key found in request"}"#.into(), "unauthorized"),
        (401, pgrst("22023", "role \\\"nope\\\" does not exist"), "unauthorized"),
        (403, pgrst("28000", "x"), "forbidden"),
        (400, pgrst("23514", "new row for relation violates check constraint"), "constraint_violation"),
        (400, pgrst("23502", "null value in column"), "constraint_violation"),
        (400, pgrst("22P02", "invalid input syntax for type uuid"), "constraint_violation"),
        (400, pgrst("PGRST204", "Could not find the 'bogus' column"), "unknown_column"),
        (400, pgrst("PGRST102", "All object keys must match"), "bad_request"),
        (400, pgrst("P0001", "raised"), "bad_request"),
        (404, pgrst("PGRST205", "Could not find the table"), "not_found"),
        (409, pgrst("23505", "duplicate key value"), "conflict"),
        (409, pgrst("23503", "insert or update violates foreign key"), "missing_reference"),
        (409, pgrst("PT409", "this content is already in the dataset"), "already_contributed"),
        (429, pgrst("PT429", "rate limit: at most 100 contributions per 60 s per contributor"), "rate_limited"),
        (413, pgrst("PT413", "more contributions in one request than the rate limit allows"), "payload_too_large"),
        (413, r#"{"message":"Payload too large"}"#.into(), "payload_too_large"),
        (429, r#"{"message":"slow down"}"#.into(), "rate_limited"),
        (408, String::new(), "timeout"),
        (500, pgrst("XX000", "internal"), "server_error"),
        (503, pgrst("PGRST003", "timed out acquiring connection"), "server_error"),
        (520, "<html>cloudflare</html>".into(), "server_error"),
        (406, pgrst("PGRST116", "Cannot coerce"), "unexpected_status"),
        (302, String::new(), "unexpected_status"),
    ];
    for (status, body, code) in cases {
        let error = SubmitError::from_response(&response(status, &body, &[]), 1);
        assert_eq!(error.code(), code, "{status} {body}");
        let transient = ["rate_limited", "server_error", "timeout"].contains(&code);
        assert_eq!(error.is_transient(), transient, "{status} {body}");
        if code != "timeout" {
            assert_eq!(error.status(), Some(status), "{status} {body}");
        }
    }
}

#[test]
fn keeps_the_postgrest_body() {
    let body = r#"{"code":"23503","details":"Key is not present in table \"datasets\".","hint":null,"message":"insert or update on table \"data_contributions\" violates foreign key constraint"}"#;
    let error = SubmitError::from_response(&response(409, body, &[]), 1);
    let pg = error.postgrest().unwrap();
    assert_eq!(pg.code.as_deref(), Some("23503"));
    assert_eq!(
        pg.details.as_deref(),
        Some("Key is not present in table \"datasets\".")
    );
    assert_eq!(pg.hint, None);
    assert!(pg
        .message
        .as_deref()
        .unwrap()
        .starts_with("insert or update"));
    assert!(error.to_string().contains("23503"), "{error}");
}

#[test]
fn non_json_and_structured_details_survive() {
    let html = PostgrestError::from_body(b"<html>Bad gateway</html>");
    assert_eq!(html.message.as_deref(), Some("<html>Bad gateway</html>"));
    let long = PostgrestError::from_body("é".repeat(2000).as_bytes());
    assert_eq!(long.message.unwrap().chars().count(), 512);
    let structured = PostgrestError::from_body(br#"{"message":"m","details":{"a":1}}"#);
    assert_eq!(structured.details.as_deref(), Some(r#"{"a":1}"#));
    assert_eq!(PostgrestError::from_body(b""), PostgrestError::default());
}

#[test]
fn rate_limit_keeps_retry_after_seconds_only() {
    let limited = |value: &str| match SubmitError::from_response(
        &response(429, "", &[("Retry-After", value)]),
        3,
    ) {
        SubmitError::RateLimited {
            retry_after,
            attempts: 3,
            ..
        } => retry_after,
        other => panic!("{other:?}"),
    };
    assert_eq!(limited("7"), Some(Duration::from_secs(7)));
    assert_eq!(limited("Wed, 21 Oct 2015 07:28:00 GMT"), None);
}

#[test]
fn transport_failures() {
    assert_eq!(
        SubmitError::from_transport(&TransportError::Timeout(Duration::from_secs(1)), 5),
        SubmitError::Timeout { attempts: 5 }
    );
    assert_eq!(
        SubmitError::from_transport(&TransportError::Io("reset".into()), 2).code(),
        "network"
    );
    assert_eq!(
        SubmitError::from_transport(&TransportError::InvalidRequest("https".into()), 1).code(),
        "invalid_config"
    );
}
