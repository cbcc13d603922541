//! One HTTP exchange over the platform's global `fetch` (page, worker, Node ≥ 20).
//!
//! Privacy: no cookies (`credentials: omit`), no Referer (the page URL is nobody's business), no
//! HTTP cache. The body is the record batch the client built; nothing else is attached.

use std::time::Duration;

use js_sys::{Array, Promise, Uint8Array};
use valuation_submit::{Method, Request, Response, Transport, TransportError};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use wasm_bindgen_futures::JsFuture;
use web_sys::{
    AbortController, Headers, ReferrerPolicy, RequestCache, RequestCredentials, RequestInit,
    RequestMode,
};

use super::timer::{clear_timeout, set_timeout};

#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_name = fetch)]
    fn global_fetch(request: &web_sys::Request) -> Promise;
}

pub struct FetchTransport {
    timeout: Duration,
}

impl FetchTransport {
    pub fn new(timeout: Duration) -> Self {
        FetchTransport { timeout }
    }
}

impl Transport for FetchTransport {
    async fn send(&self, request: Request) -> Result<Response, TransportError> {
        let controller =
            AbortController::new().map_err(|e| TransportError::InvalidRequest(describe(&e)))?;
        let fetch_request = build(&request, &controller)?;
        // The limit covers the whole exchange, body included, like the native transport's.
        let abort = Closure::<dyn FnMut()>::new({
            let controller = controller.clone();
            move || controller.abort()
        });
        let timer = set_timeout(
            abort.as_ref().unchecked_ref(),
            self.timeout.as_millis().min(i32::MAX as u128) as f64,
        );
        let outcome = exchange(&fetch_request).await;
        clear_timeout(&timer);
        drop(abort);
        outcome.map_err(|e| {
            if controller.signal().aborted() {
                TransportError::Timeout(self.timeout)
            } else {
                // fetch rejects with a bare TypeError for refused, reset and CORS-blocked alike.
                TransportError::Io(describe(&e))
            }
        })
    }
}

fn build(
    request: &Request,
    controller: &AbortController,
) -> Result<web_sys::Request, TransportError> {
    let invalid = |e: JsValue| TransportError::InvalidRequest(describe(&e));
    let headers = Headers::new().map_err(invalid)?;
    for (name, value) in &request.headers {
        headers.append(name, value).map_err(invalid)?;
    }
    let init = RequestInit::new();
    init.set_method(request.method.as_str());
    init.set_headers(&headers);
    init.set_mode(RequestMode::Cors);
    init.set_credentials(RequestCredentials::Omit);
    init.set_cache(RequestCache::NoStore);
    init.set_referrer_policy(ReferrerPolicy::NoReferrer);
    init.set_signal(Some(&controller.signal()));
    if request.method != Method::Get {
        init.set_body(&Uint8Array::from(request.body.as_slice()));
    }
    web_sys::Request::new_with_str_and_init(&request.url, &init).map_err(invalid)
}

async fn exchange(request: &web_sys::Request) -> Result<Response, JsValue> {
    let response: web_sys::Response = JsFuture::from(global_fetch(request)).await?.dyn_into()?;
    let body = JsFuture::from(response.array_buffer()?).await?;
    Ok(Response {
        status: response.status(),
        headers: headers(&response.headers()),
        body: Uint8Array::new(&body).to_vec(),
    })
}

fn headers(headers: &Headers) -> Vec<(String, String)> {
    let Ok(Some(entries)) = js_sys::try_iter(headers) else {
        return Vec::new();
    };
    entries
        .flatten()
        .filter_map(|entry| {
            let pair: Array = entry.dyn_into().ok()?;
            Some((pair.get(0).as_string()?, pair.get(1).as_string()?))
        })
        .collect()
}

fn describe(e: &JsValue) -> String {
    e.dyn_ref::<js_sys::Error>()
        .map(|e| String::from(e.message()))
        .unwrap_or_else(|| format!("{e:?}"))
}
