// Generated from valuation-core's ScoreOptions by crates/valuation-core/tests/typescript.rs. Do not edit.
export const SCORE_LIMITS = {
  "defaultSampleSize": 128,
  "maxSampleSize": 4096
};
