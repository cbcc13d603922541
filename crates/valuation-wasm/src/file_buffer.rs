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
                "file_too_large",
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
                "invalid_argument",
                "more bytes than the buffer was made for",
            ));
        }
        self.bytes.extend_from_slice(slice);
        Ok(())
    }

    #[wasm_bindgen(getter)]
    pub fn length(&self) -> usize {
        self.bytes.len()
    }
}
