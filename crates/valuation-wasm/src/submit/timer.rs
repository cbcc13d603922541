//! The retry loop's pause, on the platform's `setTimeout` (a page, a worker and Node all have
//! one as a global; `window` is not assumed).

use std::time::Duration;

use js_sys::{Function, Promise};
use valuation_submit::Sleeper;
use wasm_bindgen::prelude::*;
use wasm_bindgen_futures::JsFuture;

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    pub(crate) fn set_timeout(handler: &Function, ms: f64) -> JsValue;
    #[wasm_bindgen(js_name = clearTimeout)]
    pub(crate) fn clear_timeout(id: &JsValue);
}

pub struct TimerSleeper;

impl Sleeper for TimerSleeper {
    async fn sleep(&self, duration: Duration) {
        let ms = duration.as_millis().min(i32::MAX as u128) as f64;
        let done = Promise::new(&mut |resolve, _reject| {
            set_timeout(&resolve, ms);
        });
        // A timer's promise only ever resolves.
        let _ = JsFuture::from(done).await;
    }
}
