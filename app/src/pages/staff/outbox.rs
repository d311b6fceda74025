//! `/staff/outbox`: the notices Huiyin posts to departments' own systems (webhooks). A message
//! still refused after every retry is a dead letter; an admin fixes the cause, usually the
//! department's address or secret (set below), and sends it again.

use super::dispatch::parts::{focus_soon, load_lookups, refused, Lookups};
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::i18n::{use_i18n, Lang};
use crate::supervise_api::{self, dead_first, outbox_state_key, OUTBOX_STATES};
use crate::work_api::notice_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::{ErrorCode, FieldErrorCode};
use shared::handling::OutboxView;

type Messages = LocalResource<Result<Vec<OutboxView>, ApiError>>;

#[component]
pub fn OutboxPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("outbox.heading").to_owned());
    let names: LocalResource<Lookups> = LocalResource::new(load_lookups);
    // `""`: every state, dead letters first.
    let state = RwSignal::new(String::new());
    let list: Messages = LocalResource::new(move || supervise_api::outbox(state.get()));
    let retried = RwSignal::new(None::<String>);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let retry = move |message: OutboxView| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        retried.set(None);
        busy.set(true);
        spawn_local(async move {
            match supervise_api::retry(message.id).await {
                Ok(()) => {
                    retried.set(Some(message.department));
                    list.refetch();
                    focus_soon("outbox-status");
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    errors.show_key("outbox.conflict");
                    list.refetch();
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let states = Signal::derive(move || {
        let lang = i18n.lang();
        std::iter::once((String::new(), lang.text("outbox.state.all")))
            .chain(OUTBOX_STATES.iter().map(|s| ((*s).to_owned(), lang.text(&outbox_state_key(s)))))
            .collect::<Vec<_>>()
    });
    let body = move || {
        list.get().map(|result| match result {
            Ok(items) if items.is_empty() => view! { <p id="outbox-table">{i18n.tr("outbox.none")}</p> }.into_any(),
            Ok(mut items) => {
                dead_first(&mut items);
                message_table(items, &names.get().unwrap_or_default(), busy, retry).into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    let shown = move || retried.with(Option::is_some);
    view! {
        <StaffShell>
            <h1>{i18n.tr("outbox.heading")}</h1>
            <p class="hint">{i18n.tr("outbox.lead")}</p>
            <section aria-labelledby="messages-heading">
                <h2 id="messages-heading">{i18n.tr("outbox.messages")}</h2>
                <SelectField id="outbox-state" label=i18n.tr("outbox.state") options=states value=state
                    error=Signal::derive(|| None::<String>)/>
                <div id="outbox-status" role="status" tabindex="-1" class:notice=shown class:notice--success=shown>
                    {move || retried.get().map(|d| {
                        let name = names.get().unwrap_or_default().department(&d);
                        i18n.lang().fill("outbox.retried", &[("department", &name)])
                    })}
                </div>
                <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
                {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
                {body}
            </section>
            <WebhookForm names/>
        </StaffShell>
    }
}

fn message_table(
    items: Vec<OutboxView>,
    names: &Lookups,
    busy: RwSignal<bool>,
    retry: impl Fn(OutboxView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let rows = items.into_iter().map(|m| message_row(m, names, lang, busy, retry)).collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="outbox-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("outbox.created_at")}</th>
                    <th scope="col">{i18n.tr("outbox.event")}</th>
                    <th scope="col">{i18n.tr("outbox.department")}</th>
                    <th scope="col">{i18n.tr("outbox.state")}</th>
                    <th scope="col">{i18n.tr("outbox.attempts")}</th>
                    <th scope="col">{i18n.tr("outbox.last_error")}</th>
                    <th scope="col"><span class="visually-hidden">{i18n.tr("outbox.actions")}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn message_row(
    m: OutboxView,
    names: &Lookups,
    lang: Lang,
    busy: RwSignal<bool>,
    retry: impl Fn(OutboxView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let dead = m.state == "dead";
    let department = names.department(&m.department);
    // A pending message shows when it is tried next; the others, that it is not.
    let next = (m.state == "pending")
        .then(|| view! { <br/><span class="hint">{lang.text("outbox.next_at")}" "<Time at=m.next_at/></span> });
    let action = dead.then(|| {
        let label = lang.fill("outbox.retry_named", &[("department", &department)]);
        let message = m.clone();
        view! {
            <button type="button" id=format!("retry-{}", m.id) class="button button--secondary button--small"
                aria-label=label disabled=move || busy.get() on:click=move |_| retry(message.clone())>
                {lang.text("outbox.retry")}
            </button>
        }
    });
    view! {
        <tr>
            <td data-label=lang.text("outbox.created_at")><Time at=m.created_at/></td>
            <td data-label=lang.text("outbox.event")>{lang.text(&notice_key(&m.event))}</td>
            <td data-label=lang.text("outbox.department")><div>{department.clone()}<br/><code>{m.url}</code></div></td>
            // Cells of more than one part are one block: the stacked phone layout is a grid.
            <td data-label=lang.text("outbox.state")>
                <div>
                    <span class="tag" class:tag--very_urgent=dead>{lang.text(&outbox_state_key(&m.state))}</span>
                    {next}
                </div>
            </td>
            <td data-label=lang.text("outbox.attempts")>{m.attempts}</td>
            <td data-label=lang.text("outbox.last_error")>{m.last_error.unwrap_or_default()}</td>
            <td data-label=lang.text("outbox.actions")>{action}</td>
        </tr>
    }
}

const WEBHOOK_CONTROLS: &[(&str, &str)] = &[
    ("webhook_department", "webhook-department"),
    ("webhook_url", "webhook-url"),
    ("webhook_secret", "webhook-secret"),
];

/// Where a department's system receives its notices and the secret they are signed with (the
/// receiver checks `X-Huiyin-Signature` with it). Both blank turns the department's webhook off.
#[component]
fn WebhookForm(names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let department = RwSignal::new(String::new());
    let url = RwSignal::new(String::new());
    let secret = RwSignal::new(String::new());
    let errors = FormErrors::new();
    // (department, switched on)
    let saved = RwSignal::new(None::<(String, bool)>);
    let busy = RwSignal::new(false);
    let departments = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.choose"))];
        options.extend(names.get().unwrap_or_default().active(""));
        options
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(None);
        let code = department.get_untracked();
        if code.is_empty() {
            return errors.show(refused("webhook_department", FieldErrorCode::Required));
        }
        let (u, s) = (url.get_untracked(), secret.get_untracked());
        let on = !(u.trim().is_empty() && s.trim().is_empty());
        busy.set(true);
        spawn_local(async move {
            match supervise_api::set_webhook(code.clone(), u, s).await {
                Ok(()) => {
                    // The secret is not kept on the page any longer than needed.
                    secret.set(String::new());
                    saved.set(Some((code, on)));
                    focus_soon("webhook-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let status = move || {
        saved.get().map(|(code, on)| {
            let name = names.get().unwrap_or_default().department(&code);
            let key = if on { "outbox.webhook.saved" } else { "outbox.webhook.off" };
            i18n.lang().fill(key, &[("department", &name)])
        })
    };
    let shown = move || saved.with(Option::is_some);
    view! {
        <section aria-labelledby="webhook-heading">
            <h2 id="webhook-heading">{i18n.tr("outbox.webhook.heading")}</h2>
            <p class="hint">{i18n.tr("outbox.webhook.lead")}</p>
            <div id="webhook-status" role="status" tabindex="-1" class:notice=shown class:notice--success=shown>{status}</div>
            <ErrorSummary items=errors.summary(WEBHOOK_CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <SelectField id="webhook-department" label=i18n.tr("field.webhook_department") options=departments
                    value=department error=errors.field("webhook_department")/>
                <TextField id="webhook-url" label=i18n.tr("field.webhook_url") hint=i18n.tr("outbox.webhook.url_hint")
                    value=url error=errors.field("webhook_url") input_type="url" autocomplete="off"/>
                <TextField id="webhook-secret" label=i18n.tr("field.webhook_secret")
                    hint=i18n.tr("outbox.webhook.secret_hint") value=secret error=errors.field("webhook_secret")
                    input_type="password" autocomplete="new-password"/>
                <button type="submit" id="save-webhook" class="button" disabled=move || busy.get()>
                    {i18n.tr("outbox.webhook.save")}
                </button>
            </form>
        </section>
    }
}
