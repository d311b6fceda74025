//! `/open/heatmap`: where requests come from, in cells no reporter can be found in.
//!
//! The category and period live in the address (`?category=04&period=2026-11`), so a map can be
//! linked to. The zoom does not: it only decides how fine the cells are, and the map asks again
//! when a zoom crosses into another precision. The table under the map says the same in text.

use super::nav::OpenNav;
use crate::api::ApiError;
use crate::app::{page_title, use_setup, Setup};
use crate::components::load_error::LoadError;
use crate::components::map::{leaflet_ready, new_map, Tiles};
use crate::heat_api::{self, TOP_CELLS};
use crate::i18n::{use_i18n, Lang};
use crate::open_api;
use leaflet::{LatLng, LatLngBounds, LayerGroup, Map, PolylineOptions, Rectangle};
use leptos::html::Div;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::heat::{precision_for_zoom, HeatCell, HeatMap};
use std::time::Duration;
use wasm_bindgen::JsValue;

/// Pinch-zooming fires several zoom ends in a row; only the last one is worth a request.
const SETTLE: Duration = Duration::from_millis(350);

type Answer = Option<Result<HeatMap, ApiError>>;

#[component]
pub fn HeatMapPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("open.heatmap.heading").to_owned());
    let setup = use_setup();
    view! {
        <div class="page page--wide">
            <OpenNav/>
            <h1>{i18n.tr("open.heatmap.heading")}</h1>
            <p class="lead">{i18n.tr("open.heatmap.lead")}</p>
            {move || match setup.get() {
                None => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=Callback::new(move |_| setup.refetch())/> }.into_any(),
                Some(Ok(setup)) => view! { <HeatView setup/> }.into_any(),
            }}
        </div>
    }
}

fn zoom_of(map: &Map) -> u8 {
    map.get_zoom().round().clamp(0.0, 22.0) as u8
}

fn lat_lng_bounds(b: &shared::geo::BoundingBox) -> LatLngBounds {
    LatLngBounds::new(&LatLng::new(b.south, b.west), &LatLng::new(b.north, b.east))
}

/// A component, not a function: it runs untracked, so reading the address here does not
/// rebuild the map on every change of filter.
#[component]
fn HeatView(setup: Setup) -> impl IntoView {
    let i18n = use_i18n();
    let query = use_query_map();
    let this_month = open_api::month_at(js_sys::Date::now(), setup.config.city.utc_offset_minutes);
    let filters = {
        let this_month = this_month.clone();
        Memo::new(move |_| {
            query.with(|q| {
                let category = q.get("category").filter(|c| heat_api::is_family(c)).unwrap_or_default();
                let period = q.get("period").filter(|p| heat_api::is_period(p)).unwrap_or_else(|| this_month.clone());
                (category, period)
            })
        })
    };
    // The zoom last asked for: it changes only when the precision does.
    let zoom = RwSignal::new(None::<u8>);
    let answer = RwSignal::new(None::<Result<HeatMap, ApiError>>);
    let loading = RwSignal::new(false);
    let retries = RwSignal::new(0u32);
    let asked = StoredValue::new(0u64);
    Effect::new(move |_| {
        retries.track();
        let Some(z) = zoom.get() else { return };
        let (category, period) = filters.get();
        let id = asked.get_value() + 1;
        asked.set_value(id);
        loading.set(true);
        spawn_local(async move {
            let result = heat_api::heatmap(z, &category, &period).await;
            // A later zoom or filter asked again meanwhile: this answer is for a map no longer shown.
            if asked.try_get_value() == Some(id) {
                loading.try_set(false);
                answer.try_set(Some(result));
            }
        });
    });

    let navigate = use_navigate();
    let go = move |category: String, period: String| {
        navigate(&heat_api::page_path(&category, &period), Default::default());
    };
    let categories: Vec<(String, String)> =
        setup.catalogue.tree().into_iter().map(|n| (n.code.as_str().to_owned(), n.name)).collect();
    let category_options = std::iter::once((String::new(), None))
        .chain(categories.into_iter().map(|(code, name)| (code, Some(name))))
        .map(|(code, name)| {
            let selected = {
                let code = code.clone();
                move || filters.with(|(c, _)| *c == code)
            };
            let label = move || name.clone().unwrap_or_else(|| i18n.t("open.heatmap.category_all").to_owned());
            view! { <option value=code prop:selected=selected>{label}</option> }
        })
        .collect_view();
    let period_options = move || {
        let chosen = filters.with(|(_, p)| p.clone());
        heat_api::period_options(&this_month, &chosen)
            .into_iter()
            .map(|p| {
                let (key, year, month) = heat_api::period_label(&p);
                let label = i18n.lang().fill(key, &[("year", &year), ("month", &month)]);
                let selected = p == chosen;
                view! { <option value=p selected=selected>{label}</option> }
            })
            .collect_view()
    };
    let on_category = {
        let go = go.clone();
        move |ev| go(event_target_value(&ev), filters.with_untracked(|(_, p)| p.clone()))
    };
    let on_period = move |ev| go(filters.with_untracked(|(c, _)| c.clone()), event_target_value(&ev));

    let shown = Memo::new(move |_| answer.with(|a| a.as_ref().and_then(|r| r.as_ref().ok()).cloned()));
    view! {
        <form class="heat-filter" on:submit=|ev: leptos::ev::SubmitEvent| ev.prevent_default()>
            <div class="field">
                <label for="heat-category" class="label">{i18n.tr("open.heatmap.category")}</label>
                <select id="heat-category" class="input select" on:change=on_category>{category_options}</select>
            </div>
            <div class="field">
                <label for="heat-period" class="label">{i18n.tr("open.heatmap.period")}</label>
                <select id="heat-period" class="input select" on:change=on_period>{period_options}</select>
            </div>
        </form>
        <HeatLeaflet setup answer zoom loading/>
        {move || match answer.get() {
            Some(Err(error)) => Some(view! { <LoadError error retry=Callback::new(move |_| retries.update(|n| *n += 1))/> }),
            _ => None,
        }}
        <p class="visually-hidden" role="status">
            {move || match (loading.get(), shown.get()) {
                (true, _) => i18n.t("open.heatmap.updating").to_owned(),
                (false, Some(map)) => summary(&map, i18n.lang()),
                (false, None) => String::new(),
            }}
        </p>
        {move || shown.get().map(|map| notes(&map))}
    }
}

