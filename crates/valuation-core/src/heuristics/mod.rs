//! The peer heuristics (Gopher quality and repetition, C4, FineWeb), computed exactly as
//! datatrove 0.10.1 defines them, with the raw measurements kept for the report.
//!
//! Each filter returns its measurements and the peer's keep/drop verdict with datatrove's reason
//! code, so the agreement test can compare verdicts one to one. The scorer turns the same
//! measurements into soft ramps instead of a hard keep/drop.

pub mod c4;
pub mod fineweb;
pub mod gopher_quality;
pub mod gopher_repetition;
mod joined_words;
mod punctuation;

use serde::{Deserialize, Serialize};

/// A peer filter's decision: `reason` is datatrove's code for a drop, `None` for a keep.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "typescript", derive(ts_rs::TS))]
pub struct Verdict {
    pub keep: bool,
    pub reason: Option<String>,
}

impl Verdict {
    pub fn keep() -> Self {
        Verdict {
            keep: true,
            reason: None,
        }
    }
    pub fn drop(reason: impl Into<String>) -> Self {
        Verdict {
            keep: false,
            reason: Some(reason.into()),
        }
    }
}

/// `a / b` where the peer would divide by zero: report 0 instead of failing.
pub(crate) fn ratio(a: usize, b: usize) -> f64 {
    if b == 0 {
        0.0
    } else {
        a as f64 / b as f64
    }
}
