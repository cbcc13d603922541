use super::*;
use valuation_core::score::{analyze, ModelRef, ScoreOptions};

const DATASET: &str = "d2000000-0000-4000-8000-000000000001";
const MODEL: &str = "sentence-transformers/all-MiniLM-L6-v2";

/// A real report of the model-free pipeline, with a model attached as the browser's would have.
fn report(text: &str) -> Report {
    let mut report = analyze(text.as_bytes(), &ScoreOptions::default())
        .unwrap()
        .finish(None, None);
    report.model = Some(ModelRef {
        id: MODEL.into(),
        weights_sha256: "0".repeat(64),
        precision: valuation_core::Precision::Int8,
    });
    report
}

fn parts() -> RecordParts {
    RecordParts {
        dataset_id: DATASET.into(),
        content_sha256: "ab".repeat(32),
        byte_size: 1234,
        detected_type: FileKind::Text,
        quality_score: 87,
        sub_scores: [
            ("quality".to_owned(), Some(90)),
            ("coherence".to_owned(), None),
        ]
        .into(),
        flags: [("pii_email".to_owned(), 2)].into(),
        model_id: MODEL.into(),
        scorer_version: "1.0.0".into(),
    }
}

#[test]
fn serialises_to_exactly_the_insertable_columns() {
    let json = ContributionRecord::new(parts()).unwrap().to_json();
    let expected = format!(
        r#"{{"dataset_id":"{DATASET}","content_sha256":"{}","byte_size":1234,"detected_type":"text","quality_score":87,"sub_scores":{{"coherence":null,"quality":90}},"flags":{{"pii_email":2}},"model_id":"{MODEL}","scorer_version":"1.0.0"}}"#,
        "ab".repeat(32)
    );
    assert_eq!(json, expected);
}

#[test]
fn from_report_takes_hash_size_kind_scores_and_counts_but_no_text() {
    let secret_sentence =
        "Contact the ministry at someone@example.org before the harvest festival begins.";
    let text = format!(
        "{secret_sentence}\n\n{}",
        "The river carried silt down to the wide delta every spring. ".repeat(40)
    );
    let report = report(&text);
    let record = ContributionRecord::from_report(&report, DATASET).unwrap();

    assert_eq!(record.content_sha256(), report.file.sha256);
    assert_eq!(record.byte_size(), text.len() as u64);
    assert_eq!(record.detected_type(), DetectedType::Text);
    assert_eq!(record.quality_score(), report.score);
    assert_eq!(record.model_id(), MODEL);
    assert_eq!(
        record.scorer_version(),
        valuation_core::score::SCORER_VERSION
    );
    assert_eq!(record.flags().get("pii_email"), Some(&1));
    let names: Vec<&str> = record.sub_scores().keys().map(String::as_str).collect();
    assert_eq!(
        names,
        [
            "coherence",
            "diversity",
            "novelty",
            "quality",
            "relevance",
            "repetition",
            "structure"
        ]
    );
    assert_eq!(
        record.sub_scores()["quality"],
        report.subscores.quality.as_ref().map(|s| s.score)
    );
    assert_eq!(record.sub_scores()["structure"], None);

    let json = record.to_json();
    for word in ["someone", "example.org", "ministry", "river"] {
        assert!(!json.contains(word), "{word} leaked into {json}");
    }
}

#[test]
fn report_flags_merge_with_pii_counts() {
    let mut report = report("Plain words in a plain file, nothing to see here at all.");
    report.pii.emails = 3;
    report.pii.api_keys = 1;
    report.flags = vec![
        valuation_core::score::Flag {
            code: "pii_email".into(),
            count: 3,
        },
        valuation_core::score::Flag {
            code: "redact".into(),
            count: 1,
        },
        valuation_core::score::Flag {
            code: "invalid_bytes".into(),
            count: 0,
        },
    ];
    let record = ContributionRecord::from_report(&report, DATASET).unwrap();
    let flags: Vec<(&str, u64)> = record
        .flags()
        .iter()
        .map(|(k, &v)| (k.as_str(), v))
        .collect();
    assert_eq!(
        flags,
        [
            ("invalid_bytes", 1),
            ("pii_email", 3),
            ("redact", 1),
            ("secret_api_key", 1)
        ]
    );
}

#[test]
fn a_report_without_a_model_is_refused() {
    let mut report = report("Some text.");
    report.model = None;
    assert_eq!(
        ContributionRecord::from_report(&report, DATASET),
        Err(RecordError::NoModel)
    );
}

#[test]
fn normalises_case_of_hashes_and_ids() {
    let mut p = parts();
    p.dataset_id = DATASET.to_uppercase();
    p.content_sha256 = "AB".repeat(32);
    let record = ContributionRecord::new(p).unwrap();
    assert_eq!(
        (record.dataset_id(), record.content_sha256()),
        (DATASET, "ab".repeat(32).as_str())
    );
}

