//! What a host needs after a panic inside wasm: the message, and a way to cause one on purpose.
//! A panic aborts (wasm32 has no unwinding) and leaves this instance unusable, so the host
//! reads `lastPanic()`, fails that one file and replaces the instance (the package's worker
//! pool does); the hook only records, it never tries to continue.

use std::sync::{Mutex, Once};

use wasm_bindgen::prelude::*;

static LAST: Mutex<Option<String>> = Mutex::new(None);
static HOOK: Once = Once::new();

pub fn install_hook() {
    HOOK.call_once(|| {
        std::panic::set_hook(Box::new(|info| {
            if let Ok(mut last) = LAST.lock() {
                *last = Some(info.to_string());
            }
        }));
    });
}

/// The message of the panic that stopped this instance, if one did.
#[wasm_bindgen(js_name = lastPanic)]
pub fn last_panic() -> Option<String> {
    LAST.lock().ok().and_then(|l| l.clone())
}

/// Test hook: `"panic"` panics, `"oom"` allocates until memory runs out. Lets a host prove it
/// survives both; it harms only the instance that calls it.
#[wasm_bindgen(js_name = crashForTest)]
pub fn crash_for_test(kind: &str) {
    install_hook();
    match kind {
        "oom" => {
            let mut hoard: Vec<Vec<u8>> = Vec::new();
            loop {
                hoard.push(vec![1u8; 64 << 20]);
            }
        }
        _ => panic!("crashForTest({kind:?}): a deliberate panic"),
    }
}
