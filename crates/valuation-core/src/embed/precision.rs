//! Which encoder a report's vectors came from.

/// Numeric precision of the encoder's linear layers; decided by the weights file loaded.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, serde::Serialize, serde::Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
#[serde(rename_all = "lowercase")]
// Exhaustive on purpose: every loader (CLI, Node, browser) matches on it to pick a weights file,
// and a new precision must fail to compile there rather than reach a `_` arm.
pub enum Precision {
    /// f32 weights and arithmetic: sentence-transformers' vectors (cosine ≥ 0.9999).
    F32,
    /// int8 weights per output channel, u7 activations per row, exact i32 sums, f32 elsewhere.
    Int8,
}

impl Precision {
    pub const ALL: [Precision; 2] = [Precision::F32, Precision::Int8];

    pub fn as_str(self) -> &'static str {
        match self {
            Precision::F32 => "f32",
            Precision::Int8 => "int8",
        }
    }
}
