//! A file valued in steps from JS: `new Valuation(bytes, options)` runs the whole-file pass,
//! `embedStep(embedder)` one model batch (the worker reports progress and checks for
//! cancellation between calls), `reportJson(datasetRef)` the report. Without embedding steps the
//! report is the model-free one, available before the model has even downloaded.

use wasm_bindgen::prelude::*;

use valuation_core::score::{ScoreOptions, Staged};

use crate::{convert, JsEmbedder, JsFileBuffer};

#[wasm_bindgen(js_name = Valuation)]
pub struct JsValuation {
    staged: Option<Staged>,
}

#[wasm_bindgen(js_class = Valuation)]
impl JsValuation {
    /// The whole-file pass over `bytes`. `sha256`: the file's SHA-256 in hex when the host has
    /// computed it (the platform's hashing is faster than wasm's); omitted, it is computed here.
    /// Throws a `ValuationError` (`empty_file`, `unsupported_type`, `file_too_large`,
    /// `invalid_option`).
    #[wasm_bindgen(constructor)]
    pub fn new(
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
        sha256: Option<String>,
    ) -> Result<JsValuation, JsValue> {
        crate::panic::install_hook();
        let options: ScoreOptions = convert::options(options)?;
        let staged =
            Staged::new_hashed(bytes, &options, sha256.as_deref()).map_err(convert::score_error)?;
        Ok(JsValuation {
            staged: Some(staged),
        })
    }

    /// The same from a filled `FileBuffer`, which is consumed (its memory freed after the pass).
    #[wasm_bindgen(js_name = fromBuffer)]
    pub fn from_buffer(
        buffer: JsFileBuffer,
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
        sha256: Option<String>,
    ) -> Result<JsValuation, JsValue> {
        JsValuation::new(&buffer.bytes, options, sha256)
    }

    /// Units the model embeds for this file (at most `sample_size`, whatever the file size).
    #[wasm_bindgen(getter, js_name = unitsToEmbed)]
    pub fn units_to_embed(&self) -> usize {
        self.staged.as_ref().map_or(0, Staged::units_to_embed)
    }

    #[wasm_bindgen(getter, js_name = unitsEmbedded)]
    pub fn units_embedded(&self) -> usize {
        self.staged.as_ref().map_or(0, Staged::units_embedded)
    }

    /// Embeds the next batch (the embedder's `batch_size` units); false once all are embedded.
    #[wasm_bindgen(js_name = embedStep)]
    pub fn embed_step(&mut self, embedder: &JsEmbedder) -> Result<bool, JsValue> {
        let staged = self.staged.as_mut().ok_or_else(finished)?;
        staged
            .embed_step(&embedder.inner)
            .map_err(convert::score_error)
    }

    /// Every text the model embeds for this file (the domain targets, then the sample), for a
    /// pool that spreads them over its workers: any worker's `Embedder.embed` of any slice of
    /// them gives the same vectors as `embedStep` here.
    #[wasm_bindgen(js_name = textsToEmbed, unchecked_return_type = "string[]")]
    pub fn texts_to_embed(&self) -> Result<JsValue, JsValue> {
        let staged = self.staged.as_ref().ok_or_else(finished)?;
        Ok(staged
            .texts_to_embed()
            .into_iter()
            .map(JsValue::from)
            .collect::<js_sys::Array>()
            .into())
    }

    /// The vectors of `textsToEmbed()`, in its order, row-major (`Embedder.embed`'s layout),
    /// made by an embedder with the same weights as `embedder`, which names them in the report.
    #[wasm_bindgen(js_name = setVectors)]
    pub fn set_vectors(&mut self, embedder: &JsEmbedder, vectors: &[f32]) -> Result<(), JsValue> {
        let staged = self.staged.as_mut().ok_or_else(finished)?;
        let info = embedder.inner.info();
        let rows = convert::rows(vectors, info.dim)?;
        staged.set_vectors(info, rows).map_err(convert::score_error)
    }

    /// The report as pretty JSON, byte-identical to `valuation score --json`. Once only.
    #[wasm_bindgen(js_name = reportJson)]
    pub fn report_json(&mut self, dataset_ref: Option<Vec<u8>>) -> Result<String, JsValue> {
        let dataset = convert::dataset_ref(dataset_ref.as_deref())?;
        let staged = self.staged.take().ok_or_else(finished)?;
        let report = staged
            .finish(dataset.as_ref())
            .map_err(convert::score_error)?;
        Ok(report.canonical_json())
    }
}

fn finished() -> JsValue {
    convert::error(
        valuation_core::ErrorCode::InvalidArgument,
        "this valuation has already produced its report",
    )
}
