use js_sys::Float32Array;
use wasm_bindgen::prelude::*;

use valuation_core::{EmbedOptions, Embedder, ModelFiles};

use crate::convert;

#[wasm_bindgen]
extern "C" {
    // The global `performance` of windows, workers and Node.
    #[wasm_bindgen(js_namespace = performance, js_name = now)]
    fn performance_now() -> f64;
}

/// Picks the relaxed build's int8 dot form for this CPU, once per instance.
#[cfg(feature = "relaxed-simd")]
fn pick_relaxed_dot_once() {
    static PICKED: std::sync::Once = std::sync::Once::new();
    PICKED.call_once(|| {
        valuation_core::kernels::pick_relaxed_dot();
    });
}

/// The int8 dot form the relaxed build uses on this CPU, `'fused'` or `'split'` (see
/// valuation-core's `RelaxedDot`); `undefined` in the simd128 build. For benchmarks.
#[wasm_bindgen(js_name = relaxedDotChoice)]
pub fn relaxed_dot_choice() -> Option<String> {
    use valuation_core::kernels::{relaxed_dot, RelaxedDot};
    cfg!(feature = "relaxed-simd").then(|| {
        match relaxed_dot() {
            RelaxedDot::Fused => "fused",
            RelaxedDot::Split => "split",
        }
        .into()
    })
}

/// A loaded sentence-embedding model.
#[wasm_bindgen(js_name = Embedder)]
pub struct JsEmbedder {
    pub(crate) inner: Embedder,
}

#[wasm_bindgen(js_class = Embedder)]
impl JsEmbedder {
    /// Loads a model from the bytes of its three files. Throws a `ValuationError`.
    #[wasm_bindgen(constructor)]
    pub fn new(
        config_json: &[u8],
        tokenizer_json: &[u8],
        weights_safetensors: &[u8],
        #[wasm_bindgen(unchecked_param_type = "EmbedOptions | undefined")] options: JsValue,
    ) -> Result<JsEmbedder, JsValue> {
        crate::panic::install_hook();
        let options: EmbedOptions = convert::options(options)?;
        let files = ModelFiles {
            config_json,
            tokenizer_json,
            weights_safetensors,
        };
        let inner = Embedder::from_bytes(files, &options).map_err(convert::embed_error)?;
        // The relaxed build's two int8 dot forms give the same integers; which is faster
        // depends on the CPU (AVX-VNNI, Arm dot product), so ask it once per instance.
        #[cfg(feature = "relaxed-simd")]
        if inner.info().precision == valuation_core::Precision::Int8 {
            pick_relaxed_dot_once();
        }
        Ok(JsEmbedder { inner })
    }

    /// Embedding width (384 for all-MiniLM-L6-v2).
    #[wasm_bindgen(getter)]
    pub fn dim(&self) -> usize {
        self.inner.dim()
    }

    /// Lowercase hex SHA-256 of the loaded weights.
    #[wasm_bindgen(getter, js_name = weightsSha256)]
    pub fn weights_sha256(&self) -> String {
        self.inner.info().weights_sha256.clone()
    }

    /// Precision of the loaded weights file: "f32" or "int8".
    #[wasm_bindgen(getter)]
    pub fn precision(&self) -> String {
        self.inner.info().precision.as_str().into()
    }

    /// Embeds `texts` and says where the time went: `{ ms: [[op, ms], ...], total_ms }` per op
    /// class of the encoder (GEMMs, attention, GELU, ...), timed with `performance.now()`.
    /// For benchmarks and profiling; the vectors are discarded.
    pub fn profile(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] texts: JsValue,
    ) -> Result<JsValue, JsValue> {
        let texts = convert::strings(&texts)?;
        let profile = self
            .inner
            .profile(&texts, performance_now)
            .map_err(convert::embed_error)?;
        serde_wasm_bindgen::to_value(&profile)
            .map_err(|e| convert::error(valuation_core::ErrorCode::Internal, &e.to_string()))
    }

    /// Unit-length embeddings, row-major: text `i` is `[i * dim, (i + 1) * dim)`.
    pub fn embed(
        &self,
        #[wasm_bindgen(unchecked_param_type = "string[]")] texts: JsValue,
    ) -> Result<Float32Array, JsValue> {
        let texts = convert::strings(&texts)?;
        let rows = self.inner.embed(&texts).map_err(convert::embed_error)?;
        Ok(convert::matrix(&rows))
    }
}

/// The int8 weights file for f32 `model.safetensors` bytes: the same bytes `valuation quantize`
/// writes. Throws a `ValuationError` (`invalid_config`, `invalid_weights`).
#[wasm_bindgen(js_name = quantizeWeights)]
pub fn quantize_weights(
    config_json: &[u8],
    weights_safetensors: &[u8],
) -> Result<Vec<u8>, JsValue> {
    crate::panic::install_hook();
    valuation_core::embed::quantize_weights(config_json, weights_safetensors)
        .map_err(convert::embed_error)
}
