//! The submission form's location field on a Leaflet map.

use super::field::{described_by, has_error, InlineError};
use super::map::{leaflet_ready, new_map, Tiles, LOCATED_ZOOM};
use crate::dom;
use crate::form::Control;
use crate::i18n::use_i18n;
use leaflet::{LatLng, LatLngBounds, Map, Marker, MarkerOptions, PolylineOptions, Rectangle};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::api::PublicConfig;
use shared::geo::BoundingBox;

const PICK_ZOOM: f64 = 13.0;

fn bounds(area: &BoundingBox) -> LatLngBounds {
    LatLngBounds::new(&LatLng::new(area.south, area.west), &LatLng::new(area.north, area.east))
}

/// The location field: tap the map, use the device's position, or (keyboard) pan with the
/// arrow keys and drop the pin at the centre, marked by a crosshair.
#[component]
pub fn LocationPicker(
    config: PublicConfig,
    point: RwSignal<Option<(f64, f64)>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let map_ref = NodeRef::<Div>::new();
    let map = StoredValue::new_local(None::<Map>);
    let marker = StoredValue::new_local(None::<Marker>);
    let locating = RwSignal::new(false);
    let locate_error = RwSignal::new(None::<dom::LocateError>);
    let area = config.city.service_area;
    let centre = (config.city.centre[0], config.city.centre[1]);
    let tiles = Tiles::of(&config);

    // Set once the map is drawn, so the marker shows a point chosen before (by location).
    let drawn = RwSignal::new(false);
    Effect::new(move |_| {
        let Some(el) = map_ref.get() else { return };
        if map.with_value(Option::is_some) || !leaflet_ready(&el) {
            return;
        }
        let (start, zoom) = match point.get_untracked() {
            Some(p) => (p, LOCATED_ZOOM),
            None => (centre, PICK_ZOOM),
        };
        let Some(m) = new_map(&el, start, zoom, &tiles, true) else { return };
        let outline = PolylineOptions::new();
        outline.set_interactive(false);
        outline.set_fill(false);
        outline.set_color("#1d70b8".to_owned());
        outline.set_weight(2.0);
        outline.set_dash_array("6 4".to_owned());
        Rectangle::new_with_options(&bounds(&area), &outline).add_to(&m);
        m.on_mouse_click(Box::new(move |e: leaflet::MouseEvent| {
            let ll = e.lat_lng();
            point.set(Some((ll.lat(), ll.lng())));
        }));
        map.set_value(Some(m));
        drawn.set(true);
    });

    // The marker follows the chosen point, whichever way it was chosen.
    Effect::new(move |_| {
        drawn.track();
        let p = point.get();
        map.with_value(|m| {
            let Some(m) = m else { return };
            match (p, marker.with_value(Clone::clone)) {
                (Some((lat, lng)), Some(existing)) => existing.set_lat_lng(&LatLng::new(lat, lng)),
                (Some((lat, lng)), None) => {
                    let options = MarkerOptions::new();
                    options.set_keyboard(false);
                    options.set_alt(i18n.t("location.marker_alt").to_owned());
                    let created = Marker::new_with_options(&LatLng::new(lat, lng), &options);
                    created.add_to(m);
                    marker.set_value(Some(created));
                }
                (None, Some(existing)) => {
                    existing.remove();
                    marker.set_value(None);
                }
                (None, None) => {}
            }
        });
    });

    on_cleanup(move || {
        map.with_value(|m| {
            if let Some(m) = m {
                m.remove();
            }
        });
    });

    // Before the map has arrived its centre is the city's, where it will open.
    let pin_at_centre = move |_| {
        let c = map.with_value(|m| m.as_ref().map(Map::get_center)).map_or(centre, |c| (c.lat(), c.lng()));
        point.set(Some(c));
    };

    let use_my_location = move |_| {
        if locating.get_untracked() {
            return;
        }
        locating.set(true);
        locate_error.set(None);
        spawn_local(async move {
            let result = dom::locate().await;
            locating.set(false);
            match result {
                Ok((lat, lng)) => {
                    point.set(Some((lat, lng)));
                    map.with_value(|m| {
                        if let Some(m) = m {
                            m.set_view(&LatLng::new(lat, lng), LOCATED_ZOOM);
                        }
                    });
                }
                Err(e) => locate_error.set(Some(e)),
            }
        });
    };

    let outside = move || point.get().is_some_and(|(lat, lng)| !area.contains(shared::geo::LatLng { lat, lng }));

    view! {
        <fieldset class="field fieldset" class:field--error=has_error(error)>
            <legend class="label">{i18n.tr("field.location")}</legend>
            <p id="map-hint" class="hint">{i18n.tr("location.hint")}</p>
            <InlineError id=Control::Map.error_id() message=error/>
            <div class="map-frame" class:map-frame--error=has_error(error)>
                <div
                    id="map"
                    node_ref=map_ref
                    class="map"
                    // Labelled as a region: Leaflet (which makes it focusable) may not have arrived yet.
                    role="region"
                    aria-label=i18n.tr("location.map_label")
                    aria-describedby=move || {
                        described_by(&[
                            Some("map-hint".to_owned()),
                            error.with(Option::is_some).then(|| "map-error".to_owned()),
                        ])
                    }
                ></div>
                <div class="map-crosshair" aria-hidden="true"></div>
            </div>
            <div class="map-actions">
                <button type="button" id="pin-at-centre" class="button button--secondary" on:click=pin_at_centre>
                    {i18n.tr("location.pin_at_centre")}
                </button>
                <button
                    type="button"
                    id="use-my-location"
                    class="button button--secondary"
                    disabled=locating
                    aria-busy=move || locating.get().then_some("true")
                    on:click=use_my_location
                >
                    {i18n.tr_either(locating, "location.locating", "location.use_mine")}
                </button>
            </div>
            <p class="map-status" role="status">
                {move || match point.get() {
                    Some((lat, lng)) => i18n.tf("location.chosen", &[("lat", &dom::fixed(lat, 5)), ("lng", &dom::fixed(lng, 5))]),
                    None => i18n.t("location.none").to_owned(),
                }}
            </p>
            <p class="warning-text" hidden=move || !outside()>{i18n.tr("location.outside_hint")}</p>
            <p class="field-error" role="alert" hidden=move || locate_error.with(Option::is_none)>
                {move || match locate_error.get() {
                    Some(dom::LocateError::Denied) => i18n.t("location.error_denied"),
                    Some(dom::LocateError::Timeout) => i18n.t("location.error_timeout"),
                    Some(dom::LocateError::Unsupported) => i18n.t("location.error_unsupported"),
                    Some(dom::LocateError::Unavailable) | None => i18n.t("location.error_unavailable"),
                }}
            </p>
        </fieldset>
    }
}
