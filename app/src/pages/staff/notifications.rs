//! `/staff/notifications`: what the system told the signed-in member and their department: new
//! work, supervision steps (催办, 督办, 挂牌, 提级), the daily digest, co-handlers' parts, extension
//! requests and decisions, and citizens coming back after a reply. Newest first.

use super::dispatch::parts::{load_lookups, Lookups};
use super::work::ladder_reason;
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::{use_staff, use_unread, StaffShell};
use crate::components::time::Time;
use crate::i18n::{use_i18n, Lang};
use crate::work_api::{self, notice_key};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::Value;
use shared::handling::{NotificationList, NotificationView};

#[component]
pub fn NotificationsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("work.notices.heading").to_owned());
    let loaded = LocalResource::new(work_api::notifications);
    let names = LocalResource::new(load_lookups);
    // The list as last answered: by the load, or by marking messages read.
    let list = RwSignal::new(None::<Result<NotificationList, ApiError>>);
    let staff = use_staff();
    let unread = use_unread();
    Effect::new(move |_| {
        if let Some(result) = loaded.get() {
            list.set(Some(result));
        }
    });
    // The badge follows what this page shows.
    Effect::new(move |_| {
        let count = list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.unread));
        if let (Some(count), Some(user)) = (count, staff.0.with(|u| u.as_ref().map(|u| u.id.clone()))) {
            unread.set(&user, count);
        }
    });
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let mark_all = move |_| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            match work_api::mark_read(None).await {
                Ok(now) => list.set(Some(Ok(now))),
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let count = move || {
        let n = list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).map(|l| l.unread))?;
        Some(if n == 0 {
            i18n.t("work.notices.all_read").to_owned()
        } else {
            i18n.tf("work.notices.unread", &[("count", &n.to_string())])
        })
    };
    let has_unread = move || list.with(|l| l.as_ref().and_then(|r| r.as_ref().ok()).is_some_and(|l| l.unread > 0));
    let body = move || {
        list.get().map(|result| match result {
            Ok(l) if l.items.is_empty() => {
                view! { <p id="notification-list">{i18n.tr("work.notices.none")}</p> }.into_any()
            }
            Ok(l) => {
                let names = names.get().unwrap_or_default();
                let items = l.items.into_iter().map(|n| notice_card(n, names.clone())).collect_view();
                view! { <ol class="cards" id="notification-list">{items}</ol> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| loaded.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("work.notices.heading")}</h1>
            <p id="unread-status" role="status">{count}</p>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            <Show when=has_unread>
                <div class="button-row">
                    <button type="button" id="mark-all-read" class="button button--secondary" disabled=move || busy.get()
                        on:click=mark_all>
                        {i18n.tr("work.notices.mark_all")}
                    </button>
                </div>
            </Show>
            {move || list.with(Option::is_none).then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </StaffShell>
    }
}

fn notice_card(n: NotificationView, names: Lookups) -> impl IntoView {
    let i18n = use_i18n();
    let link = n.tracking_no.map(|no| {
        view! { <a id=format!("notice-{}", n.id) href=format!("/staff/tickets/{no}") class="mono">{no.clone()}</a> }
    });
    let (event, data) = (n.event, n.data);
    let title = notice_key(&event);
    let digest = (event == "daily_digest").then(|| digest_lists(&data));
    let detail = move || notice_detail(i18n.lang(), &names, &event, &data);
    view! {
        <li class="card">
            <p class="card__title">
                {i18n.tr_key(title)}
                {(!n.read).then(|| view! { " "<span class="tag tag--urgent">{i18n.tr("work.notices.new")}</span> })}
            </p>
            <p class="queue__meta">{link}<Time at=n.at/></p>
            <p>{detail}</p>
            {digest}
        </li>
    }
}

fn text(data: &Value, key: &str) -> String {
    data.get(key).and_then(Value::as_str).unwrap_or_default().to_owned()
}

fn number(data: &Value, key: &str) -> String {
    data.get(key).and_then(Value::as_u64).unwrap_or_default().to_string()
}

/// What the message says beyond its kind, from the event's data.
fn notice_detail(lang: Lang, names: &Lookups, event: &str, data: &Value) -> String {
    match event {
        "dispatched" if text(data, "part") == "co" => lang.text("work.notices.dispatched_co"),
        "dispatched" => {
            let due = text(data, "response_due").parse::<DateTime<Utc>>().ok();
            let due = due.map(|d| crate::dom::format_datetime(&d, lang)).unwrap_or_default();
            lang.fill("work.notices.dispatched_lead", &[("due", &due)])
        }
        "ladder_urge" | "ladder_supervise" | "ladder_list" | "ladder_escalate" => {
            lang.fill("work.notices.reason", &[("reason", &ladder_reason(lang, &text(data, "reason")))])
        }
        "part_submitted" => {
            lang.fill("work.event.part_submitted", &[("department", &names.department(&text(data, "from")))])
        }
        "extension_requested" => lang.fill(
            "work.notices.extension_requested",
            &[("department", &names.department(&text(data, "department"))), ("n", &number(data, "days"))],
        ),
        "extension_decided" if data.get("approved").and_then(Value::as_bool) == Some(true) => {
            lang.fill("work.event.extension_approved", &[("n", &number(data, "days"))])
        }
        "extension_decided" => {
            let note = text(data, "note");
            lang.fill("work.notices.extension_refused", &[("note", &note)])
        }
        "reopened" => lang.fill("work.notices.reopened", &[("n", &number(data, "reopen_count"))]),
        "info_added" => lang.text("work.notices.info_added"),
        "daily_digest" => lang.fill("work.notices.digest", &[("n", &number(data, "open"))]),
        _ => String::new(),
    }
}

/// The digest's three lists, each request a link.
fn digest_lists(data: &Value) -> impl IntoView {
    let i18n = use_i18n();
    [
        ("overdue", "work.notices.digest.overdue"),
        ("due_today", "work.notices.digest.due_today"),
        ("awaiting_acceptance", "work.notices.digest.awaiting"),
    ]
    .into_iter()
    .filter_map(|(field, key)| {
        let numbers: Vec<String> = data
            .get(field)
            .and_then(Value::as_array)
            .map(|a| a.iter().filter_map(Value::as_str).map(str::to_owned).collect())
            .unwrap_or_default();
        (!numbers.is_empty()).then(|| {
            let links = numbers
                .into_iter()
                .map(|no| view! { <li><a href=format!("/staff/tickets/{no}") class="mono">{no.clone()}</a></li> })
                .collect_view();
            view! { <p>{i18n.tr_key(key.to_owned())}</p><ul class="link-list">{links}</ul> }
        })
    })
    .collect_view()
}
