//! `/staff/areas`: the districts and streets that rules and dispatch route by. An admin
//! pastes or loads a GeoJSON FeatureCollection, checks it on the map (checked here with the
//! same code the Worker runs, so errors name the feature before anything is sent), then imports.

use crate::app::{page_title, use_setup};
use crate::components::area_map::AreaMap;
use crate::components::error_summary::{ErrorSummary, SummaryItem};
use crate::components::field::TextField;
use crate::components::load_error::LoadError;
use crate::components::map::Tiles;
use crate::components::staff_shell::StaffShell;
use crate::i18n::{field_message, use_i18n};
use crate::staff_api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::org::Area;

#[component]
pub fn AreasPage() -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    page_title(move || i18n.t("staff.areas.heading").to_owned());
    let areas = LocalResource::new(staff_api::areas);
    let body = move || {
        let setup = setup.get()?.ok()?;
        Some(match areas.get()? {
            Ok(collection) => {
                let tiles = Tiles::of(&setup.config);
                let centre = (setup.config.city.centre[0], setup.config.city.centre[1]);
                view! { <AreaEditor collection tiles centre areas/> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| areas.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.areas.heading")}</h1>
            {body}
        </StaffShell>
    }
}

#[component]
fn AreaEditor(
    collection: Value,
    tiles: Tiles,
    centre: (f64, f64),
    areas: LocalResource<Result<Value, crate::api::ApiError>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let current = Signal::stored(collection.clone());
    let text = RwSignal::new(String::new());
    let draft = RwSignal::new(None::<Value>);
    let problems = RwSignal::new(Vec::<SummaryItem>::new());
    let attempt = RwSignal::new(0u32);
    let imported = RwSignal::new(None::<usize>);
    let fail = move |items: Vec<SummaryItem>| {
        problems.set(items);
        attempt.update(|n| *n += 1);
    };
    // Checked locally first: the same parse the Worker runs, so the map never shows a
    // draft the import would refuse.
    let check = move || -> Option<Value> {
        let lang = i18n.lang();
        let value: Value = match serde_json::from_str(&text.get_untracked()) {
            Ok(v) => v,
            Err(_) => {
                fail(vec![SummaryItem { target: Some("geojson"), text: lang.text("staff.areas.not_json") }]);
                return None;
            }
        };
        match Area::parse_collection(&value) {
            Ok(_) => {
                problems.set(Vec::new());
                Some(value)
            }
            Err(errors) => {
                let items = errors
                    .0
                    .iter()
                    .map(|(path, e)| SummaryItem {
                        target: Some("geojson"),
                        text: format!("{path}: {}", field_message(lang, path, e)),
                    })
                    .collect();
                fail(items);
                None
            }
        }
    };
    let on_preview = move |_| {
        imported.set(None);
        draft.set(check());
    };
    let on_import = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        imported.set(None);
        let Some(value) = check() else { return };
        draft.set(Some(value.clone()));
        spawn_local(async move {
            match staff_api::import_areas(value).await {
                Ok(answer) => {
                    imported.set(answer["imported"].as_u64().map(|n| n as usize));
                    draft.set(None);
                    text.set(String::new());
                    areas.refetch();
                }
                Err(e) => fail(vec![SummaryItem { target: None, text: e.describe(i18n.lang()) }]),
            }
        });
    };
    let error = Signal::derive(move || problems.with(|p| p.first().map(|p| p.text.clone())));
    let rows = collection["features"]
        .as_array()
        .cloned()
        .unwrap_or_default()
        .into_iter()
        .map(|f| {
            let p = &f["properties"];
            let s = |k: &str| p[k].as_str().unwrap_or_default().to_owned();
            let level = format!("area_level.{}", s("level"));
            view! {
                <tr>
                    <td data-label=i18n.tr("field.code")><code>{s("code")}</code></td>
                    <td data-label=i18n.tr("field.name")>{s("name")}</td>
                    <td data-label=i18n.tr("field.level")>{i18n.tr_key(level)}</td>
                    <td data-label=i18n.tr("field.parent_area")>{s("parent")}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <AreaMap tiles centre areas=current draft/>
        <p class="hint">{i18n.tr("staff.areas.legend")}</p>
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="area-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("field.code")}</th>
                    <th scope="col">{i18n.tr("field.name")}</th>
                    <th scope="col">{i18n.tr("field.level")}</th>
                    <th scope="col">{i18n.tr("field.parent_area")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
        <section aria-labelledby="import-heading">
            <h2 id="import-heading">{i18n.tr("staff.areas.import")}</h2>
            {move || imported.get().map(|n| view! {
                <p class="notice notice--success" role="status" id="areas-imported">
                    {i18n.lang().fill("staff.areas.imported", &[("count", &n.to_string())])}
                </p>
            })}
            <ErrorSummary items=problems attempt/>
            <form class="form" novalidate on:submit=on_import>
                <TextField id="geojson" label=i18n.tr("field.geojson") hint=i18n.tr("field.geojson.hint") value=text
                    error multiline=true/>
                <div class="button-row">
                    <button type="button" id="preview-areas" class="button button--secondary" on:click=on_preview>
                        {i18n.tr("staff.areas.preview")}
                    </button>
                    <button type="submit" id="import-areas" class="button">{i18n.tr("staff.areas.import_button")}</button>
                </div>
            </form>
        </section>
    }
}
