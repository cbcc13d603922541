// Generated from valuation-core's ErrorCode by crates/valuation-core/tests/typescript.rs. Do not edit.
/** Every stable code of a `ValuationError` (a `SubmitError` has its own, `SubmitErrorCode`). */
export type ErrorCode =
  /** The file has no bytes. */
  | "empty_file"
  /** Not a text, CSV, TSV, JSON or JSONL file (e.g. an image or other binary data). */
  | "unsupported_type"
  /** Larger than `max_bytes`, or more than this tab's memory can hold. */
  | "file_too_large"
  /** An option is out of range or of the wrong type; the message names it. */
  | "invalid_option"
  /** A call got an argument of the wrong kind (e.g. not an array of strings). */
  | "invalid_argument"
  /** The dataset reference is malformed, too large or built for another model. */
  | "invalid_dataset_ref"
  /** config.json is not a usable BERT config. */
  | "invalid_config"
  /** tokenizer.json could not be loaded. */
  | "invalid_tokenizer"
  /** The weights file is truncated, malformed or of the wrong precision. */
  | "invalid_weights"
  /** The weights file's SHA-256 is not the pinned one. */
  | "weights_hash_mismatch"
  /** The tokenizer and the model do not fit together. */
  | "incompatible_model"
  /** A text could not be tokenized. */
  | "tokenize_failed"
  /** The encoder failed on a batch. */
  | "inference_failed"
  /** A worker was asked to value a file before its model was loaded. */
  | "model_not_loaded"
  /** A model file could not be fetched (network, HTTP status, or an HTML page instead of the file). */
  | "model_fetch_failed"
  /** Node: the model folder lacks a file. */
  | "model_not_found"
  /** createValuator()/createSubmitter() was called outside a browser (e.g. during server rendering). */
  | "not_in_browser"
  /** The wasm module panicked; the worker was replaced. */
  | "wasm_panic"
  /** The wasm module ran out of memory; the worker was replaced. */
  | "out_of_memory"
  /** A worker could not start or died. */
  | "worker_failed"
  /** The valuation was cancelled (its `name` is "AbortError"). */
  | "aborted"
  /** A call after dispose(). */
  | "disposed"
  /** A bug: please report it with the message. */
  | "internal";