/// The map itself; Leaflet owns its DOM, so it is made once after mount and removed on cleanup.
#[component]
fn HeatLeaflet(
    setup: Setup,
    answer: RwSignal<Answer>,
    zoom: RwSignal<Option<u8>>,
    loading: RwSignal<bool>,
) -> impl IntoView {
    let i18n = use_i18n();
    let map_ref = NodeRef::<Div>::new();
    let map = StoredValue::new_local(None::<Map>);
    let layer = StoredValue::new_local(None::<LayerGroup>);
    let timer = StoredValue::new_local(None::<TimeoutHandle>);
    let tiles = Tiles::of(&setup.config);
    let city = setup.config.city.clone();
    Effect::new(move |_| {
        let Some(el) = map_ref.get() else { return };
        if map.with_value(Option::is_some) || !leaflet_ready(&el) {
            return;
        }
        let centre = (city.centre[0], city.centre[1]);
        let Some(m) = new_map(&el, centre, 11.0, &tiles, true) else { return };
        // At once, not animated: the first request must be for the zoom the map ends up at.
        let at_once = js_sys::Object::new();
        let _ = js_sys::Reflect::set(&at_once, &"animate".into(), &false.into());
        m.fit_bounds_with_options(&lat_lng_bounds(&city.service_area), &at_once);
        let group = LayerGroup::new();
        group.add_to(&m);
        zoom.set(Some(zoom_of(&m)));
        let settled = m.clone();
        m.on_zoom_end(Box::new(move |_| {
            let z = zoom_of(&settled);
            let _ = timer.try_update_value(|t| t.take().map(|t| t.clear()));
            let handle = set_timeout_with_handle(
                move || {
                    let before = zoom.try_get_untracked().flatten();
                    if before.map(precision_for_zoom) != Some(precision_for_zoom(z)) {
                        zoom.try_set(Some(z));
                    }
                },
                SETTLE,
            );
            let _ = timer.try_set_value(handle.ok());
        }));
        layer.set_value(Some(group));
        map.set_value(Some(m));
    });
    Effect::new(move |_| {
        let lang = i18n.lang();
        answer.with(|a| {
            if let Some(Ok(heat)) = a {
                layer.with_value(|g| g.as_ref().map(|g| draw(g, heat, lang)));
            }
        });
    });
    on_cleanup(move || {
        let _ = timer.try_update_value(|t| t.take().map(|t| t.clear()));
        let _ = map.try_with_value(|m| m.as_ref().map(Map::remove));
    });
    let precision = move || answer.with(|a| a.as_ref().and_then(|r| r.as_ref().ok()).map(|m| m.precision.to_string()));
    view! {
        <div class="heat-map-frame" aria-busy=move || loading.get().then_some("true")>
            <div
                id="heat-map"
                class="map heat-map"
                node_ref=map_ref
                role="region"
                aria-label=i18n.tr("open.heatmap.map_label")
                data-zoom=move || zoom.get().map(|z| z.to_string())
                data-precision=precision
            ></div>
            <p class="heat-map-frame__busy" hidden=move || !loading.get()>{i18n.tr("open.heatmap.updating")}</p>
        </div>
    }
}

