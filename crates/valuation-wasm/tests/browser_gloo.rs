//! A Rust front-end's path: spawn the gloo-worker `ValuationWorker` from Rust (here from inside a
//! dedicated worker, as the test harness runs there), load the model and value a file. The report
//! must be the native CLI's, byte for byte.
#![cfg(target_arch = "wasm32")]

use std::cell::RefCell;
use std::rc::Rc;

use gloo_worker::Spawnable;
use wasm_bindgen::prelude::*;
use wasm_bindgen_test::*;

use valuation_core::score::ScoreOptions;
use valuation_wasm::gloo::{ValuationInput, ValuationOutput, ValuationWorker};

wasm_bindgen_test_configure!(run_in_dedicated_worker);

#[macro_use]
mod common;
use common::{CONFIG, DOMAIN, INT8_WEIGHTS as WEIGHTS, TOKENIZER};

const SPEECH: &[u8] = score_data!("speech.txt");
const NATIVE: &str = native_report!("speech.txt");

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = setTimeout)]
    fn set_timeout(f: &js_sys::Function, ms: i32);
}

async fn sleep(ms: i32) {
    let promise = js_sys::Promise::new(&mut |resolve, _| set_timeout(&resolve, ms));
    wasm_bindgen_futures::JsFuture::from(promise).await.unwrap();
}

/// A classic-worker loader (gloo-worker's `spawn_with_loader`) that imports this test's own
/// wasm-bindgen module, as a Rust app's loader imports its bundle, and registers the worker.
fn loader_url() -> String {
    let origin = js_sys::Reflect::get(&js_sys::global(), &"location".into())
        .and_then(|l| js_sys::Reflect::get(&l, &"origin".into()))
        .unwrap()
        .as_string()
        .unwrap();
    let script = format!(
        "import('{origin}/wasm-bindgen-test.js').then(async (m) => {{ \
         await m.default({{ module_or_path: '{origin}/wasm-bindgen-test_bg.wasm' }}); m.registerValuationWorker(); }})\
         .catch((e) => setTimeout(() => {{ throw e; }}));"
    );
    let parts = js_sys::Array::of1(&script.into());
    let options = web_sys_blob_options();
    let blob = js_sys::Reflect::construct(
        &js_sys::Reflect::get(&js_sys::global(), &"Blob".into())
            .unwrap()
            .into(),
        &js_sys::Array::of2(&parts, &options),
    )
    .unwrap();
    let url_ctor = js_sys::Reflect::get(&js_sys::global(), &"URL".into()).unwrap();
    let create = js_sys::Reflect::get(&url_ctor, &"createObjectURL".into()).unwrap();
    js_sys::Function::from(create)
        .call1(&url_ctor, &blob)
        .unwrap()
        .as_string()
        .unwrap()
}

fn web_sys_blob_options() -> JsValue {
    let o = js_sys::Object::new();
    js_sys::Reflect::set(&o, &"type".into(), &"text/javascript".into()).unwrap();
    o.into()
}

async fn next(
    outputs: &Rc<RefCell<Vec<ValuationOutput>>>,
    pred: impl Fn(&ValuationOutput) -> bool,
) -> ValuationOutput {
    for _ in 0..3600 {
        let found = outputs.borrow().iter().position(&pred);
        if let Some(i) = found {
            return outputs.borrow_mut().remove(i);
        }
        sleep(50).await;
    }
    panic!(
        "no answer from the gloo worker in 180 s; got {:?}",
        outputs.borrow()
    );
}

#[wasm_bindgen_test]
async fn gloo_worker_values_a_file_like_the_cli() {
    // Keeps the export linked into this test's wasm: the loader calls it by name.
    let _keep = valuation_wasm::gloo::register_valuation_worker as fn();
    let outputs = Rc::new(RefCell::new(Vec::new()));
    let sink = outputs.clone();
    let bridge = ValuationWorker::spawner()
        .callback(move |out| sink.borrow_mut().push(out))
        .spawn_with_loader(&loader_url());

    bridge.send(ValuationInput::LoadModel {
        config: CONFIG.to_vec(),
        tokenizer: TOKENIZER.to_vec(),
        weights: WEIGHTS.to_vec(),
        batch_size: 8,
    });
    let ready = next(&outputs, |o| !matches!(o, ValuationOutput::Progress { .. })).await;
    assert!(
        matches!(&ready, ValuationOutput::Ready { weights_sha256 } if *weights_sha256 == valuation_core::ModelSpec::default().int8_weights.sha256),
        "{ready:?}"
    );

    let options = ScoreOptions {
        domain: Some(DOMAIN.into()),
        ..ScoreOptions::default()
    };
    bridge.send(ValuationInput::Valuate {
        bytes: SPEECH.to_vec(),
        options,
        dataset_ref: None,
    });
    let report = next(&outputs, |o| {
        matches!(
            o,
            ValuationOutput::Report { .. } | ValuationOutput::Failed { .. }
        )
    })
    .await;
    let ValuationOutput::Report { json } = report else {
        panic!("{report:?}")
    };
    assert!(
        !NATIVE.is_empty(),
        "no native report: run scripts/test.sh (sets VALUATION_NATIVE_REPORTS)"
    );
    assert_eq!(
        json.trim_end(),
        NATIVE.trim_end(),
        "the gloo worker's report differs from the CLI's"
    );
    let progress = outputs
        .borrow()
        .iter()
        .filter(|o| matches!(o, ValuationOutput::Progress { .. }))
        .count();
    assert!(progress > 0, "progress was reported");

    bridge.send(ValuationInput::Valuate {
        bytes: Vec::new(),
        options: ScoreOptions::default(),
        dataset_ref: None,
    });
    let empty = next(&outputs, |o| {
        matches!(
            o,
            ValuationOutput::Report { .. } | ValuationOutput::Failed { .. }
        )
    })
    .await;
    assert!(
        matches!(&empty, ValuationOutput::Failed { code, .. } if *code == "empty_file"),
        "{empty:?}"
    );
}
