//! The package's `report.d.ts` is generated from the Rust types (ts-rs), so the TypeScript the
//! JS user sees cannot drift from the JSON the core writes. This test fails when the committed
//! file is stale; `VALUATION_WRITE_TYPES=1` rewrites it.
//!   cargo test -p valuation-core --no-default-features --features typescript --test typescript
//! (without the model feature: the types need no tokenizer, and the build takes seconds).
#![cfg(feature = "typescript")]

use std::collections::BTreeMap;

use ts_rs::{Config, TypeVisitor, TS};
use valuation_core::score::{Report, ScoreOptions};

struct Collect<'a> {
    cfg: &'a Config,
    decls: BTreeMap<String, String>,
}

impl TypeVisitor for Collect<'_> {
    fn visit<T: TS + 'static + ?Sized>(&mut self) {
        if T::output_path().is_none() || self.decls.contains_key(&T::ident(self.cfg)) {
            return;
        }
        self.decls.insert(T::ident(self.cfg), T::decl(self.cfg));
        T::visit_dependencies(self);
        T::visit_generics(self);
    }
}

fn generate() -> String {
    // Every integer in the report is far below 2^53: plain numbers, not bigint.
    let cfg = Config::new().with_large_int("number");
    let mut collect = Collect {
        cfg: &cfg,
        decls: BTreeMap::new(),
    };
    collect.visit::<Report>();
    collect.visit::<ScoreOptions>();
    let mut out = String::from(
        "// Generated from the Rust types by crates/valuation-core/tests/typescript.rs (ts-rs). Do not edit.\n",
    );
    for decl in collect.decls.values() {
        out.push_str("\nexport ");
        out.push_str(decl);
        out.push('\n');
    }
    out.push_str("\n/** `ScoreOptions` as the package's JS options spell them: camel case, each optional (omitted: the core's default). */\nexport ");
    out.push_str(&camel_case_options(&ScoreOptions::decl(&cfg)));
    out.push('\n');
    out
}

/// ts-rs's declaration of `ScoreOptions` with its fields renamed to camel case and made optional
/// (`null` dropped: an omitted option is the default), keeping each field's doc comment, so the
/// package's `ValuateOptions` documents them without a copy of the list.
fn camel_case_options(decl: &str) -> String {
    let field =
        regex::Regex::new(r"(?m)(^|, )([a-z][a-z0-9]*(?:_[a-z0-9]+)*): ([^,]+?)( \| null)?,")
            .unwrap();
    let camel = |name: &str| {
        let mut parts = name.split('_');
        let mut out = parts.next().unwrap_or_default().to_string();
        for p in parts {
            let mut c = p.chars();
            out.extend(c.next().map(|f| f.to_ascii_uppercase()));
            out.push_str(c.as_str());
        }
        out
    };
    let renamed = field.replace_all(decl, |c: &regex::Captures| {
        format!("{}{}?: {},", &c[1], camel(&c[2]), &c[3])
    });
    renamed.replacen("type ScoreOptions =", "type ScoreOptionsCamelCase =", 1)
}

#[test]
fn report_types_are_current() {
    assert_current("pkg/types/report.d.ts", &generate());
}

/// The default model as the package's JS reads it: id, hub URL, file names, pinned hashes and sizes
/// come from `ModelSpec` so a re-pinned hash cannot be forgotten on one side.
fn model_spec_js() -> String {
    use valuation_core::{ModelSpec, PinnedFile, Precision};
    let spec = ModelSpec::default();
    // The package's role names for the four files.
    let by_role = |field: fn(&PinnedFile) -> serde_json::Value| {
        serde_json::json!({
            "config": field(&spec.config),
            "tokenizer": field(&spec.tokenizer),
            "weights": field(&spec.weights),
            "int8Weights": field(&spec.int8_weights),
        })
    };
    let value = serde_json::json!({
        "id": spec.id,
        "baseUrl": format!("{}/", spec.base_url.trim_end_matches('/')),
        "maxTokens": spec.max_tokens,
        "precisions": Precision::ALL.map(Precision::as_str),
        "files": by_role(|f| f.name.clone().into()),
        "sha256": by_role(|f| f.sha256.clone().into()),
        "bytes": by_role(|f| f.bytes.into()),
    });
    format!(
        "// Generated from valuation-core's ModelSpec by crates/valuation-core/tests/typescript.rs. Do not edit.\nexport const MODEL_SPEC = {};\n",
        serde_json::to_string_pretty(&value).unwrap()
    )
}

/// The bounds of the options the package checks before the core does, from `ScoreOptions`.
fn score_limits_js() -> String {
    use valuation_core::score::ScoreOptions;
    let value = serde_json::json!({
        "maxSampleSize": ScoreOptions::MAX_SAMPLE_SIZE,
        "defaultSampleSize": ScoreOptions::default().sample_size,
    });
    format!(
        "// Generated from valuation-core's ScoreOptions by crates/valuation-core/tests/typescript.rs. Do not edit.\nexport const SCORE_LIMITS = {};\n",
        serde_json::to_string_pretty(&value).unwrap()
    )
}

/// Writes `file` (relative to the workspace) under VALUATION_WRITE_TYPES=1; fails if the
/// committed one differs from `generated`.
fn assert_current(file: &str, generated: &str) {
    let path = format!("{}/../../{file}", env!("CARGO_MANIFEST_DIR"));
    if std::env::var_os("VALUATION_WRITE_TYPES").is_some() {
        std::fs::create_dir_all(std::path::Path::new(&path).parent().unwrap()).unwrap();
        std::fs::write(&path, generated).unwrap();
    }
    let committed = std::fs::read_to_string(&path).unwrap_or_default();
    assert!(
        committed == generated,
        "{file} is stale: run with VALUATION_WRITE_TYPES=1"
    );
}

#[test]
fn score_limits_js_is_current() {
    assert_current("pkg/score-limits.js", &score_limits_js());
}

#[test]
fn model_spec_js_is_current() {
    assert_current("pkg/model-spec.js", &model_spec_js());
}

/// The TypeScript union of every `ValuationError` code and the same list for JS, from
/// `ErrorCode::ALL`: a code added in Rust reaches both, with its doc.
fn error_code_files() -> (String, String) {
    use valuation_core::ErrorCode;
    let header = "// Generated from valuation-core's ErrorCode by crates/valuation-core/tests/typescript.rs. Do not edit.\n";
    let dts = format!("{header}{}", ErrorCode::typescript_union());
    let list: Vec<&str> = ErrorCode::ALL.iter().map(|c| c.as_str()).collect();
    let js = format!(
        "{header}/** Every stable code of a `ValuationError`, as the type `ErrorCode` lists them. */\nexport const ERROR_CODES = Object.freeze({});\n",
        serde_json::to_string_pretty(&list).unwrap()
    );
    (dts, js)
}

#[test]
fn error_codes_are_current() {
    let (dts, js) = error_code_files();
    assert_current("pkg/types/error-code.d.ts", &dts);
    assert_current("pkg/error-codes.js", &js);
}
