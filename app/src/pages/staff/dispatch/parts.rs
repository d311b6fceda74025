//! Pieces the queue, the request's panel and its casework share: readable names for codes,
//! ages and percentages, a group of department checkboxes, and error shaping.

use crate::api::ApiError;
use crate::app::SetupResource;
use crate::components::field::{aria_invalid, has_error, InlineError};
use crate::dom;
use crate::i18n::Lang;
use crate::staff_api;
use crate::staff_menu::{age_key, percent};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::catalogue::CategoryCode;
use shared::dispatch::StoredSuggestion;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrorCode, FieldErrors};
use shared::org::Department;
use shared::rules::Resolution;
use std::sync::Arc;

/// Departments and areas by code, for showing names instead of codes.
#[derive(Debug, Clone, Default)]
pub struct Lookups {
    pub departments: Arc<Vec<Department>>,
    /// (code, name) in the order the API lists them: districts, then their streets.
    areas: Arc<Vec<(String, String)>>,
}

impl Lookups {
    /// A department's name, or its code if it is unknown (deleted, or the list failed to load).
    pub fn department(&self, code: &str) -> String {
        self.departments.iter().find(|d| d.code == code).map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    pub fn departments_named(&self, codes: &[String], lang: Lang) -> String {
        join(lang, codes.iter().map(|c| self.department(c)))
    }

    pub fn area(&self, code: &str) -> String {
        self.areas.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    }

    /// Areas as (code, name) choices, in the API's order.
    pub fn area_choices(&self) -> impl Iterator<Item = (String, String)> + '_ {
        self.areas.iter().cloned()
    }

    /// Active departments as (code, name), in the organisation's order, without `except`.
    pub fn active(&self, except: &str) -> Vec<(String, String)> {
        self.departments
            .iter()
            .filter(|d| d.active && d.code != except)
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect()
    }
}

pub type LookupsResource = LocalResource<Lookups>;

/// Names are a courtesy: when they cannot be loaded the page shows codes rather than nothing.
pub async fn load_lookups() -> Lookups {
    let (departments, areas) = futures::future::join(staff_api::departments(), staff_api::areas()).await;
    let areas = areas
        .ok()
        .and_then(|collection| {
            let features = collection.get("features")?.as_array()?.clone();
            Some(
                features
                    .iter()
                    .filter_map(|f| {
                        let p = f.get("properties")?;
                        Some((p.get("code")?.as_str()?.to_owned(), p.get("name")?.as_str()?.to_owned()))
                    })
                    .collect(),
            )
        })
        .unwrap_or_default();
    Lookups { departments: Arc::new(departments.unwrap_or_default()), areas: Arc::new(areas) }
}

/// A list in running text: 、 in Chinese, commas in English.
pub fn join(lang: Lang, items: impl Iterator<Item = String>) -> String {
    let separator = if lang == Lang::En { ", " } else { "、" };
    items.collect::<Vec<_>>().join(separator)
}

/// "城乡建设 › 市政管理 › 路灯", from the catalogue the app loaded, or the code itself.
pub fn category_path(setup: SetupResource, code: &CategoryCode) -> String {
    setup
        .get()
        .and_then(Result::ok)
        .and_then(|s| s.catalogue.path(code))
        .filter(|r| !r.path.is_empty())
        .map_or_else(|| code.as_str().to_owned(), |r| r.path.join(" › "))
}

/// "等待 3 小时": how long ago `at` was, in the reader's language.
pub fn age(lang: Lang, at: &DateTime<Utc>) -> String {
    // Whole minutes; the float-to-int cast saturates, so a wild clock cannot wrap.
    let minutes = ((js_sys::Date::now() - at.timestamp_millis() as f64) / 60_000.0).floor() as i64;
    let (key, n) = age_key(minutes);
    lang.fill(key, &[("n", &n.to_string())])
}

pub fn suggestion_text(lang: Lang, setup: SetupResource, s: &StoredSuggestion) -> String {
    lang.fill(
        "dispatch.suggestion",
        &[("category", &category_path(setup, &s.category_code)), ("percent", &percent(s.confidence).to_string())],
    )
}