fn draw(group: &LayerGroup, heat: &HeatMap, lang: Lang) {
    group.clear_layers();
    let breaks = heat_api::breaks(heat.min_count, heat_api::max_count(&heat.cells));
    for cell in &heat.cells {
        let Some(b) = shared::heat::bounds(&cell.cell) else { continue };
        let options = PolylineOptions::new();
        options.set_color("#6b2e00".to_owned());
        options.set_weight(1.0);
        options.set_opacity(0.6);
        options.set_fill_color(heat_api::colour(heat_api::class_of(cell.count, &breaks), breaks.len()).to_owned());
        options.set_fill_opacity(0.75);
        options.set_class_name("heat-cell".to_owned());
        let rectangle = Rectangle::new_with_options(&lat_lng_bounds(&b), &options);
        let text = lang.fill("open.heatmap.cell_count", &[("n", &cell.count.to_string())]);
        rectangle.bind_popup_with_options(&JsValue::from_str(&text), &js_sys::Object::new());
        rectangle.add_to_layer_group(group);
    }
}

fn summary(map: &HeatMap, lang: Lang) -> String {
    let (n, cells) = (heat_api::total(&map.cells).to_string(), map.cells.len().to_string());
    lang.fill("open.heatmap.shown", &[("n", &n), ("cells", &cells)])
}

/// The legend, what the map shows and leaves out, and the busiest cells as a table.
fn notes(map: &HeatMap) -> impl IntoView {
    let i18n = use_i18n();
    let breaks = heat_api::breaks(map.min_count, heat_api::max_count(&map.cells));
    let swatches = heat_api::legend(&breaks)
        .into_iter()
        .map(|(label, colour)| {
            view! {
                <li>
                    // A CSSOM property, not a style attribute: the CSP allows no inline style.
                    <span class="heat-legend__swatch" style:background-color=colour aria-hidden="true"></span>
                    {label}
                </li>
            }
        })
        .collect_view();
    let (size_key, size) = heat_api::cell_size(map.precision);
    let (min, suppressed) = (map.min_count.to_string(), map.suppressed);
    let hidden = move || {
        let (key, n) = match suppressed {
            0 => ("open.heatmap.suppressed_none", String::new()),
            1 => ("open.heatmap.suppressed_one", String::new()),
            n => ("open.heatmap.suppressed", n.to_string()),
        };
        i18n.lang().fill(key, &[("n", &n), ("min", &min)])
    };
    let shown = {
        let map = map.clone();
        move || summary(&map, i18n.lang())
    };
    view! {
        <div class="heat-legend" id="heat-legend">
            <p class="heat-legend__title">{i18n.tr("open.heatmap.legend")}</p>
            <ul class="heat-legend__classes">{swatches}</ul>
        </div>
        <p id="heat-shown">{shown}</p>
        <p id="heat-size" class="hint">{move || i18n.lang().fill(size_key, &[("n", &size.to_string())])}</p>
        <p id="heat-suppressed" class="hint">{hidden}</p>
        {top_table(map)}
    }
}

fn top_table(map: &HeatMap) -> impl IntoView {
    let i18n = use_i18n();
    if map.cells.is_empty() {
        return view! { <p id="heat-empty">{i18n.tr("open.heatmap.empty")}</p> }.into_any();
    }
    let rows = heat_api::top_cells(&map.cells, TOP_CELLS)
        .into_iter()
        .enumerate()
        .map(|(i, cell)| top_row(i + 1, cell, map.precision))
        .collect_view();
    view! {
        <section aria-labelledby="heat-top-heading">
            <h2 id="heat-top-heading">{i18n.tr("open.heatmap.top.heading")}</h2>
            <p class="hint">{i18n.tr("open.heatmap.top.lead")}</p>
            <div class="table-wrap" role="region" tabindex="0" aria-labelledby="heat-top-heading">
                <table class="table" id="heat-top">
                    <thead>
                        <tr>
                            <th scope="col" class="num">{i18n.tr("open.heatmap.top.rank")}</th>
                            <th scope="col">{i18n.tr("open.heatmap.top.place")}</th>
                            <th scope="col" class="num">{i18n.tr("open.heatmap.top.count")}</th>
                        </tr>
                    </thead>
                    <tbody>{rows}</tbody>
                </table>
            </div>
        </section>
    }
    .into_any()
}

fn top_row(rank: usize, cell: HeatCell, precision: usize) -> impl IntoView {
    let i18n = use_i18n();
    let (key, lat, lng) = heat_api::place(cell.lat, cell.lng, precision);
    view! {
        <tr data-cell=cell.cell>
            <td class="num">{rank}</td>
            <th scope="row">{move || i18n.lang().fill(key, &[("lat", &lat), ("lng", &lng)])}</th>
            <td class="num">{cell.count}</td>
        </tr>
    }
}
