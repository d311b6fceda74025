//! The boundaries of the city's areas on a map, and a draft import drawn over them in
//! another colour so an admin sees what a GeoJSON file would change before importing it.

use super::map::{leaflet_ready, new_map, Tiles};
use crate::i18n::use_i18n;
use leaflet::{FeatureGroup, GeoJson, Map};
use leptos::html::Div;
use leptos::prelude::*;
use serde_json::Value;
use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;

// The crate declares `L.geoJSON` but does not export it.
#[wasm_bindgen]
extern "C" {
    #[wasm_bindgen(js_namespace = L, js_name = geoJSON)]
    fn geo_json(data: &JsValue, options: &JsValue) -> GeoJson;
}

fn js(value: &Value) -> Option<JsValue> {
    js_sys::JSON::parse(&value.to_string()).ok()
}

fn style(colour: &str, dashed: bool) -> JsValue {
    let style = serde_json::json!({
        "color": colour, "weight": 2, "fillOpacity": 0.08, "dashArray": if dashed { "6 4" } else { "" },
    });
    js(&style).unwrap_or(JsValue::NULL)
}

fn layer(collection: &Value, colour: &str, dashed: bool) -> Option<GeoJson> {
    let data = js(collection)?;
    let options = js_sys::Object::new();
    let _ = js_sys::Reflect::set(&options, &"style".into(), &style(colour, dashed));
    Some(geo_json(&data, &options))
}

fn has_features(collection: &Value) -> bool {
    collection["features"].as_array().is_some_and(|f| !f.is_empty())
}

fn fit(map: &Map, layer: &GeoJson) {
    map.fit_bounds(&layer.unchecked_ref::<FeatureGroup>().get_bounds());
}

#[component]
pub fn AreaMap(
    tiles: Tiles,
    centre: (f64, f64),
    #[prop(into)] areas: Signal<Value>,
    #[prop(into)] draft: Signal<Option<Value>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let map_ref = NodeRef::<Div>::new();
    let map = StoredValue::new_local(None::<Map>);
    let layers = StoredValue::new_local(Vec::<GeoJson>::new());
    Effect::new(move |_| {
        let (areas, draft) = (areas.get(), draft.get());
        let Some(el) = map_ref.get() else { return };
        if !leaflet_ready(&el) {
            return;
        }
        if map.with_value(Option::is_none) {
            map.set_value(new_map(&el, centre, 10.0, &tiles, true));
        }
        map.with_value(|m| {
            let Some(m) = m else { return };
            layers.update_value(|old| {
                old.drain(..).for_each(|l| {
                    l.remove();
                })
            });
            let mut drawn = Vec::new();
            let mut focus = None;
            // The draft, if any, is what the admin is checking; otherwise the whole city.
            for (collection, colour, dashed) in [(Some(&areas), "#1d70b8", false), (draft.as_ref(), "#d4351c", true)] {
                let Some(collection) = collection.filter(|c| has_features(c)) else { continue };
                if let Some(l) = layer(collection, colour, dashed) {
                    l.add_to(m);
                    focus = Some(l.clone());
                    drawn.push(l);
                }
            }
            if let Some(l) = focus {
                fit(m, &l);
            }
            layers.set_value(drawn);
        });
    });
    on_cleanup(move || {
        map.with_value(|m| {
            if let Some(m) = m {
                m.remove();
            }
        });
    });
    view! { <div class="map" node_ref=map_ref role="region" aria-label=i18n.tr("staff.areas.map_label")></div> }
}
