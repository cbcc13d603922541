//! A file's bytes, filled slice by slice from a Blob inside wasm memory: the worker never holds a
//! second whole copy in JS, so a file costs its size once (plus one slice).

use wasm_bindgen::prelude::*;

use crate::convert;

#[wasm_bindgen(js_name = FileBuffer)]
pub struct JsFileBuffer {
    pub(crate) bytes: Vec<u8>,
    capacity: usize,
}

#[wasm_bindgen(js_class = FileBuffer)]
impl JsFileBuffer {
    /// Room for `size` bytes, reserved up front; throws `file_too_large` if that cannot be had.
    #[wasm_bindgen(constructor)]
    pub fn new(size: usize) -> Result<JsFileBuffer, JsValue> {
        crate::panic::install_hook();
        let mut bytes = Vec::new();
        bytes.try_reserve_exact(size).map_err(|_| {
            convert::error(
                valuation_core::ErrorCode::FileTooLarge,
                &format!("{size} bytes do not fit in this tab's memory"),
            )
        })?;
        Ok(JsFileBuffer {
            bytes,
            capacity: size,
        })
    }

    pub fn push(&mut self, slice: &[u8]) -> Result<(), JsValue> {
        if self.bytes.len() + slice.len() > self.capacity {
            return Err(convert::error(
                valuation_core::ErrorCode::InvalidArgument,
                "more bytes than the buffer was made for",
            ));
        }
        self.bytes.extend_from_slice(slice);
        Ok(())
    }

    /// The bytes so far, as a view on wasm memory (no copy), for `crypto.subtle.digest`, which
    /// copies its input before it returns. Use it at once: the view is detached as soon as wasm
    /// memory grows.
    pub fn view(&self) -> js_sys::Uint8Array {
        // SAFETY: the view aliases `self.bytes`, which nothing in Rust mutates while JS holds it
        // (JS hands it straight to `digest`, which copies it synchronously); a later memory growth
        // detaches it instead of leaving it dangling.
        unsafe { js_sys::Uint8Array::view(&self.bytes) }
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.bytes.len()
    }
}
