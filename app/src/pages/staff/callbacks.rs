//! `/staff/callbacks`: the call centre's list (回访): answered requests whose reporter left a
//! phone number and has not rated the reply. The agent calls, then records how the call went:
//! reached (with the citizen's answers, which rate the reply as the web form would), not
//! reachable, or refused. A reached citizen's line leaves the list; a missed call stays on it
//! with one more attempt counted.

use super::callback_form::CallbackForm;
use super::dispatch::parts::{focus_soon, load_lookups, Lookups};
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::eval_api::{self, tel_href, CallbackDue};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::evaluation::{EvaluationSettings, EvaluationTemplate};

pub type Due = LocalResource<Result<Vec<CallbackDue>, ApiError>>;
pub type Settings = LocalResource<Result<EvaluationSettings, ApiError>>;

#[component]
pub fn CallbacksPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("callbacks.heading").to_owned());
    let list: Due = LocalResource::new(eval_api::callbacks);
    let settings: Settings = LocalResource::new(eval_api::evaluation_settings);
    let names: LocalResource<Lookups> = LocalResource::new(load_lookups);
    // The line whose form is open (one at a time) and what the last call recorded.
    let open = RwSignal::new(None::<String>);
    let done = RwSignal::new(None::<String>);
    let body = move || {
        list.get().map(|result| match result {
            Ok(lines) if lines.is_empty() => view! { <p id="callback-list">{i18n.tr("callbacks.none")}</p> }.into_any(),
            Ok(lines) => {
                let cards =
                    lines.into_iter().map(|line| line_card(line, names, settings, open, done, list)).collect_view();
                view! { <ul class="cards" id="callback-list">{cards}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    let shown = move || done.with(Option::is_some);
    view! {
        <StaffShell>
            <h1>{i18n.tr("callbacks.heading")}</h1>
            <p class="hint">{i18n.tr("callbacks.lead")}</p>
            <div id="callback-status" role="status" tabindex="-1" class:notice=shown class:notice--success=shown>
                {move || done.get()}
            </div>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </StaffShell>
    }
}

fn line_card(
    line: CallbackDue,
    names: LocalResource<Lookups>,
    settings: Settings,
    open: RwSignal<Option<String>>,
    done: RwSignal<Option<String>>,
    list: Due,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = line.tracking_no.clone();
    let lead = line.lead.clone().map(|code| move || names.get().map_or_else(|| code.clone(), |n| n.department(&code)));
    let replied = line
        .replied_at
        .as_deref()
        .and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok())
        .map(|at| view! { <Time at=at.with_timezone(&chrono::Utc)/> });
    let phone = line.contact_phone.clone().map(|p| {
        let label = {
            let (no, p) = (no.clone(), p.clone());
            move || i18n.lang().fill("callbacks.call_named", &[("no", &no), ("phone", &p)])
        };
        view! { <a href=tel_href(&p) class="mono" aria-label=label>{p.clone()}</a> }
    });
    let attempts = line.attempts.to_string();
    let attempts = move || i18n.lang().fill("callbacks.attempts_value", &[("n", &attempts)]);
    let is_open = {
        let no = no.clone();
        move || open.with(|o| o.as_deref() == Some(no.as_str()))
    };
    let choose = {
        let no = no.clone();
        move |_| {
            done.set(None);
            open.set(Some(no.clone()));
            focus_soon("callback-form-heading");
        }
    };
    let label = {
        let no = no.clone();
        move || i18n.lang().fill("callbacks.record_named", &[("no", &no)])
    };
    let category = line.category.clone();
    let (card_id, button_id, attempts_id) =
        (format!("callback-{no}"), format!("record-callback-{no}"), format!("attempts-{no}"));
    let (title, contact) = (line.title.clone(), line.contact_name.clone());
    let form = {
        let is_open = is_open.clone();
        move || {
            if !is_open() {
                return None;
            }
            let line = line.clone();
            Some(match settings.get() {
                None => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Err(error)) => {
                    view! { <LoadError error retry=Callback::new(move |_| settings.refetch())/> }.into_any()
                }
                Some(Ok(s)) => match EvaluationTemplate::for_category(&s.templates, &category).cloned() {
                    Some(template) => view! { <CallbackForm line template open done list/> }.into_any(),
                    None => view! { <p class="notice notice--error">{i18n.tr("callbacks.no_template")}</p> }.into_any(),
                },
            })
        }
    };
    view! {
        <li class="card" id=card_id>
            <h2 class="card__title"><a href=format!("/staff/dispatch/{no}")>{title}</a></h2>
            <p class="queue__meta"><span class="mono">{no}</span> {replied}</p>
            <dl class="facts">
                {lead.map(|l| view! { <div><dt>{i18n.tr("callbacks.lead_department")}</dt><dd>{l}</dd></div> })}
                {contact.map(|c| view! { <div><dt>{i18n.tr("callbacks.contact")}</dt><dd>{c}</dd></div> })}
                <div><dt>{i18n.tr("callbacks.phone")}</dt><dd>{phone}</dd></div>
                <div><dt>{i18n.tr("callbacks.attempts")}</dt><dd id=attempts_id>{attempts}</dd></div>
            </dl>
            <Show when=move || !is_open()>
                <button type="button" id=button_id.clone() class="button button--secondary"
                    aria-label=label.clone() on:click=choose.clone()>
                    {i18n.tr("callbacks.record")}
                </button>
            </Show>
            {form}
        </li>
    }
}