/// What the responsibility list proposes, in one sentence.
pub fn proposal_text(lang: Lang, lookups: &Lookups, proposal: &Resolution) -> String {
    match proposal {
        Resolution::Resolved { lead, co_handlers, .. } if co_handlers.is_empty() => {
            lang.fill("dispatch.proposal.lead", &[("lead", &lookups.department(lead))])
        }
        Resolution::Resolved { lead, co_handlers, .. } => lang.fill(
            "dispatch.proposal.lead_with",
            &[("lead", &lookups.department(lead)), ("co", &lookups.departments_named(co_handlers, lang))],
        ),
        Resolution::NoRule => lang.text("dispatch.proposal.none"),
        Resolution::Ambiguous { leads, .. } => {
            lang.fill("dispatch.proposal.ambiguous", &[("leads", &lookups.departments_named(leads, lang))])
        }
    }
}

/// A refusal found before sending, in the server's shape so it shows the same way.
pub fn refused(field: &str, code: FieldErrorCode) -> ApiError {
    let mut fields = FieldErrors::new();
    fields.add(field, code, "");
    ApiError::Api { status: 422, body: ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields) }
}

/// `co_handlers[1]` → `co_handlers`: a refused entry of a list shows at the list's control
/// (the first refusal wins; the control names the department anyway).
pub fn fold_indexed(error: ApiError) -> ApiError {
    match error {
        ApiError::Api { status, mut body } => {
            let mut folded = FieldErrors::new();
            for (path, e) in std::mem::take(&mut body.fields.0) {
                let field = path.split('[').next().map_or_else(|| path.clone(), str::to_owned);
                folded.0.entry(field).or_insert(e);
            }
            body.fields = folded;
            ApiError::Api { status, body }
        }
        other => other,
    }
}

/// The request moved on since it was read (412), or the move is no longer possible (409).
pub fn is_conflict(error: &ApiError) -> bool {
    matches!(error.code(), Some(ErrorCode::Conflict | ErrorCode::PreconditionFailed))
}

/// Move focus to a message once it is drawn, so keyboard and screen-reader users hear it.
pub fn focus_soon(id: &'static str) {
    request_animation_frame(move || {
        dom::focus_id(id);
    });
}

/// A labelled group of department checkboxes; box `i` has the id `{id}-{i}` (the error
/// summary links to `{id}-0`).
#[component]
pub fn DepartmentChecks(
    id: &'static str,
    #[prop(into)] legend: Signal<&'static str>,
    #[prop(optional, into)] hint: Option<Signal<&'static str>>,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    chosen: RwSignal<Vec<String>>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let hint_id = format!("{id}-hint");
    let error_id = format!("{id}-error");
    let describedby = {
        let (hint_id, error_id) = (hint_id.clone(), error_id.clone());
        let has_hint = hint.is_some();
        move || {
            crate::components::field::described_by(&[
                has_hint.then(|| hint_id.clone()),
                error.with(Option::is_some).then(|| error_id.clone()),
            ])
        }
    };
    let boxes = move || {
        options
            .get()
            .into_iter()
            .enumerate()
            .map(|(i, (code, name))| {
                let box_id = format!("{id}-{i}");
                let checked = {
                    let code = code.clone();
                    move || chosen.with(|c| c.contains(&code))
                };
                let value = code.clone();
                let toggle = move |ev: leptos::ev::Event| {
                    let on = event_target_checked(&ev);
                    chosen.update(|c| {
                        c.retain(|x| *x != code);
                        if on {
                            c.push(code.clone());
                        }
                    });
                };
                view! {
                    <div class="checkbox">
                        <input type="checkbox" id=box_id.clone() value=value aria-invalid=aria_invalid(error)
                            prop:checked=checked on:change=toggle/>
                        <label for=box_id>{name}</label>
                    </div>
                }
            })
            .collect_view()
    };
    view! {
        <fieldset class="fieldset field" class:field--error=has_error(error) aria-describedby=describedby>
            <legend class="label">{legend}</legend>
            {hint.map(|h| view! { <p id=hint_id.clone() class="hint">{h}</p> })}
            <InlineError id=error_id message=error/>
            <div class="checkboxes">{boxes}</div>
        </fieldset>
    }
}
