//! A request's location on its tracking page.

use super::map::{leaflet_ready, new_map, Tiles, LOCATED_ZOOM};
use crate::i18n::use_i18n;
use leaflet::{LatLng, Map, Marker, MarkerOptions};
use leptos::html::Div;
use leptos::prelude::*;

/// A small static map of a request's location: a ~100 m circle for the public's approximate
/// point, a marker for the reporter's own exact one.
#[component]
pub fn TicketMap(tiles: Tiles, lat: f64, lng: f64, exact: bool) -> impl IntoView {
    let i18n = use_i18n();
    let map_ref = NodeRef::<Div>::new();
    let map = StoredValue::new_local(None::<Map>);
    Effect::new(move |_| {
        let Some(el) = map_ref.get() else { return };
        if map.with_value(Option::is_some) || !leaflet_ready(&el) {
            return;
        }
        let Some(m) = new_map(&el, (lat, lng), LOCATED_ZOOM, &tiles, false) else { return };
        if exact {
            let options = MarkerOptions::new();
            options.set_keyboard(false);
            Marker::new_with_options(&LatLng::new(lat, lng), &options).add_to(&m);
        } else {
            let options = leaflet::CircleOptions::new();
            options.set_radius(80.0);
            options.set_interactive(false);
            options.set_color("#1d70b8".to_owned());
            leaflet::Circle::new_with_options(&LatLng::new(lat, lng), &options).add_to(&m);
        }
        map.set_value(Some(m));
    });
    on_cleanup(move || {
        map.with_value(|m| {
            if let Some(m) = m {
                m.remove();
            }
        });
    });
    view! {
        <div
            class="map map--small"
            node_ref=map_ref
            // Leaflet's zoom buttons and links live inside: a labelled region may hold them, an image may not.
            role="region"
            aria-label=if exact { i18n.tr("ticket.map_exact") } else { i18n.tr("ticket.map_approximate") }
        ></div>
    }
}
