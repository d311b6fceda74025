//! 延期审批: a department that needs more time asks for more working days; a supervisor approves
//! (the reply deadline moves by that many working days) or refuses with a note the department
//! reads, since it has to plan around the refusal. One decision at a time, as for disputes.

use super::super::dispatch::parts::{focus_soon, Lookups};
use crate::api::ApiError;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_form::nonblank;
use crate::components::time::Time;
use crate::dom;
use crate::i18n::use_i18n;
use crate::supervise_api;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::handling::ExtensionView;

type Pending = LocalResource<Result<Vec<ExtensionView>, ApiError>>;

/// The note shows under its own name: the API's `note` has a message for another form (an
/// unreasonable-request proposal's "other reason"), which would read wrongly here.
const NOTE: &str = "decision_note";
const CONTROLS: &[(&str, &str)] = &[(NOTE, "extension-note")];

/// A decision made, for the status line.
#[derive(Debug, Clone)]
struct Outcome {
    no: String,
    approved: bool,
    days: u32,
    due: Option<DateTime<Utc>>,
}

#[component]
pub(super) fn Extensions(names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let list: Pending = LocalResource::new(supervise_api::extensions);
    let chosen = RwSignal::new(None::<ExtensionView>);
    let decided = RwSignal::new(None::<Outcome>);
    let choose = move |e: ExtensionView| {
        decided.set(None);
        chosen.set(Some(e));
        focus_soon("extension-decision-heading");
    };
    let body = move || {
        list.get().map(|result| match result {
            Ok(items) if items.is_empty() => {
                view! { <p id="extension-list">{i18n.tr("extensions.none")}</p> }.into_any()
            }
            Ok(items) => {
                let names = names.get().unwrap_or_default();
                let cards = items.into_iter().map(|e| extension_card(e, &names, choose)).collect_view();
                view! { <ul class="cards" id="extension-list">{cards}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    let status = move || {
        decided.get().map(|o| {
            let lang = i18n.lang();
            let days = o.days.to_string();
            match (o.approved, o.due) {
                (true, Some(due)) => lang.fill(
                    "extensions.approved_until",
                    &[("no", &o.no), ("days", &days), ("due", &dom::format_datetime(&due, lang))],
                ),
                (true, None) => lang.fill("extensions.approved", &[("no", &o.no), ("days", &days)]),
                (false, _) => lang.fill("extensions.refused", &[("no", &o.no)]),
            }
        })
    };
    let shown = move || decided.with(Option::is_some);
    view! {
        <section aria-labelledby="extensions-heading">
            <h2 id="extensions-heading">{i18n.tr("extensions.heading")}</h2>
            <p class="hint">{i18n.tr("extensions.lead")}</p>
            <div id="extension-status" role="status" tabindex="-1" class:notice=shown class:notice--success=shown>
                {status}
            </div>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
            {move || chosen.get().map(|extension| view! { <Decision extension names chosen decided list/> })}
        </section>
    }
}

fn extension_card(
    e: ExtensionView,
    names: &Lookups,
    choose: impl Fn(ExtensionView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = e.tracking_no.clone();
    let department = names.department(&e.department);
    let label = {
        let no = no.clone();
        move || i18n.lang().fill("extensions.decide_named", &[("no", &no)])
    };
    let days = e.days.to_string();
    let due = e.resolution_due.map(|at| view! { <Time at/> });
    let chosen = e.clone();
    view! {
        <li class="card">
            <h3 class="card__title"><a href=format!("/staff/dispatch/{no}")>{e.title}</a></h3>
            <p class="queue__meta"><span class="mono">{no.clone()}</span> <Time at=e.requested_at/></p>
            <dl class="facts">
                <div><dt>{i18n.tr("extensions.department")}</dt><dd>{department}</dd></div>
                <div>
                    <dt>{i18n.tr("extensions.days")}</dt>
                    <dd>{move || i18n.lang().fill("extensions.days_value", &[("days", &days)])}</dd>
                </div>
                <div><dt>{i18n.tr("extensions.reason")}</dt><dd class="description">{e.reason}</dd></div>
                <div><dt>{i18n.tr("extensions.requested_by")}</dt><dd>{e.requested_by}</dd></div>
                {due.map(|due| view! { <div><dt>{i18n.tr("extensions.current_due")}</dt><dd>{due}</dd></div> })}
            </dl>
            <button type="button" id=format!("decide-extension-{}", e.id) class="button button--secondary"
                aria-label=label on:click=move |_| choose(chosen.clone())>
                {i18n.tr("extensions.decide")}
            </button>
        </li>
    }
}

/// `note` → `decision_note`, see [`NOTE`].
fn renamed(error: ApiError) -> ApiError {
    match error {
        ApiError::Api { status, mut body } => {
            if let Some(e) = body.fields.0.remove("note") {
                body.fields.0.insert(NOTE.to_owned(), e);
            }
            ApiError::Api { status, body }
        }
        other => other,
    }
}

/// Approve (the note is optional) or refuse (the note says why).
#[component]
fn Decision(
    extension: ExtensionView,
    names: LocalResource<Lookups>,
    chosen: RwSignal<Option<ExtensionView>>,
    decided: RwSignal<Option<Outcome>>,
    list: Pending,
) -> impl IntoView {
    let i18n = use_i18n();
    let note = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let (id, days) = (extension.id, extension.days);
    let no = StoredValue::new(extension.tracking_no.clone());
    let decide = move |approve: bool| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        let note = nonblank(note);
        spawn_local(async move {
            match supervise_api::decide_extension(id, approve, note).await {
                Ok(done) => {
                    decided.set(Some(Outcome {
                        no: no.get_value(),
                        approved: approve,
                        days,
                        due: done.resolution_due,
                    }));
                    list.refetch();
                    chosen.set(None);
                    focus_soon("extension-status");
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    errors.show_key("extensions.conflict");
                    list.refetch();
                }
                Err(e) => errors.show(renamed(e)),
            }
            busy.set(false);
        });
    };
    let heading = {
        let (no, title) = (extension.tracking_no.clone(), extension.title.clone());
        move || i18n.lang().fill("extensions.decision_on", &[("no", &no), ("title", &title)])
    };
    let lead = {
        let (department, days) = (extension.department.clone(), days.to_string());
        move || {
            let name = names.get().unwrap_or_default().department(&department);
            i18n.lang().fill("extensions.decision_lead", &[("department", &name), ("days", &days)])
        }
    };
    view! {
        <div id="extension-decision" class="panel-section">
            <h3 id="extension-decision-heading" tabindex="-1">{heading}</h3>
            <p class="hint">{lead}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <TextField id="extension-note" label=i18n.tr("field.decision_note") hint=i18n.tr("extensions.note_hint")
                value=note error=errors.field(NOTE) multiline=true/>
            <div class="button-row">
                <button type="button" id="approve-extension" class="button" disabled=move || busy.get()
                    on:click=move |_| decide(true)>
                    {i18n.tr("extensions.approve")}
                </button>
                <button type="button" id="refuse-extension" class="button button--warning" disabled=move || busy.get()
                    on:click=move |_| decide(false)>
                    {i18n.tr("extensions.refuse")}
                </button>
                <button type="button" id="cancel-extension" class="button button--secondary"
                    on:click=move |_| chosen.set(None)>
                    {i18n.tr("extensions.cancel")}
                </button>
            </div>
        </div>
    }
}
