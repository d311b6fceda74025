//! Huiyin (回音) in the browser: submit a request to the city, then follow it.
//!
//! The pure parts (translations, the form model, links) build everywhere so the host tests
//! cover them; the views exist only on wasm32.

// On the host only the pure modules are compiled and much of them is used by views alone.
#![cfg_attr(not(target_arch = "wasm32"), allow(dead_code))]

mod api;
#[cfg(any(feature = "open", not(target_arch = "wasm32")))]
mod chart;
#[cfg(any(feature = "open", not(target_arch = "wasm32")))]
mod dashboard_api;
#[cfg(any(feature = "staff", not(target_arch = "wasm32")))]
mod eval_api;
#[cfg(any(feature = "staff", not(feature = "track")))]
mod form;
#[cfg(any(feature = "open", not(target_arch = "wasm32")))]
mod heat_api;
mod i18n;
#[cfg(test)]
mod i18n_bundles;
mod links;
#[cfg(any(feature = "staff", not(feature = "track")))]
mod nearby_api;
#[cfg(any(feature = "open", not(target_arch = "wasm32")))]
mod open_api;
#[cfg(any(feature = "track", not(target_arch = "wasm32")))]
mod rating_api;
#[cfg(any(feature = "staff", not(target_arch = "wasm32")))]
mod staff_menu;
#[cfg(any(feature = "staff", not(target_arch = "wasm32")))]
mod supervise_api;
mod updates_api;
#[cfg(any(feature = "track", not(target_arch = "wasm32")))]
mod wire;
#[cfg(any(feature = "staff", not(target_arch = "wasm32")))]
mod work_api;

#[cfg(target_arch = "wasm32")]
mod app;
#[cfg(target_arch = "wasm32")]
mod components;
#[cfg(all(target_arch = "wasm32", feature = "staff"))]
mod dispatch_api;
#[cfg(target_arch = "wasm32")]
mod dom;
#[cfg(target_arch = "wasm32")]
mod js;
#[cfg(all(target_arch = "wasm32", any(feature = "staff", not(feature = "track"))))]
mod offline;
#[cfg(target_arch = "wasm32")]
mod pages;
#[cfg(all(target_arch = "wasm32", any(feature = "staff", not(feature = "track"))))]
mod photo_api;
#[cfg(all(target_arch = "wasm32", any(feature = "staff", not(feature = "track"))))]
mod photo_resize;
#[cfg(all(target_arch = "wasm32", feature = "staff"))]
mod staff_api;

#[cfg(target_arch = "wasm32")]
fn main() {
    console_error_panic_hook::set_once();
    // Only the default language is compiled in: someone who chose another gets its texts
    // before the first paint (one round trip) rather than a page that changes under them.
    wasm_bindgen_futures::spawn_local(async {
        if let Some(lang) = dom::stored_lang() {
            i18n::fetch_language(lang).await;
        }
        leptos::mount::mount_to_body(app::App);
        dom::remove_shell();
    });
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {
    // The app only runs in a browser (wasm32); on the host only its unit tests matter.
}
