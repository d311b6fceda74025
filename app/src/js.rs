//! Reflective calls into browser APIs that the app's web-sys features do not cover (service
//! workers, push): one place for the `Reflect` plumbing the updates and offline code share.

use js_sys::{Function, Promise, Reflect};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_futures::JsFuture;

/// `target[name]`, unless it is missing.
pub fn get(target: &JsValue, name: &str) -> Option<JsValue> {
    Reflect::get(target, &JsValue::from_str(name)).ok().filter(|v| !v.is_undefined() && !v.is_null())
}

/// `target.name(args…)`.
pub fn call(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let function: Function = get(target, name).and_then(|f| f.dyn_into().ok()).ok_or(JsValue::UNDEFINED)?;
    let array: js_sys::Array = args.iter().collect();
    function.apply(target, &array)
}

/// `await target.name(args…)`.
pub async fn invoke(target: &JsValue, name: &str, args: &[JsValue]) -> Result<JsValue, JsValue> {
    let promise: Promise = call(target, name, args)?.dyn_into()?;
    JsFuture::from(promise).await
}

/// `navigator.serviceWorker`, where the browser has one.
#[cfg(any(feature = "staff", not(feature = "track")))]
pub fn service_workers() -> Option<JsValue> {
    let window: JsValue = web_sys::window()?.into();
    get(&window, "navigator").and_then(|n| get(&n, "serviceWorker"))
}
