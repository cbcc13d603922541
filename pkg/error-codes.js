// Generated from valuation-core's ErrorCode by crates/valuation-core/tests/typescript.rs. Do not edit.
/** Every stable code of a `ValuationError`, as the type `ErrorCode` lists them. */
export const ERROR_CODES = Object.freeze([
  "empty_file",
  "unsupported_type",
  "file_too_large",
  "invalid_option",
  "invalid_argument",
  "invalid_dataset_ref",
  "invalid_config",
  "invalid_tokenizer",
  "invalid_weights",
  "weights_hash_mismatch",
  "incompatible_model",
  "tokenize_failed",
  "inference_failed",
  "model_not_loaded",
  "model_fetch_failed",
  "model_not_found",
  "not_in_browser",
  "wasm_panic",
  "out_of_memory",
  "worker_failed",
  "aborted",
  "disposed",
  "internal"
]);
