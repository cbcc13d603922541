use wasm_bindgen::prelude::*;

use valuation_core::score::{self, ScoreOptions};

use crate::{convert, JsEmbedder};

#[wasm_bindgen(js_class = Embedder)]
impl JsEmbedder {
    /// Values a file's bytes; returns the report as pretty JSON, byte-identical to
    /// `valuation score --json` for the same bytes and options. Throws a `ValuationError`.
    #[wasm_bindgen(js_name = scoreJson)]
    pub fn score_json(
        &self,
        bytes: &[u8],
        #[wasm_bindgen(unchecked_param_type = "ScoreOptions | undefined")] options: JsValue,
        dataset_ref: Option<Vec<u8>>,
    ) -> Result<String, JsValue> {
        let options: ScoreOptions = convert::options(options)?;
        let dataset = convert::dataset_ref(dataset_ref.as_deref())?;
        let report = score::score(bytes, &options, &self.inner, dataset.as_ref())
            .map_err(convert::score_error)?;
        Ok(report.canonical_json())
    }
}
