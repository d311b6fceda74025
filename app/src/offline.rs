//! Submitting without a network: the request and its Idempotency-Key go to the service worker
//! (`public/sw.js`), which keeps them in IndexedDB and sends them when the network is back. The
//! key makes that send the same submission as the one that failed, so it is filed once.

use crate::js::{call, get, service_workers};
use js_sys::{Object, Reflect};
use shared::request::NewRequestInput;
use shared::ticket::SubmitResponse;
use wasm_bindgen::closure::Closure;
use wasm_bindgen::JsValue;
use wasm_bindgen_futures::JsFuture;

/// What the service worker says of a kept submission.
pub enum Outcome {
    Sent(SubmitResponse),
    /// The server refused it when it finally arrived (the rules changed meanwhile); the service
    /// worker keeps it, marked.
    Refused(crate::api::ApiError),
}

/// Whether the browser is offline now (a failed fetch while online is retried, not kept).
pub fn offline() -> bool {
    web_sys::window().is_some_and(|w| !w.navigator().on_line())
}

fn message(fields: &[(&str, &str)]) -> JsValue {
    let object = Object::new();
    for (name, value) in fields {
        let _ = Reflect::set(&object, &JsValue::from_str(name), &JsValue::from_str(value));
    }
    object.into()
}

/// Hand the submission to the service worker; `false` when there is none to keep it.
pub async fn keep(key: &str, input: &NewRequestInput) -> bool {
    let Some(container) = service_workers() else { return false };
    let Ok(body) = serde_json::to_string(input) else { return false };
    let Some(ready) = get(&container, "ready") else { return false };
    let Ok(registration) = JsFuture::from(js_sys::Promise::from(ready)).await else { return false };
    let Some(worker) = get(&registration, "active") else { return false };
    call(&worker, "postMessage", &[message(&[("type", "queue"), ("key", key), ("body", &body)])]).is_ok()
}

/// Call `then` when the service worker reports on the submission kept under `key`. The listener
/// lives as long as the page: a kept submission may be sent minutes later.
pub fn on_outcome(key: String, then: impl Fn(Outcome) + 'static) {
    let Some(container) = service_workers() else { return };
    let listener = Closure::<dyn Fn(web_sys::MessageEvent)>::new(move |event: web_sys::MessageEvent| {
        let data = event.data();
        if get(&data, "key").and_then(|k| k.as_string()).as_deref() != Some(key.as_str()) {
            return;
        }
        let answer = get(&data, "answer")
            .and_then(|a| js_sys::JSON::stringify(&a).ok())
            .and_then(|s| s.as_string())
            .unwrap_or_default();
        match get(&data, "type").and_then(|t| t.as_string()).as_deref() {
            Some("sent") => {
                if let Ok(answer) = serde_json::from_str::<SubmitResponse>(&answer) {
                    then(Outcome::Sent(answer));
                }
            }
            Some("refused") => then(Outcome::Refused(crate::api::ApiError::from_response(422, &answer))),
            _ => {}
        }
    });
    let _ = call(&container, "addEventListener", &[JsValue::from_str("message"), listener.as_ref().clone()]);
    listener.forget();
}