#[test]
fn rejects_every_field_the_database_would_reject() {
    type Mutation = Box<dyn Fn(&mut RecordParts)>;
    let cases: Vec<(&str, Mutation)> = vec![
        (
            "dataset_id",
            Box::new(|p| p.dataset_id = "not-a-uuid".into()),
        ),
        (
            "content_sha256",
            Box::new(|p| p.content_sha256 = "hello world".into()),
        ),
        ("byte_size", Box::new(|p| p.byte_size = u64::MAX)),
        ("quality_score", Box::new(|p| p.quality_score = 101)),
        (
            "sub_scores",
            Box::new(|p| _ = p.sub_scores.insert("quality".into(), Some(101))),
        ),
        (
            "sub_scores",
            Box::new(|p| _ = p.sub_scores.insert("Free text".into(), Some(1))),
        ),
        (
            "flags",
            Box::new(|p| _ = p.flags.insert("a sentence of content".into(), 1)),
        ),
        (
            "flags",
            Box::new(|p| _ = p.flags.insert("big".into(), MAX_FLAG_COUNT + 1)),
        ),
        (
            "flags",
            Box::new(|p| p.flags = (0..200).map(|i| (format!("flag_{i:03}"), 1)).collect()),
        ),
        (
            "model_id",
            Box::new(|p| p.model_id = "a model with spaces".into()),
        ),
        ("model_id", Box::new(|p| p.model_id = String::new())),
        (
            "scorer_version",
            Box::new(|p| p.scorer_version = "1.0.0\n".into()),
        ),
    ];
    for (field, mutate) in cases {
        let mut p = parts();
        mutate(&mut p);
        match ContributionRecord::new(p) {
            Err(RecordError::Invalid { field: f, .. }) => assert_eq!(f, field),
            other => panic!("{field}: expected Invalid, got {other:?}"),
        }
    }
}

#[test]
fn flag_and_sub_score_bounds_match_the_database() {
    // 16 codes of 32 characters, counts up to byte_size: allowed; one more of anything is not
    let mut p = parts();
    p.flags = (0..16)
        .map(|i| (format!("f{i:02}{}", "x".repeat(29)), 1234))
        .collect();
    assert!(ContributionRecord::new(p.clone()).is_ok());
    p.flags.insert("one_more".into(), 1);
    assert_eq!(
        ContributionRecord::new(p).unwrap_err(),
        invalid("flags", "more than 16 flag codes")
    );
    let mut p = parts();
    p.flags = [("pii_email".to_owned(), 1235)].into();
    assert_eq!(
        ContributionRecord::new(p.clone()).unwrap_err(),
        invalid("flags", "a count is above the file's byte_size")
    );
    p.byte_size = 0;
    p.flags = [("redact".to_owned(), 1)].into(); // an empty file may still carry a flag once
    assert!(ContributionRecord::new(p).is_ok());
    let mut p = parts();
    p.sub_scores.insert("q_aGVsbG8".into(), Some(1));
    assert_eq!(
        ContributionRecord::new(p).unwrap_err(),
        invalid("sub_scores", "a name is not one of the scorer's sub-scores")
    );
    assert_eq!(SUB_SCORE_NAMES.len(), 7);
}

#[test]
fn the_database_accepts_exactly_the_scorer_sub_score_names() {
    // The sub_scores CHECK spells the names out in SQL; it must list exactly SubscoreKind's.
    let sql = std::fs::read_to_string(concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/../../supabase/migrations/20261126000002_data_contributions.sql"
    ))
    .expect("the contributions migration");
    let check = sql
        .split("constraint data_contributions_sub_scores_shape")
        .nth(1)
        .and_then(|rest| rest.split("constraint ").next())
        .expect("the sub_scores CHECK");
    let mut listed: Vec<&str> = check
        .split("@.key == \"")
        .skip(1)
        .filter_map(|s| s.split('"').next())
        .collect();
    listed.sort_unstable();
    let mut names = SUB_SCORE_NAMES.to_vec();
    names.sort_unstable();
    assert_eq!(listed, names);
}

#[test]
fn stored_json_reads_back_to_the_same_record() {
    let record = ContributionRecord::new(parts()).unwrap();
    assert_eq!(
        ContributionRecord::from_json(&record.to_json()).unwrap(),
        record
    );
    let from_report = ContributionRecord::from_report(
        &report("A sentence of plain prose for the record."),
        DATASET,
    )
    .unwrap();
    assert_eq!(
        ContributionRecord::from_json(&from_report.to_json()).unwrap(),
        from_report
    );
}

#[test]
fn stored_json_is_validated_again_and_gains_no_field() {
    let json = ContributionRecord::new(parts()).unwrap().to_json();
    let tampered = [
        json.replace("\"quality_score\":87", "\"quality_score\":101"),
        json.replace(&"ab".repeat(32), "not-a-hash"),
        json.replace(
            "\"byte_size\":1234",
            "\"byte_size\":1234,\"content\":\"the file's text\"",
        ),
        json.replace("\"detected_type\":\"text\"", "\"detected_type\":\"pdf\""),
        json.replace("\"pii_email\":2", "\"pii_email\":\"someone@example.org\""),
        json.replace(
            ",\"model_id\":\"sentence-transformers/all-MiniLM-L6-v2\"",
            "",
        ),
        "[]".to_owned(),
        String::new(),
    ];
    for bad in tampered {
        let error = ContributionRecord::from_json(&bad).unwrap_err();
        assert!(
            !error.to_string().contains("someone@example.org")
                && !error.to_string().contains("file's text"),
            "{error}"
        );
    }
}
