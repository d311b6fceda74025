//! Leaflet maps: what every map needs. Leaflet owns the map's DOM, so each map lives in a local `StoredValue`
//! created after mount and is removed on cleanup (otherwise its listeners outlive the page).

use leaflet::{LatLng, Map, MapOptions, TileLayer};
use leptos::prelude::*;
use shared::api::PublicConfig;

/// How close a located point is shown.
pub(crate) const LOCATED_ZOOM: f64 = 16.0;

/// Where tiles come from; `None` draws the map without tiles.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Tiles {
    pub url: Option<String>,
    pub attribution: Option<String>,
}

impl Tiles {
    pub fn of(config: &PublicConfig) -> Self {
        Tiles { url: config.tile_url.clone(), attribution: config.tile_attribution.clone() }
    }
}

pub(crate) fn new_map(
    el: &web_sys::HtmlElement,
    centre: (f64, f64),
    zoom: f64,
    tiles: &Tiles,
    interactive: bool,
) -> Option<Map> {
    let options = MapOptions::new();
    options.set_center(LatLng::new(centre.0, centre.1));
    options.set_zoom(zoom);
    options.set_min_zoom(8.0);
    options.set_max_zoom(18.0);
    if !interactive {
        // A picture of where, not a second map to operate: keep it out of the tab order.
        options.set_dragging(false);
        options.set_keyboard(false);
        options.set_scroll_wheel_zoom(false);
        options.set_touch_zoom(false);
        options.set_double_click_zoom(false.into());
        options.set_box_zoom(false);
        options.set_zoom_control(false);
    }
    let map = Map::new_with_element(el, &options).ok()?;
    // Without a tile URL (offline, tests) the map is a plain grey canvas; that is intended.
    if let Some(url) = &tiles.url {
        let tile_options = leaflet::TileLayerOptions::new();
        if let Some(attribution) = &tiles.attribution {
            tile_options.set_attribution(attribution.clone());
        }
        TileLayer::new_options(url, &tile_options).add_to(&map);
    }
    Some(map)
}

thread_local! {
    static LEAFLET: ArcRwSignal<bool> = ArcRwSignal::new(false);
}

/// Whether Leaflet is there to draw a map in `el`. It is not part of the page: the first
/// map asks `boot.js` for it once `el` nears the screen, and an effect that calls this runs
/// again when it has arrived (the answer is a tracked signal).
pub(crate) fn leaflet_ready(el: &web_sys::HtmlElement) -> bool {
    let ready = LEAFLET.with(Clone::clone);
    if ready.get() {
        return true;
    }
    let window: wasm_bindgen::JsValue = window().into();
    if crate::js::get(&window, "L").is_some() {
        ready.set(true);
        return true;
    }
    let element: wasm_bindgen::JsValue = el.clone().into();
    leptos::task::spawn_local(async move {
        if crate::js::invoke(&window, "huiyinMapNear", &[element]).await.is_ok() {
            ready.set(true);
        }
    });
    false
}
