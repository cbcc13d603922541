//! What the browser tests share: the real model's files and the native CLI's outputs, compiled
//! in with `include_bytes!` (a test page cannot read the disk; build.rs says where they are).
// Each test binary uses a part of this module.
#![allow(dead_code, unused_macros)]

/// A file of the test model folder, e.g. `model_file!("config.json")`.
macro_rules! model_file {
    ($name:literal) => {
        include_bytes!(concat!(env!("VALUATION_TEST_MODEL_DIR"), "/", $name))
    };
}

/// The native CLI's report of `tests/data/score/<name>` (build.rs copies it; empty when
/// VALUATION_NATIVE_REPORTS was not set, which the tests report with the command to run).
macro_rules! native_report {
    ($name:literal) => {
        include_str!(concat!(env!("OUT_DIR"), "/native-report-", $name, ".json"))
    };
}

/// A file of `tests/data/score/`.
macro_rules! score_data {
    ($name:literal) => {
        include_bytes!(concat!("../../../tests/data/score/", $name))
    };
}

pub const CONFIG: &[u8] = model_file!("config.json");
pub const TOKENIZER: &[u8] = model_file!("tokenizer.json");
/// The int8 file `valuation quantize` wrote beside the f32 weights (scripts/test.sh): the
/// precision the CLI scores with by default.
pub const INT8_WEIGHTS: &[u8] = model_file!("model.int8.safetensors");

/// Must match the `--domain` scripts/test.sh passes to `valuation score`.
pub const DOMAIN: &str =
    "The government of the United States: Congress, the economy and public policy.";
