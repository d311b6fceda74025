//! The request itself, its deadlines, and its history in words.

use super::inbox::part_key;
use crate::components::time::Time;
use crate::i18n::{status_key, use_i18n, Lang};
use crate::pages::staff::dispatch::parts::{Lookups, LookupsResource};
use crate::staff_menu::urgency_key;
use crate::work_api::LADDER_REASONS;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use shared::staff_view::StaffTicketDetail;
use shared::ticket::{EventKind, TicketEvent};

/// A ladder reason in words; a reason this build does not know, as recorded.
pub fn ladder_reason(lang: Lang, reason: &str) -> String {
    if LADDER_REASONS.contains(&reason) {
        lang.text(&crate::work_api::ladder_reason_key(reason))
    } else {
        reason.to_owned()
    }
}

#[component]
pub fn TicketFacts(detail: StaffTicketDetail, lookups: LookupsResource) -> impl IntoView {
    let i18n = use_i18n();
    let s = detail.summary;
    let h = detail.handling;
    let departments = detail
        .departments
        .into_iter()
        .map(|d| {
            let code = d.department;
            let name = move || lookups.get().unwrap_or_default().department(&code);
            view! { <li>{name}" · "{i18n.tr(part_key(d.part))}</li> }
        })
        .collect_view();
    let fact = |key: &'static str, at: Option<DateTime<Utc>>| {
        at.map(|at| view! { <div><dt>{i18n.tr(key)}</dt><dd><Time at/></dd></div> })
    };
    let extended = (h.extension_days > 0).then(|| {
        let n = h.extension_days.to_string();
        view! { <div><dt>{i18n.tr("work.extended")}</dt><dd>{move || i18n.tf("work.days", &[("n", &n)])}</dd></div> }
    });
    let reopened = (h.reopen_count > 0).then(|| {
        view! { <div><dt>{i18n.tr("work.reopen_count")}</dt><dd>{h.reopen_count}</dd></div> }
    });
    view! {
        <h1 id="ticket-heading">{s.title}</h1>
        <p class="queue__meta"><span class="mono" id="ticket-no">{s.tracking_no}</span><Time at=s.created_at/></p>
        {h.listed_at.map(|_| view! {
            <p class="warning-text" id="ticket-listed">
                {i18n.tr("work.listed")}{h.listed_reason.map(|r| view! { ": "{move || ladder_reason(i18n.lang(), &r)} })}
            </p>
        })}
        <dl class="facts" id="ticket-facts">
            <div><dt>{i18n.tr("worklist.status")}</dt><dd>{i18n.tr_key(status_key(s.status))}</dd></div>
            <div><dt>{i18n.tr("worklist.urgency")}</dt><dd>{i18n.tr_key(urgency_key(s.urgency))}</dd></div>
            {detail.address.map(|a| view! { <div><dt>{i18n.tr("worklist.address")}</dt><dd>{a}</dd></div> })}
            {fact("work.due.response", h.response_due)}
            {fact("work.accepted_at", h.accepted_at)}
            {fact("work.due.resolution", h.resolution_due)}
            {extended}
            {fact("work.replied_at", h.replied_at)}
            {reopened}
        </dl>
        <p class="description" id="ticket-description">{detail.description}</p>
        <h2>{i18n.tr("worklist.departments")}</h2>
        <ul id="ticket-departments">{departments}</ul>
    }
}

#[component]
pub fn EventList(events: Vec<TicketEvent>, lookups: LookupsResource) -> impl IntoView {
    let i18n = use_i18n();
    let items = events
        .into_iter()
        .map(|e| {
            let kind = e.kind;
            // Notes are the one kind written both ways; say which way each went.
            let audience = matches!(kind, EventKind::Note { .. }).then(|| {
                let key = if e.public { "work.note.public_tag" } else { "work.note.internal_tag" };
                view! { <span class="tag tag--normal">{i18n.tr(key)}</span>" " }
            });
            let text = move || event_text(i18n.lang(), &lookups.get().unwrap_or_default(), &kind);
            view! { <li><Time at=e.at/>" "{audience}{text}</li> }
        })
        .collect_view();
    view! {
        <section aria-labelledby="events-heading">
            <h2 id="events-heading">{i18n.tr("worklist.events")}</h2>
            <ol id="ticket-events" class="timeline">{items}</ol>
        </section>
    }
}

fn event_text(lang: Lang, names: &Lookups, kind: &EventKind) -> String {
    let reason = |r: &str| ladder_reason(lang, r);
    match kind {
        EventKind::StatusChanged { from, to } => lang.fill(
            "worklist.event.status",
            &[("from", &lang.text(&status_key(*from))), ("to", &lang.text(&status_key(*to)))],
        ),
        EventKind::Dispatched { lead, .. } => {
            lang.fill("worklist.event.dispatched", &[("lead", &names.department(lead))])
        }
        EventKind::Disputed { department, reason } => {
            lang.fill("worklist.event.disputed", &[("department", &names.department(department)), ("reason", reason)])
        }
        EventKind::DisputeDecided { upheld: true } => lang.text("worklist.event.upheld"),
        EventKind::DisputeDecided { upheld: false } => lang.text("worklist.event.rejected"),
        EventKind::Whistled { departments, due_at } => lang.fill(
            "worklist.event.whistled",
            &[
                ("departments", &names.departments_named(departments, lang)),
                ("due", &crate::dom::format_datetime(due_at, lang)),
            ],
        ),
        EventKind::ReportedIn { department } => {
            lang.fill("worklist.event.reported_in", &[("department", &names.department(department))])
        }
        EventKind::Submitted { .. } => lang.text("worklist.event.submitted"),
        EventKind::Note { text, .. } => text.clone(),
        EventKind::ExtensionRequested { days, reason } => {
            lang.fill("work.event.extension_requested", &[("n", &days.to_string()), ("reason", reason)])
        }
        EventKind::ExtensionDecided { approved: true, days, .. } => {
            lang.fill("work.event.extension_approved", &[("n", &days.to_string())])
        }
        EventKind::ExtensionDecided { approved: false, .. } => lang.text("work.event.extension_refused"),
        EventKind::PartSubmitted { department } => {
            lang.fill("work.event.part_submitted", &[("department", &names.department(department))])
        }
        EventKind::Replied { text, department_name, .. } => {
            lang.fill("work.event.replied", &[("department", department_name), ("text", text)])
        }
        EventKind::Reopened { reason } => lang.fill("work.event.reopened", &[("reason", reason)]),
        EventKind::InfoAdded { text } => lang.fill("work.event.info_added", &[("text", text)]),
        EventKind::Urged { reason: r } => lang.fill("work.event.urged", &[("reason", &reason(r))]),
        EventKind::Supervised { reason: r, .. } => lang.fill("work.event.supervised", &[("reason", &reason(r))]),
        EventKind::Listed { reason: r } => lang.fill("work.event.listed", &[("reason", &reason(r))]),
        EventKind::Escalated { reason: r, to } => {
            lang.fill("work.event.escalated", &[("reason", &reason(r)), ("to", to)])
        }
        EventKind::PhoneReminder { department, outcome } => lang
            .fill("work.event.phone_reminder", &[("department", &names.department(department)), ("outcome", outcome)]),
        // Everything else by its name, as recorded.
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_owned))
            .unwrap_or_default(),
    }
}
