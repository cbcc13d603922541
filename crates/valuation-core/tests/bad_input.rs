//! Broken or hostile inputs give typed errors or defined results, never a panic.

mod common;

use valuation_core::{embed::cosine, EmbedError, EmbedOptions, Embedder, ModelFiles};

fn load(config: &[u8], tokenizer: &[u8], weights: &[u8]) -> Result<Embedder, EmbedError> {
    let files = ModelFiles {
        config_json: config,
        tokenizer_json: tokenizer,
        weights_safetensors: weights,
    };
    Embedder::from_bytes(files, &EmbedOptions::default())
}

fn load_err(config: &[u8], tokenizer: &[u8], weights: &[u8]) -> EmbedError {
    match load(config, tokenizer, weights) {
        Ok(_) => panic!("expected a load error"),
        Err(e) => e,
    }
}

#[test]
fn empty_text_embeds_like_an_empty_sentence() {
    let embedder = common::embedder(4);
    let out = embedder.embed(&["", "A sentence.", ""]).unwrap();
    assert_eq!(out.len(), 3);
    assert_eq!(out[0], out[2]);
    let norm: f32 = out[0].iter().map(|x| x * x).sum::<f32>().sqrt();
    assert!(
        (norm - 1.0).abs() < 1e-5,
        "empty text still gives a unit vector, got norm {norm}"
    );
    assert!(embedder.embed::<&str>(&[]).unwrap().is_empty());
}

#[test]
fn a_100_kb_line_is_truncated_to_the_model_window() {
    let embedder = common::embedder(1);
    let words: Vec<String> = (0..25_000).map(|i| format!("w{}", i % 977)).collect();
    let long = words.join(" ");
    assert!(long.len() > 100_000);
    // 256 word pieces end long before word 1000, so the whole line and its head embed alike.
    let head = words[..1000].join(" ");
    let out = embedder.embed(&[long.as_str(), head.as_str()]).unwrap();
    assert_eq!(out[0], out[1]);
    let no_spaces = "x".repeat(100_000);
    let v = embedder.embed_one(&no_spaces).unwrap();
    assert_eq!(v.len(), 384);
    assert!(v.iter().all(|x| x.is_finite()));
}

#[test]
fn replacement_characters_from_invalid_utf8_embed_finitely() {
    let lossy = String::from_utf8_lossy(b"caf\xe9 \xff\xfe bytes").into_owned();
    let v = common::embedder(1).embed_one(&lossy).unwrap();
    assert!(v.iter().all(|x| x.is_finite()));
}

#[test]
fn control_and_unusual_characters_embed() {
    let texts = [
        "\0\u{1}\u{7f}",
        "🙂🙂🙂",
        "\u{202e}reversed",
        "日本語のテキスト",
        "\t\r\n  ",
    ];
    let out = common::embedder(2).embed(&texts).unwrap();
    assert!(out.iter().flatten().all(|x| x.is_finite()));
}

#[test]
fn truncated_weights_are_a_typed_error() {
    let m = common::model_bytes();
    for cut in [0, 7, 100, m.weights.len() / 2, m.weights.len() - 1] {
        let err = load_err(&m.config, &m.tokenizer, &m.weights[..cut]);
        assert_eq!(err.code(), "invalid_weights", "cut at {cut}: {err}");
    }
}

#[test]
fn wrong_weights_are_a_typed_error() {
    let m = common::model_bytes();
    let garbage: Vec<u8> = (0..4096u32)
        .map(|i| (i.wrapping_mul(2654435761) >> 24) as u8)
        .collect();
    assert_eq!(
        load_err(&m.config, &m.tokenizer, &garbage).code(),
        "invalid_weights"
    );
    // A well-formed safetensors file holding the wrong tensors.
    let header = br#"{"foo":{"dtype":"F32","shape":[2],"data_offsets":[0,8]}}"#;
    let mut other = (header.len() as u64).to_le_bytes().to_vec();
    other.extend_from_slice(header);
    other.extend_from_slice(&[0u8; 8]);
    assert_eq!(
        load_err(&m.config, &m.tokenizer, &other).code(),
        "invalid_weights"
    );
}

#[test]
fn weights_that_do_not_hash_as_expected_are_rejected() {
    let m = common::model_bytes();
    let options = EmbedOptions {
        expected_weights_sha256: Some("00".repeat(32)),
        ..Default::default()
    };
    let err = Embedder::from_bytes(m.files(), &options)
        .err()
        .expect("hash mismatch");
    assert_eq!(err.code(), "weights_hash_mismatch");
}

#[test]
fn a_tokenizer_that_is_not_json_is_a_typed_error() {
    let m = common::model_bytes();
    for bad in [
        &b""[..],
        b"not json",
        b"{\"version\":",
        &m.tokenizer[..m.tokenizer.len() / 2],
    ] {
        assert_eq!(
            load_err(&m.config, bad, &m.weights).code(),
            "invalid_tokenizer"
        );
    }
}

#[test]
fn broken_or_hostile_configs_are_typed_errors() {
    let m = common::model_bytes();
    let config: serde_json::Value = serde_json::from_slice(&m.config).unwrap();
    let with = |key: &str, value: serde_json::Value| {
        let mut c = config.clone();
        c[key] = value;
        serde_json::to_vec(&c).unwrap()
    };
    let cases = [
        b"[]".to_vec(),
        b"{}".to_vec(),
        with("num_attention_heads", 0.into()),
        with("num_attention_heads", 7.into()),
        with("hidden_size", 1_000_000_000u64.into()),
        with("num_hidden_layers", 0.into()),
        with("vocab_size", 10.into()),
        with("max_position_embeddings", 128.into()),
        with("hidden_act", "swish-ish".into()),
    ];
    for case in cases {
        let err = load_err(&case, &m.tokenizer, &m.weights);
        assert!(
            matches!(
                err.code().as_str(),
                "invalid_config" | "incompatible_model" | "invalid_option" | "invalid_weights"
            ),
            "{}: {err}",
            String::from_utf8_lossy(&case)
        );
    }
}

#[test]
fn unusable_options_are_typed_errors() {
    let m = common::model_bytes();
    for options in [
        EmbedOptions {
            batch_size: 0,
            ..Default::default()
        },
        EmbedOptions {
            max_tokens: 2,
            ..Default::default()
        },
        EmbedOptions {
            max_tokens: 100_000,
            ..Default::default()
        },
    ] {
        let err = Embedder::from_bytes(m.files(), &options)
            .err()
            .expect("rejected");
        assert_eq!(err.code(), "invalid_option", "{options:?}: {err}");
    }
}

#[test]
fn similar_sentences_are_closer_than_unrelated_ones() {
    let e = common::embedder(3);
    let v = e
        .embed(&[
            "A man is playing a guitar.",
            "Someone plays the guitar.",
            "The stock market fell sharply.",
        ])
        .unwrap();
    assert!(cosine(&v[0], &v[1]) > cosine(&v[0], &v[2]) + 0.3);
}
