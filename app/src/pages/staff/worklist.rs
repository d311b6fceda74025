//! `/staff/tickets`: a department's own work. Handlers and department heads see the requests
//! their department leads or co-handles (the API keeps them to those), newest first, and on a
//! request: dispute it when their department is the lead (首接负责: within the window only),
//! and report in when a street office has summoned their department (吹哨报到).

use super::dispatch::parts::{focus_soon, load_lookups, Lookups};
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::components::time::Time;
use crate::dispatch_api;
use crate::i18n::{status_key, use_i18n, Lang};
use crate::staff_menu::urgency_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::error::ErrorCode;
use shared::staff_view::{Part, StaffTicketDetail, StaffTicketSummary};
use shared::ticket::{EventKind, TicketEvent};

type Detail = LocalResource<Result<StaffTicketDetail, ApiError>>;

const CONTROLS: &[(&str, &str)] = &[("reason", "dispute-reason")];

#[component]
pub fn WorklistPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("worklist.heading").to_owned());
    let list = LocalResource::new(dispatch_api::worklist);
    let names = LocalResource::new(load_lookups);
    let body = move || {
        list.get().map(|result| match result {
            Ok(tickets) if tickets.is_empty() => view! { <p id="work-list">{i18n.tr("worklist.none")}</p> }.into_any(),
            Ok(mut tickets) => {
                tickets.sort_by_key(|t| std::cmp::Reverse(t.created_at));
                let names = names.get().unwrap_or_default();
                let items = tickets.into_iter().map(|t| work_card(t, &names)).collect_view();
                view! { <ul class="cards" id="work-list">{items}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("worklist.heading")}</h1>
            <p class="hint">{i18n.tr("worklist.lead")}</p>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </StaffShell>
    }
}

fn work_card(t: StaffTicketSummary, names: &Lookups) -> impl IntoView {
    let i18n = use_i18n();
    let no = t.tracking_no.clone();
    let lead = t.lead.as_deref().map(|l| names.department(l)).unwrap_or_default();
    let (status, urgency) = (status_key(t.status), urgency_key(t.urgency));
    view! {
        <li class="card">
            <h2 class="card__title"><a id=format!("work-{no}") href=format!("/staff/tickets/{no}")>{t.title}</a></h2>
            <p class="queue__meta">
                <span class="mono">{no.clone()}</span>
                <Time at=t.created_at/>
            </p>
            <dl class="facts">
                <div><dt>{i18n.tr("worklist.status")}</dt><dd>{i18n.tr_key(status)}</dd></div>
                <div><dt>{i18n.tr("worklist.urgency")}</dt><dd>{i18n.tr_key(urgency)}</dd></div>
                <div><dt>{i18n.tr("worklist.lead_department")}</dt><dd>{lead}</dd></div>
            </dl>
        </li>
    }
}

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

fn event_text(lang: Lang, names: &Lookups, kind: &EventKind) -> String {
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
        EventKind::Note { text } => text.clone(),
        // Everything else by its name, as recorded.
        other => serde_json::to_value(other)
            .ok()
            .and_then(|v| v.get("event").and_then(|e| e.as_str()).map(str::to_owned))
            .unwrap_or_default(),
    }
}

#[component]
pub fn WorkTicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let no = Memo::new(move |_| params.with(|p| p.get("no")).unwrap_or_default());
    let ticket: Detail = LocalResource::new(move || dispatch_api::ticket(no.get()));
    let names = LocalResource::new(load_lookups);
    let staff = use_staff();
    let mine = Signal::derive(move || staff.0.with(|u| u.as_ref().and_then(|u| u.department.clone())));
    // Outside the ticket's view, which is drawn again when the ticket reloads.
    let filed = RwSignal::new(false);
    page_title(move || {
        ticket.get().and_then(Result::ok).map_or_else(|| i18n.t("worklist.heading").to_owned(), |t| t.summary.title)
    });
    let body = move || {
        ticket.get().map(|result| match result {
            Ok(detail) => {
                let names = names.get().unwrap_or_default();
                let mine = mine.get().unwrap_or_default();
                let is_lead = detail.departments.iter().any(|d| d.department == mine && d.part == Part::Lead);
                let summoned = !mine.is_empty() && summoned(&detail.events, &mine);
                let pending = is_lead && dispute_pending(&detail.events, &mine);
                view! {
                    <TicketFacts detail=detail.clone() names=names.clone()/>
                    {summoned.then(|| view! { <ReportIn no=no.get_untracked() ticket/> })}
                    {pending.then(|| view! { <p class="hint" id="dispute-pending">{i18n.tr("worklist.dispute.pending")}</p> })}
                    {(is_lead && !pending).then(|| view! { <DisputeForm no=no.get_untracked() ticket filed/> })}
                    <EventList events=detail.events names/>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| ticket.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <p><a href="/staff/tickets" id="back-to-worklist">{i18n.tr("worklist.back")}</a></p>
            <div id="dispute-status" role="status" tabindex="-1"
                class:notice=move || filed.get() class:notice--success=move || filed.get()>
                {move || filed.get().then(|| i18n.t("worklist.dispute.filed"))}
            </div>
            {move || ticket.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </StaffShell>
    }
}

#[component]
fn TicketFacts(detail: StaffTicketDetail, names: Lookups) -> impl IntoView {
    let i18n = use_i18n();
    let s = detail.summary;
    let departments = detail
        .departments
        .iter()
        .map(|d| {
            let part = match d.part {
                Part::Lead => "worklist.part.lead",
                Part::Co => "worklist.part.co",
            };
            let name = names.department(&d.department);
            view! { <li>{name}" · "{i18n.tr(part)}</li> }
        })
        .collect_view();
    view! {
        <h1 id="ticket-heading">{s.title}</h1>
        <p class="queue__meta"><span class="mono" id="ticket-no">{s.tracking_no}</span><Time at=s.created_at/></p>
        <dl class="facts" id="ticket-facts">
            <div><dt>{i18n.tr("worklist.status")}</dt><dd>{i18n.tr_key(status_key(s.status))}</dd></div>
            <div><dt>{i18n.tr("worklist.urgency")}</dt><dd>{i18n.tr_key(urgency_key(s.urgency))}</dd></div>
            {detail.address.map(|a| view! { <div><dt>{i18n.tr("worklist.address")}</dt><dd>{a}</dd></div> })}
        </dl>
        <p class="description" id="ticket-description">{detail.description}</p>
        <h2>{i18n.tr("worklist.departments")}</h2>
        <ul id="ticket-departments">{departments}</ul>
    }
}

#[component]
fn EventList(events: Vec<TicketEvent>, names: Lookups) -> impl IntoView {
    let i18n = use_i18n();
    let items = events
        .into_iter()
        .map(|e| {
            let names = names.clone();
            let kind = e.kind;
            view! { <li><Time at=e.at/>" "{move || event_text(i18n.lang(), &names, &kind)}</li> }
        })
        .collect_view();
    view! {
        <section aria-labelledby="events-heading">
            <h2 id="events-heading">{i18n.tr("worklist.events")}</h2>
            <ol id="ticket-events" class="timeline">{items}</ol>
        </section>
    }
}

/// The lead believes the request is not its own; the centre decides.
#[component]
fn DisputeForm(no: String, ticket: Detail, filed: RwSignal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let no = StoredValue::new(no);
    let reason = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::file_dispute(no.get_value(), reason.get_untracked()).await {
                Ok(()) => {
                    filed.set(true);
                    reason.set(String::new());
                    focus_soon("dispute-status");
                    ticket.refetch();
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
fn ReportIn(no: String, ticket: Detail) -> impl IntoView {
    let i18n = use_i18n();
    let no = StoredValue::new(no);
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let report = move |_| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::report_in(no.get_value()).await {
                Ok(()) => ticket.refetch(),
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
