//! Every stable error code a caller can branch on, declared once. Rust errors return an
//! [`ErrorCode`] (`EmbedError::code`, `ScoreError::code`), the wasm bindings pass it to JS, and the
//! package's TypeScript union (`pkg/types/error-code.d.ts`) and JS list (`pkg/error-codes.js`) are
//! generated from [`ErrorCode::ALL`] by `tests/typescript.rs`, which fails when they are stale.
//! Submit failures have their own codes (`valuation-submit`'s `SubmitErrorCode`), declared with
//! the same macro, [`stable_codes!`](crate::stable_codes).

/// Declares a set of stable codes once: the enum (`#[non_exhaustive]`), `ALL`, `as_str`, `doc`,
/// `Display`, comparison with `&str` and serde as the string. Used for [`ErrorCode`] here and for
/// `valuation-submit`'s `SubmitErrorCode`; each crate's `tests/typescript.rs` generates the
/// TypeScript union from `ALL`. Generates a test that the codes are distinct snake_case strings,
/// each with a doc, that round-trip through serde.
#[macro_export]
macro_rules! stable_codes {
    ($(#[doc = $edoc:literal])* pub enum $name:ident {
        $($(#[doc = $doc:literal])* $variant:ident = $code:literal,)*
    }) => {
        $(#[doc = $edoc])*
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
        #[non_exhaustive]
        pub enum $name {
            $($(#[doc = $doc])* $variant,)*
        }

        impl $name {
            /// Every code, in declaration order.
            pub const ALL: &'static [$name] = &[$($name::$variant,)*];

            /// The code as JS and the CLI spell it.
            pub const fn as_str(self) -> &'static str {
                match self {
                    $($name::$variant => $code,)*
                }
            }

            /// What the code means, for generated docs.
            pub fn doc(self) -> &'static str {
                match self {
                    $($name::$variant => concat!($($doc),*).trim_ascii(),)*
                }
            }

            /// The TypeScript union of the codes, each with its doc (the package's declarations
            /// are generated from it and checked by the crate's `tests/typescript.rs`).
            pub fn typescript_union() -> String {
                let mut ts = format!(
                    "/** {} */\nexport type {} =\n",
                    concat!($($edoc),*).trim_ascii(),
                    stringify!($name)
                );
                for code in Self::ALL {
                    ts.push_str(&format!("  /** {} */\n  | {:?}\n", code.doc(), code.as_str()));
                }
                ts.pop();
                ts.push_str(";\n");
                ts
            }
        }

        impl ::std::fmt::Display for $name {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str(self.as_str())
            }
        }

        impl PartialEq<&str> for $name {
            fn eq(&self, other: &&str) -> bool {
                self.as_str() == *other
            }
        }

        impl ::serde::Serialize for $name {
            fn serialize<S: ::serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                s.serialize_str(self.as_str())
            }
        }

        impl<'de> ::serde::Deserialize<'de> for $name {
            fn deserialize<D: ::serde::Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
                let code = <::std::borrow::Cow<'de, str>>::deserialize(d)?;
                $name::ALL
                    .iter()
                    .copied()
                    .find(|c| c.as_str() == code)
                    .ok_or_else(|| ::serde::de::Error::custom(format!("unknown code {code:?}")))
            }
        }

        #[cfg(test)]
        mod stable_codes_tests {
            use super::$name;

            #[test]
            fn codes_are_distinct_snake_case_documented_and_round_trip() {
                let mut seen = ::std::collections::HashSet::new();
                for &code in $name::ALL {
                    let s = code.as_str();
                    assert!(seen.insert(s), "{s} twice");
                    assert!(s.bytes().all(|b| b.is_ascii_lowercase() || b == b'_'), "{s}");
                    assert!(!code.doc().is_empty(), "{s} has no doc");
                    let json = ::serde_json::to_string(&code).unwrap();
                    assert_eq!(json, format!("\"{s}\""));
                    assert_eq!(::serde_json::from_str::<$name>(&json).unwrap(), code);
                }
                assert!(::serde_json::from_str::<$name>("\"no_such_code\"").is_err());
            }
        }
    };
}

stable_codes! {
    /// Every stable code of a `ValuationError` (a `SubmitError` has its own, `SubmitErrorCode`).
    pub enum ErrorCode {
        /// The file has no bytes.
        EmptyFile = "empty_file",
        /// Not a text, CSV, TSV, JSON or JSONL file (e.g. an image or other binary data).
        UnsupportedType = "unsupported_type",
        /// Larger than `max_bytes`, or more than this tab's memory can hold.
        FileTooLarge = "file_too_large",
        /// An option is out of range or of the wrong type; the message names it.
        InvalidOption = "invalid_option",
        /// A call got an argument of the wrong kind (e.g. not an array of strings).
        InvalidArgument = "invalid_argument",
        /// The dataset reference is malformed, too large or built for another model.
        InvalidDatasetRef = "invalid_dataset_ref",
        /// config.json is not a usable BERT config.
        InvalidConfig = "invalid_config",
        /// tokenizer.json could not be loaded.
        InvalidTokenizer = "invalid_tokenizer",
        /// The weights file is truncated, malformed or of the wrong precision.
        InvalidWeights = "invalid_weights",
        /// The weights file's SHA-256 is not the pinned one.
        WeightsHashMismatch = "weights_hash_mismatch",
        /// The tokenizer and the model do not fit together.
        IncompatibleModel = "incompatible_model",
        /// A text could not be tokenized.
        TokenizeFailed = "tokenize_failed",
        /// The encoder failed on a batch.
        InferenceFailed = "inference_failed",
        /// A worker was asked to value a file before its model was loaded.
        ModelNotLoaded = "model_not_loaded",
        /// A model file could not be fetched (network, HTTP status, or an HTML page instead of the file).
        ModelFetchFailed = "model_fetch_failed",
        /// Node: the model folder lacks a file.
        ModelNotFound = "model_not_found",
        /// createValuator()/createSubmitter() was called outside a browser (e.g. during server rendering).
        NotInBrowser = "not_in_browser",
        /// The wasm module panicked; the worker was replaced.
        WasmPanic = "wasm_panic",
        /// The wasm module ran out of memory; the worker was replaced.
        OutOfMemory = "out_of_memory",
        /// A worker could not start or died.
        WorkerFailed = "worker_failed",
        /// The valuation was cancelled (its `name` is "AbortError").
        Aborted = "aborted",
        /// A call after dispose().
        Disposed = "disposed",
        /// A bug: please report it with the message.
        Internal = "internal",
    }
}
