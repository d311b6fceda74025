//! `/staff/tickets`: the department's inbox (待办). Work still owed comes first, overdue at the
//! top; answered work and every recent request of the department are a tab away, so a request
//! that left the inbox (merged, sent elsewhere) can still be found.

use crate::api::ApiError;
use crate::app::{page_title, use_setup, SetupResource};
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::dispatch_api;
use crate::i18n::{status_key, use_i18n};
use crate::pages::staff::dispatch::parts::{category_path, load_lookups, Lookups};
use crate::staff_menu::urgency_key;
use crate::work_api::{self, overdue_first, InboxState};
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use shared::catalogue::CategoryCode;
use shared::dispatch::Urgency;
use shared::handling::InboxItem;
use shared::staff_view::{Part, StaffTicketSummary};
use shared::status::Status;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Tab {
    Inbox(InboxState),
    /// The department's recent requests in any state, newest first.
    All,
}

const TABS: [(Tab, &str, &str, &str); 3] = [
    (Tab::Inbox(InboxState::Open), "open", "inbox-open", "work.tab.open"),
    (Tab::Inbox(InboxState::Answered), "answered", "inbox-answered", "work.tab.answered"),
    (Tab::All, "all", "inbox-all", "work.tab.all"),
];

#[component]
pub fn WorklistPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("work.heading").to_owned());
    let query = use_query_map();
    let tab = Memo::new(move |_| {
        let state = query.with(|q| q.get("state")).unwrap_or_default();
        TABS.iter().find(|(_, name, ..)| *name == state).map_or(Tab::Inbox(InboxState::Open), |(t, ..)| *t)
    });
    let tabs = move || {
        TABS.iter()
            .map(|&(t, name, id, key)| {
                view! {
                    <a id=id href=format!("/staff/tickets?state={name}") aria-current=move || (tab.get() == t).then_some("page")>
                        {i18n.tr(key)}
                    </a>
                }
            })
            .collect_view()
    };
    let body = move || match tab.get() {
        Tab::Inbox(state) => view! { <InboxList state/> }.into_any(),
        Tab::All => view! { <RecentList/> }.into_any(),
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("work.heading")}</h1>
            <p class="hint">{i18n.tr("work.inbox.lead")}</p>
            <nav class="staff-nav" id="inbox-tabs" aria-label=i18n.tr("work.tab.label")>{tabs}</nav>
            {body}
        </StaffShell>
    }
}

#[component]
fn InboxList(state: InboxState) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let inbox: LocalResource<Result<work_api::Inbox, ApiError>> = LocalResource::new(move || work_api::inbox(state));
    let body = move || {
        inbox.get().map(|result| match result {
            Ok(inbox) if inbox.items.is_empty() => {
                view! { <p id="work-list">{i18n.tr("work.inbox.none")}</p> }.into_any()
            }
            Ok(mut inbox) => {
                overdue_first(&mut inbox.items);
                let items = inbox.items.into_iter().map(|item| inbox_card(setup, item)).collect_view();
                view! { <ul class="cards" id="work-list">{items}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| inbox.refetch())/> }.into_any(),
        })
    };
    view! {
        {move || inbox.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
        {body}
    }
}

/// One request owed: what it is, how urgent, and the deadline that matters now.
fn inbox_card(setup: SetupResource, item: InboxItem) -> impl IntoView {
    let i18n = use_i18n();
    let no = item.tracking_no.clone();
    let awaiting = item.accepted_at.is_none() && matches!(item.status, Status::Dispatched | Status::Reopened);
    // Before signing for it, the response deadline; after, the resolution deadline.
    let (due_key, due) =
        if awaiting { ("work.due.response", item.response_due) } else { ("work.due.resolution", item.resolution_due) };
    let category = CategoryCode::parse(&item.category);
    let category = move || category.as_ref().map(|c| category_path(setup, c)).unwrap_or_default();
    let parts = match item.part {
        Part::Lead => i18n.tf("work.inbox.parts_in", &[("count", &item.parts_in.to_string())]),
        Part::Co if item.parts_in > 0 => i18n.t("work.inbox.part_sent").to_owned(),
        Part::Co => i18n.t("work.inbox.part_owed").to_owned(),
    };
    view! {
        <li class="card">
            <h2 class="card__title"><a id=format!("work-{no}") href=format!("/staff/tickets/{no}")>{item.title}</a></h2>
            <p class="queue__meta">
                {item.overdue.then(|| view! { <span class="tag tag--very_urgent">{i18n.tr("work.overdue")}</span> })}
                {item.listed.then(|| view! { <span class="tag tag--urgent">{i18n.tr("work.listed")}</span> })}
                {(item.urgency != Urgency::Normal).then(|| view! {
                    <span class=format!("tag tag--{}", item.urgency.as_str())>{i18n.tr_key(urgency_key(item.urgency))}</span>
                })}
                <span class="tag tag--normal">{i18n.tr(part_key(item.part))}</span>
                <span class="mono">{no.clone()}</span>
            </p>
            <dl class="facts">
                <div><dt>{i18n.tr("worklist.status")}</dt><dd>{i18n.tr_key(status_key(item.status))}</dd></div>
                <div><dt>{i18n.tr("work.category")}</dt><dd>{category}</dd></div>
                {due.map(|at| view! { <div><dt>{i18n.tr(due_key)}</dt><dd><Time at/></dd></div> })}
                <div><dt>{i18n.tr("work.parts")}</dt><dd>{parts}</dd></div>
                {item.pending_extension.then(|| view! {
                    <div><dt>{i18n.tr("work.extension.heading")}</dt><dd>{i18n.tr("work.extension.pending")}</dd></div>
                })}
            </dl>
        </li>
    }
}

pub fn part_key(part: Part) -> &'static str {
    match part {
        Part::Lead => "worklist.part.lead",
        Part::Co => "worklist.part.co",
    }
}

#[component]
fn RecentList() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(dispatch_api::worklist);
    let names = LocalResource::new(load_lookups);
    let body = move || {
        list.get().map(|result| match result {
            Ok(tickets) if tickets.is_empty() => view! { <p id="work-list">{i18n.tr("worklist.none")}</p> }.into_any(),
            Ok(mut tickets) => {
                tickets.sort_by_key(|t| std::cmp::Reverse(t.created_at));
                let names = names.get().unwrap_or_default();
                let items = tickets.into_iter().map(|t| recent_card(t, &names)).collect_view();
                view! { <ul class="cards" id="work-list">{items}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
        {body}
    }
}

fn recent_card(t: StaffTicketSummary, names: &Lookups) -> impl IntoView {
    let i18n = use_i18n();
    let no = t.tracking_no.clone();
    let lead = t.lead.as_deref().map(|l| names.department(l)).unwrap_or_default();
    view! {
        <li class="card">
            <h2 class="card__title"><a id=format!("work-{no}") href=format!("/staff/tickets/{no}")>{t.title}</a></h2>
            <p class="queue__meta">
                <span class="mono">{no.clone()}</span>
                <Time at=t.created_at/>
            </p>
            <dl class="facts">
                <div><dt>{i18n.tr("worklist.status")}</dt><dd>{i18n.tr_key(status_key(t.status))}</dd></div>
                <div><dt>{i18n.tr("worklist.urgency")}</dt><dd>{i18n.tr_key(urgency_key(t.urgency))}</dd></div>
                <div><dt>{i18n.tr("worklist.lead_department")}</dt><dd>{lead}</dd></div>
            </dl>
        </li>
    }
}
