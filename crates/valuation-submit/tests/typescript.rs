//! The package's TypeScript union of submit error codes is generated from `SubmitErrorCode`, and
//! this test fails when the committed file is stale (`VALUATION_WRITE_TYPES=1 cargo test -p
//! valuation-submit --test typescript` rewrites it). The wasm bindings' `SubmitError` declaration
//! and the package's `SubmitErrorCode` type import it.
use valuation_submit::SubmitErrorCode;

#[test]
fn submit_error_codes_are_current() {
    let generated = format!(
        "// Generated from valuation-submit's SubmitErrorCode by crates/valuation-submit/tests/typescript.rs. Do not edit.\n{}",
        SubmitErrorCode::typescript_union()
    );
    let path = format!(
        "{}/../../pkg/types/submit-error-code.d.ts",
        env!("CARGO_MANIFEST_DIR")
    );
    if std::env::var_os("VALUATION_WRITE_TYPES").is_some() {
        std::fs::write(&path, &generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "pkg/types/submit-error-code.d.ts is stale: run with VALUATION_WRITE_TYPES=1"
    );
}
