//! The few browser APIs the views need, behind plain functions. Failures degrade quietly:
//! a missing localStorage (private mode) or clipboard must never break a page.

use crate::i18n::Lang;
use chrono::{DateTime, Utc};
use leptos::prelude::{document, window};
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

const LANG_KEY: &str = "huiyin.lang";

pub fn stored_lang() -> Option<Lang> {
    let storage = window().local_storage().ok().flatten()?;
    storage.get_item(LANG_KEY).ok().flatten().and_then(|t| Lang::from_tag(&t))
}

pub fn store_lang(lang: Lang) {
    if let Some(storage) = window().local_storage().ok().flatten() {
        let _ = storage.set_item(LANG_KEY, lang.tag());
    }
}

#[cfg(any(feature = "staff", not(feature = "track")))]
pub fn session_get(key: &str) -> Option<String> {
    window().session_storage().ok().flatten()?.get_item(key).ok().flatten()
}

#[cfg(any(feature = "staff", not(feature = "track")))]
pub fn session_set(key: &str, value: &str) {
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = storage.set_item(key, value);
    }
}

#[cfg(feature = "staff")]
pub fn session_remove(key: &str) {
    if let Some(storage) = window().session_storage().ok().flatten() {
        let _ = storage.remove_item(key);
    }
}

pub fn set_document_lang(lang: Lang) {
    if let Some(root) = document().document_element() {
        let _ = root.set_attribute("lang", lang.tag());
    }
}

/// The static stand-in of index.html (`xtask/src/shell.rs`), once the app has drawn in its place.
pub fn remove_shell() {
    if let Ok(Some(shell)) = document().query_selector(".shell") {
        shell.remove();
    }
}

pub fn set_title(title: &str) {
    document().set_title(title);
}

/// Focus an element by id, e.g. from an error summary link.
pub fn focus_id(id: &str) -> bool {
    match document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        Some(el) => {
            let _ = el.focus();
            true
        }
        None => false,
    }
}

/// Focus without scrolling, for moving focus to a page's start after a navigation (the
/// router already scrolled to the top; a scroll to `<main>` would hide the header).
pub fn focus_id_quietly(id: &str) {
    if let Some(el) = document().get_element_by_id(id).and_then(|e| e.dyn_into::<web_sys::HtmlElement>().ok()) {
        let options = web_sys::FocusOptions::new();
        options.set_prevent_scroll(true);
        let _ = el.focus_with_options(&options);
    }
}

#[cfg(any(feature = "staff", not(feature = "track")))]
pub fn random_bytes() -> [u8; 16] {
    let mut bytes = [0u8; 16];
    let filled = window().crypto().ok().is_some_and(|c| c.get_random_values_with_u8_array(&mut bytes).is_ok());
    if !filled {
        // Only very old browsers lack crypto; uniqueness, not secrecy, is what the key needs.
        for b in &mut bytes {
            *b = (js_sys::Math::random() * 256.0) as u8;
        }
    }
    bytes
}

/// A coordinate with a fixed number of decimals (5 ≈ a metre), formatted by JS: Rust's
/// float formatting would add several kilobytes to the wasm for two call sites.
pub fn fixed(v: f64, digits: u8) -> String {
    js_sys::Number::from(v).to_fixed(digits).map(String::from).unwrap_or_default()
}

#[cfg(any(feature = "staff", not(feature = "track")))]
pub fn origin() -> String {
    window().location().origin().unwrap_or_default()
}

/// A timestamp in the reader's language and time zone.
pub fn format_datetime(at: &DateTime<Utc>, lang: Lang) -> String {
    let date = js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64));
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"dateStyle".into(), &"medium".into());
    let _ = js_sys::Reflect::set(&options, &"timeStyle".into(), &"short".into());
    date.to_locale_string(lang.tag(), &options).into()
}

/// The ISO 8601 form for `<time datetime>`, by JS (Rust-side formatting costs wasm size).
pub fn iso_datetime(at: &DateTime<Utc>) -> String {
    js_sys::Date::new(&JsValue::from_f64(at.timestamp_millis() as f64)).to_iso_string().into()
}

#[cfg(any(feature = "staff", not(feature = "track")))]
pub async fn copy_text(text: &str) -> bool {
    let promise = window().navigator().clipboard().write_text(text);
    wasm_bindgen_futures::JsFuture::from(promise).await.is_ok()
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[cfg(any(feature = "staff", not(feature = "track")))]
pub enum LocateError {
    Denied,
    Unavailable,
    Timeout,
    Unsupported,
}

/// One position fix from `navigator.geolocation`, as a future.
#[cfg(any(feature = "staff", not(feature = "track")))]
pub async fn locate() -> Result<(f64, f64), LocateError> {
    let geolocation = window().navigator().geolocation().map_err(|_| LocateError::Unsupported)?;
    let options = web_sys::PositionOptions::new();
    options.set_enable_high_accuracy(true);
    options.set_timeout(15_000);
    // A fix from the last half minute is as good as a new one and comes at once.
    options.set_maximum_age(30_000);
    let mut started = true;
    let promise = js_sys::Promise::new(&mut |resolve, reject| {
        started =
            geolocation.get_current_position_with_error_callback_and_options(&resolve, Some(&reject), &options).is_ok();
    });
    if !started {
        return Err(LocateError::Unsupported);
    }
    match wasm_bindgen_futures::JsFuture::from(promise).await {
        Ok(pos) => {
            let c = pos.unchecked_into::<web_sys::Position>().coords();
            Ok((c.latitude(), c.longitude()))
        }
        Err(err) => Err(match err.unchecked_into::<web_sys::PositionError>().code() {
            1 => LocateError::Denied,
            3 => LocateError::Timeout,
            _ => LocateError::Unavailable,
        }),
    }
}
