//! Whose request it is: the lead disputes it (首接负责: within the window only, the centre
//! decides), and a department a street office summoned reports in (吹哨报到).

use super::ticket::Work;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::dispatch_api;
use crate::i18n::use_i18n;
use crate::pages::staff::dispatch::parts::focus_soon;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::ticket::{EventKind, TicketEvent};

const CONTROLS: &[(&str, &str)] = &[("reason", "dispute-reason")];

/// Whether `department` was summoned by a whistle and has not reported in since.
pub fn summoned(events: &[TicketEvent], department: &str) -> bool {
    let mut open = false;
    for e in events {
        match &e.kind {
            EventKind::Whistled { departments, .. } if departments.iter().any(|d| d == department) => open = true,
            EventKind::ReportedIn { department: d } if d == department => open = false,
            _ => {}
        }
    }
    open
}

/// Whether `department` has a dispute waiting for the centre's decision.
pub fn dispute_pending(events: &[TicketEvent], department: &str) -> bool {
    let mut open = false;
    for e in events {
        match &e.kind {
            EventKind::Disputed { department: d, .. } if d == department => open = true,
            EventKind::DisputeDecided { .. } => open = false,
            _ => {}
        }
    }
    open
}

/// The lead believes the request is not its own; the centre decides.
#[component]
pub fn DisputeForm(work: Work, filed: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.dispute;
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        work.start();
        filed.set(false);
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::file_dispute(work.no.get_untracked(), reason.get_untracked()).await {
                Ok(()) => {
                    filed.set(true);
                    reason.set(String::new());
                    focus_soon("dispute-status");
                    work.ticket.refetch();
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => errors.show_key("worklist.dispute.refused"),
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="dispute-heading" id="dispute" class="panel-section">
            <h2 id="dispute-heading">{i18n.tr("worklist.dispute.heading")}</h2>
            <p class="hint">{i18n.tr("worklist.dispute.lead")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="dispute-reason" label=i18n.tr("field.reason") hint=i18n.tr("worklist.dispute.hint")
                    value=reason error=errors.field("reason") multiline=true/>
                <button type="submit" id="file-dispute" class="button button--warning" disabled=move || busy.get()>
                    {i18n.tr("worklist.dispute.submit")}
                </button>
            </form>
        </section>
    }
}

/// Summoned by a street office: say the department has arrived.
#[component]
pub fn ReportIn(work: Work) -> impl IntoView {
    let i18n = use_i18n();
    let errors = work.forms.report;
    let busy = RwSignal::new(false);
    let report = move |_| {
        if busy.get_untracked() {
            return;
        }
        work.start();
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::report_in(work.no.get_untracked()).await {
                Ok(()) => work.succeeded("work.reported", None),
                Err(e) if e.code() == Some(ErrorCode::Conflict) => errors.show_key("worklist.report.refused"),
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="report-heading" id="report" class="panel-section">
            <h2 id="report-heading">{i18n.tr("worklist.report.heading")}</h2>
            <p class="hint">{i18n.tr("worklist.report.lead")}</p>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            <button type="button" id="report-in" class="button" disabled=move || busy.get() on:click=report>
                {i18n.tr("worklist.report.submit")}
            </button>
        </section>
    }
}
