//! The department's steps on a request besides the reply: sign for it, note progress, send a
//! co-handler's part, ask for more time; and what the parts and extensions are so far.

use super::ticket::{renamed, Work};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::time::Time;
use crate::i18n::use_i18n;
use crate::pages::staff::dispatch::parts::refused;
use crate::work_api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::FieldErrorCode;
use shared::handling::{ExtensionView, PartView};
use shared::staff_view::Part;

/// 签收: the lead takes the request on; the response clock stops.
#[component]
pub fn Accept(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.accept;
    let busy = RwSignal::new(false);
    let accept = move |_| {
        let Some(version) = work.version() else { return };
        if busy.get_untracked() {
            return;
        }
        work.start();
        busy.set(true);
        spawn_local(async move {
            match work_api::accept(work.no.get_untracked(), version).await {
                Ok(moved) => work.succeeded("work.accept.done", Some(moved.version)),
                Err(e) => work.failed(errors, e),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="accept-heading" id="accept" class="panel-section">
            <h2 id="accept-heading">{i18n.tr("work.accept.heading")}</h2>
            <p class="hint">{i18n.tr("work.accept.lead")}</p>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            <button type="button" id="accept-button" class="button" disabled=move || busy.get() on:click=accept>
                {i18n.tr_either(busy, "work.accept.sending", "work.accept.button")}
            </button>
        </section>
    }
}

const NOTE_CONTROLS: &[(&str, &str)] = &[("note_text", "note-text"), ("note_public", "note-public")];
const NOTE_FIELDS: &[(&str, &str)] = &[("text", "note_text"), ("public", "note_public")];

/// 办理进展: internal by default; the lead may address the citizen with it.
#[component]
pub fn ProgressNote(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.note;
    let text = RwSignal::new(String::new());
    let public = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let may_public = move || work.standing.get().may_write_public();
    let attached = use_context::<crate::components::staff_photos::AttachedPhotos>();
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let Some(version) = work.version() else { return };
        if busy.get_untracked() {
            return;
        }
        work.start();
        busy.set(true);
        let public = public.get_untracked() && work.standing.get_untracked().may_write_public();
        spawn_local(async move {
            let photos = attached.map(|a| a.ids()).unwrap_or_default();
            match work_api::note(work.no.get_untracked(), version, text.get_untracked(), public, photos).await {
                Ok(moved) => {
                    text.set(String::new());
                    if let Some(a) = attached {
                        a.clear();
                    }
                    let key = if public { "work.note.done_public" } else { "work.note.done" };
                    work.succeeded(key, Some(moved.version));
                }
                Err(e) => work.failed(errors, renamed(e, NOTE_FIELDS)),
            }
            busy.set(false);
        });
    };
    let public_error = errors.field("note_public");
    view! {
        <section aria-labelledby="note-heading" id="progress" class="panel-section">
            <h2 id="note-heading">{i18n.tr("work.note.heading")}</h2>
            <p class="hint">
                {move || i18n.t(if may_public() { "work.note.lead_lead" } else { "work.note.lead_co" })}
            </p>
            <ErrorSummary items=errors.summary(NOTE_CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="note-text" label=i18n.tr("field.note_text") hint=i18n.tr("work.note.hint")
                    value=text error=errors.field("note_text") multiline=true/>
                <Show when=may_public>
                    <div class="field" class:field--error=move || public_error.with(Option::is_some)>
                        <div class="checkbox">
                            <input type="checkbox" id="note-public" aria-describedby="note-public-hint"
                                prop:checked=move || public.get()
                                on:change=move |ev| public.set(event_target_checked(&ev))/>
                            <label for="note-public">{i18n.tr("field.note_public")}</label>
                        </div>
                        <p id="note-public-hint" class="hint">{i18n.tr("work.note.public_hint")}</p>
                    </div>
                </Show>
                <button type="submit" id="note-button" class="button button--secondary" disabled=move || busy.get()>
                    {i18n.tr("work.note.button")}
                </button>
            </form>
        </section>
    }
}

const PART_CONTROLS: &[(&str, &str)] = &[("part_text", "part-text")];

/// 协办意见: what the co-handler found or did, for the lead to answer the citizen with.
#[component]
pub fn PartForm(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.part;
    let text = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        work.start();
        busy.set(true);
        spawn_local(async move {
            match work_api::submit_part(work.no.get_untracked(), text.get_untracked()).await {
                Ok(()) => {
                    text.set(String::new());
                    work.succeeded("work.part.done", None);
                }
                Err(e) => work.failed(errors, renamed(e, &[("text", "part_text")])),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="part-heading" id="part" class="panel-section">
            <h2 id="part-heading">{i18n.tr("work.part.heading")}</h2>
            <p class="hint">{i18n.tr("work.part.lead")}</p>
            <ErrorSummary items=errors.summary(PART_CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="part-text" label=i18n.tr("field.part_text") hint=i18n.tr("work.part.hint")
                    value=text error=errors.field("part_text") multiline=true/>
                <button type="submit" id="part-button" class="button" disabled=move || busy.get()>
                    {i18n.tr_either(busy, "work.part.sending", "work.part.button")}
                </button>
            </form>
        </section>
    }
}

/// The co-handlers' parts (and whose is still owed) and the reply, as the lead composes its own.
#[component]
pub fn Parts(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        let detail = work.ticket.get().and_then(Result::ok)?;
        let names = work.lookups.get().unwrap_or_default();
        let co: Vec<String> =
            detail.departments.iter().filter(|d| d.part == Part::Co).map(|d| d.department.clone()).collect();
        let replies: Vec<&PartView> = detail.parts.iter().filter(|p| p.part != "co").collect();
        if co.is_empty() && replies.is_empty() {
            return None;
        }
        let items = co
            .iter()
            .map(|code| {
                let name = names.department(code);
                let theirs: Vec<PartView> =
                    detail.parts.iter().filter(|p| p.part == "co" && &p.department == code).cloned().collect();
                let body = if theirs.is_empty() {
                    view! { <p class="hint">{i18n.tr("work.parts.owed")}</p> }.into_any()
                } else {
                    theirs.into_iter().map(part_text).collect_view().into_any()
                };
                view! { <li class="card"><p class="card__title">{name}</p>{body}</li> }
            })
            .collect_view();
        let sent = replies.into_iter().cloned().map(|p| {
            view! { <li class="card"><p class="card__title">{i18n.tr("work.parts.reply")}</p>{part_text(p)}</li> }
        });
        let sent = sent.collect_view();
        Some(view! {
            <section aria-labelledby="parts-heading" class="panel-section">
                <h2 id="parts-heading">{i18n.tr("work.parts.heading")}</h2>
                <ul class="cards" id="ticket-parts">{items}{sent}</ul>
            </section>
        })
    };
    view! { {body} }
}

fn part_text(p: PartView) -> impl IntoView {
    let i18n = use_i18n();
    let overridden = p.override_reason.map(|r| {
        view! { <p class="hint">{move || i18n.tf("work.parts.overridden", &[("reason", &r)])}</p> }
    });
    view! {
        <p class="description">{p.text}</p>
        <p class="hint"><Time at=p.at/>" · "{p.author}</p>
        {overridden}
    }
}

const EXTENSION_CONTROLS: &[(&str, &str)] =
    &[("extension_days", "extension-days"), ("extension_reason", "extension-reason")];
const EXTENSION_FIELDS: &[(&str, &str)] = &[("days", "extension_days"), ("reason", "extension_reason")];

/// 延期申请: more working days, for a supervisor to decide; and the decisions so far.
#[component]
pub fn Extensions(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.extension;
    let days = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        work.start();
        let typed = days.get_untracked();
        let parsed = typed.trim().parse::<i64>().ok();
        if parsed.is_none() && !typed.trim().is_empty() {
            errors.show(refused("extension_days", FieldErrorCode::InvalidFormat));
            return;
        }
        busy.set(true);
        spawn_local(async move {
            match work_api::request_extension(work.no.get_untracked(), parsed, reason.get_untracked()).await {
                Ok(()) => {
                    days.set(String::new());
                    reason.set(String::new());
                    work.succeeded("work.extension.done", None);
                }
                Err(e) => work.failed(errors, renamed(e, EXTENSION_FIELDS)),
            }
            busy.set(false);
        });
    };
    let list = move || {
        let extensions = work.ticket.get().and_then(Result::ok).map(|d| d.extensions).unwrap_or_default();
        (!extensions.is_empty()).then(|| {
            let items = extensions.into_iter().map(extension_card).collect_view();
            view! { <ul class="cards" id="extension-list">{items}</ul> }
        })
    };
    let open = move || work.standing.get().may_extend();
    view! {
        <section aria-labelledby="extension-heading" id="extension" class="panel-section">
            <h2 id="extension-heading">{i18n.tr("work.extension.heading")}</h2>
            {list}
            <Show when=open fallback=move || view! { <p class="hint">{i18n.tr("work.extension.closed")}</p> }>
                <p class="hint">{i18n.tr("work.extension.lead")}</p>
                <ErrorSummary items=errors.summary(EXTENSION_CONTROLS) attempt=errors.attempt/>
                <form class="form" novalidate on:submit=on_submit>
                    <TextField id="extension-days" label=i18n.tr("field.extension_days") hint=i18n.tr("work.extension.days_hint")
                        value=days error=errors.field("extension_days") input_type="number" inputmode="numeric"/>
                    <TextField id="extension-reason" label=i18n.tr("field.extension_reason")
                        hint=i18n.tr("work.extension.reason_hint") value=reason error=errors.field("extension_reason")
                        multiline=true/>
                    <button type="submit" id="extension-button" class="button button--secondary" disabled=move || busy.get()>
                        {i18n.tr("work.extension.button")}
                    </button>
                </form>
            </Show>
        </section>
    }
}

fn extension_card(e: ExtensionView) -> impl IntoView {
    let i18n = use_i18n();
    let state_key = match e.state.as_str() {
        "approved" => "work.extension.approved",
        "refused" => "work.extension.refused",
        _ => "work.extension.pending",
    };
    let n = e.days.to_string();
    view! {
        <li class="card">
            <p class="card__title">{move || i18n.tf("work.days", &[("n", &n)])}" · "{i18n.tr(state_key)}</p>
            <p class="description">{e.reason}</p>
            <p class="hint"><Time at=e.requested_at/>" · "{e.requested_by}</p>
            {e.decision_note.map(|note| view! { <p>{note}</p> })}
            {e.resolution_due.map(|at| view! {
                <p>{i18n.tr("work.due.resolution")}": "<Time at/></p>
            })}
        </li>
    }
}
