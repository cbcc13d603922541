//! The valuation as a gloo-worker `Worker`, for Rust front-ends (Yew, Leptos) whose main thread is
//! Rust too: they spawn it with gloo-worker's spawner and talk in Rust types. JS apps use the
//! package's own worker instead (gloo-worker's wire format is private to gloo-worker).
//!
//! The worker side calls `registerValuationWorker()` from its loader script. It is never called
//! from `#[wasm_bindgen(start)]`: that would run in every instance, including the package's JS
//! worker, and take over its message handler.

use gloo_worker::{HandlerId, Registrable, Worker, WorkerScope};
use serde::{Deserialize, Serialize};
use wasm_bindgen::prelude::*;

use valuation_core::dataset_ref::DatasetRef;
use valuation_core::score::{self, ScoreError, ScoreOptions};
use valuation_core::{EmbedOptions, Embedder, ErrorCode, ModelFiles};

#[derive(Debug, Serialize, Deserialize)]
pub enum ValuationInput {
    /// The model files' bytes; the worker answers `Ready` or `Failed`.
    LoadModel {
        config: Vec<u8>,
        tokenizer: Vec<u8>,
        weights: Vec<u8>,
        batch_size: usize,
    },
    /// A file to value; the worker answers `Progress`… then `Report` or `Failed`.
    Valuate {
        bytes: Vec<u8>,
        options: ScoreOptions,
        dataset_ref: Option<Vec<u8>>,
    },
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub enum ValuationOutput {
    Ready {
        weights_sha256: String,
    },
    Progress {
        embedded: usize,
        total: usize,
    },
    /// The report as pretty JSON, byte-identical to `valuation score --json` (parse it with
    /// `serde_json::from_str::<valuation_core::score::Report>`).
    Report {
        json: String,
    },
    Failed {
        code: ErrorCode,
        message: String,
    },
}

pub struct ValuationWorker {
    embedder: Option<Embedder>,
}

impl Worker for ValuationWorker {
    type Message = ();
    type Input = ValuationInput;
    type Output = ValuationOutput;

    fn create(_scope: &WorkerScope<Self>) -> Self {
        crate::panic::install_hook();
        ValuationWorker { embedder: None }
    }

    fn update(&mut self, _scope: &WorkerScope<Self>, _msg: ()) {}

    fn received(&mut self, scope: &WorkerScope<Self>, msg: ValuationInput, id: HandlerId) {
        let answer = match msg {
            ValuationInput::LoadModel {
                config,
                tokenizer,
                weights,
                batch_size,
            } => {
                let files = ModelFiles {
                    config_json: &config,
                    tokenizer_json: &tokenizer,
                    weights_safetensors: &weights,
                };
                match Embedder::from_bytes(
                    files,
                    &EmbedOptions {
                        batch_size,
                        ..EmbedOptions::default()
                    },
                ) {
                    Ok(e) => {
                        let weights_sha256 = e.info().weights_sha256.clone();
                        self.embedder = Some(e);
                        ValuationOutput::Ready { weights_sha256 }
                    }
                    Err(e) => failed(e.code(), &e.to_string()),
                }
            }
            ValuationInput::Valuate {
                bytes,
                options,
                dataset_ref,
            } => match &self.embedder {
                None => failed(ErrorCode::ModelNotLoaded, "send LoadModel first"),
                Some(embedder) => valuate(
                    embedder,
                    &bytes,
                    &options,
                    dataset_ref.as_deref(),
                    |embedded, total| {
                        scope.respond(id, ValuationOutput::Progress { embedded, total });
                    },
                )
                .unwrap_or_else(|(code, message)| failed(code, &message)),
            },
        };
        scope.respond(id, answer);
    }
}

fn failed(code: ErrorCode, message: &str) -> ValuationOutput {
    ValuationOutput::Failed {
        code,
        message: message.into(),
    }
}

fn valuate(
    embedder: &Embedder,
    bytes: &[u8],
    options: &ScoreOptions,
    dataset_ref: Option<&[u8]>,
    progress: impl FnMut(usize, usize),
) -> Result<ValuationOutput, (ErrorCode, String)> {
    let score_error = |e: ScoreError| (e.code(), e.to_string());
    let dataset = dataset_ref
        .map(DatasetRef::parse)
        .transpose()
        .map_err(|e| score_error(e.into()))?;
    let report = score::score_with_progress(bytes, options, embedder, dataset.as_ref(), progress)
        .map_err(score_error)?;
    let json = report.canonical_json();
    Ok(ValuationOutput::Report { json })
}

/// Call once in the worker's loader script, after the wasm is initialised.
#[wasm_bindgen(js_name = registerValuationWorker)]
pub fn register_valuation_worker() {
    ValuationWorker::registrar().register();
}
