//! `/staff/dispatch`: the dispatcher's console (派单台). The queue is every request the
//! classifier and the responsibility list could not send on by themselves, most urgent first,
//! then oldest; each opens its panel (`/staff/dispatch/{no}`) to dispatch, merge duplicates,
//! consult departments or propose it as unreasonable.

mod casework;
mod panel;
pub(super) mod parts;

pub use panel::DispatchTicketPage;

use crate::app::{page_title, use_setup};
use crate::components::field::TextField;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::dom;
use crate::i18n::use_i18n;
use crate::staff_menu::urgency_key;
use crate::{dispatch_api, i18n::Lang};
use leptos::prelude::*;
use parts::{age, load_lookups, proposal_text, suggestion_text, Lookups};
use shared::dispatch::{QueueItem, Urgency};

/// What the last action on a panel did, told by the queue after it returns there.
const FLASH_KEY: &str = "huiyin.dispatch.done";

#[derive(Debug, Clone, PartialEq)]
enum Flash {
    /// (tracking number, lead department's name)
    Dispatched(String, String),
    /// (tracking number, the request it was merged into)
    Merged(String, String),
}

impl Flash {
    fn store(&self) {
        let text = match self {
            Flash::Dispatched(no, lead) => format!("dispatched\n{no}\n{lead}"),
            Flash::Merged(no, master) => format!("merged\n{no}\n{master}"),
        };
        dom::session_set(FLASH_KEY, &text);
    }

    fn take() -> Option<Flash> {
        let text = dom::session_get(FLASH_KEY)?;
        dom::session_remove(FLASH_KEY);
        let mut parts = text.splitn(3, '\n');
        let (kind, no, other) = (parts.next()?, parts.next()?.to_owned(), parts.next()?.to_owned());
        match kind {
            "dispatched" => Some(Flash::Dispatched(no, other)),
            "merged" => Some(Flash::Merged(no, other)),
            _ => None,
        }
    }

    fn text(&self, lang: Lang) -> String {
        match self {
            Flash::Dispatched(no, lead) => lang.fill("dispatch.done", &[("no", no), ("lead", lead)]),
            Flash::Merged(no, master) => lang.fill("dispatch.merged_away", &[("no", no), ("master", master)]),
        }
    }
}

/// Tracking numbers are read out on the phone: match them without spaces or dashes.
fn matches(item: &QueueItem, query: &str) -> bool {
    let query = query.trim();
    if query.is_empty() {
        return true;
    }
    let digits: String = query.chars().filter(char::is_ascii_digit).collect();
    (digits.len() >= 4 && item.tracking_no.replace('-', "").contains(&digits))
        || item.title.contains(query)
        || item.description.contains(query)
        || item.category.path.iter().any(|p| p.contains(query))
}

#[component]
pub fn DispatchQueuePage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("dispatch.heading").to_owned());
    let queue = LocalResource::new(dispatch_api::queue);
    let lookups = LocalResource::new(load_lookups);
    let filter = RwSignal::new(String::new());
    // Told once the queue is drawn, into a live region that already exists, so it is announced.
    let pending = StoredValue::new(Flash::take());
    let flash = RwSignal::new(None::<Flash>);
    Effect::new(move |_| {
        if queue.map(|q| q.is_ok()) == Some(true) {
            if let Some(f) = pending.get_value() {
                pending.set_value(None);
                flash.set(Some(f));
                parts::focus_soon("dispatch-notice");
            }
        }
    });
    let body = move || {
        queue.get().map(|result| match result {
            Ok(items) => view! { <QueueList items filter lookups/> }.into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| queue.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("dispatch.heading")}</h1>
            <div id="dispatch-notice" role="status" tabindex="-1"
                class:notice=move || flash.with(Option::is_some) class:notice--success=move || flash.with(Option::is_some)>
                {move || flash.get().map(|f| f.text(i18n.lang()))}
            </div>
            <p class="hint">{i18n.tr("dispatch.lead")}</p>
            {move || queue.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </StaffShell>
    }
}

#[component]
fn QueueList(items: Vec<QueueItem>, filter: RwSignal<String>, lookups: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let total = items.len();
    let items = StoredValue::new(items);
    let shown = move || items.with_value(|all| all.iter().filter(|i| filter.with(|q| matches(i, q))).count());
    let count = move || {
        let lang = i18n.lang();
        let shown = shown();
        if shown == total {
            lang.fill("dispatch.count", &[("count", &total.to_string())])
        } else {
            lang.fill("dispatch.count_filtered", &[("shown", &shown.to_string()), ("count", &total.to_string())])
        }
    };
    let list = move || {
        let lookups = lookups.get().unwrap_or_default();
        let lang = i18n.lang();
        items.with_value(|all| {
            all.iter()
                .filter(|i| filter.with(|q| matches(i, q)))
                .map(|item| queue_item(lang, setup, &lookups, item))
                .collect_view()
        })
    };
    view! {
        {(total > 0).then(|| view! {
            <TextField id="queue-filter" label=i18n.tr("dispatch.filter") hint=i18n.tr("dispatch.filter.hint")
                value=filter error=Signal::derive(|| None::<String>) autocomplete="off"/>
        })}
        <p id="queue-count" role="status">{move || if total == 0 { i18n.t("dispatch.empty").to_owned() } else { count() }}</p>
        <ol class="queue" id="dispatch-queue">{list}</ol>
    }
}

/// One waiting request: enough to choose which to open, in reading order for a phone.
fn queue_item(lang: Lang, setup: crate::app::SetupResource, lookups: &Lookups, item: &QueueItem) -> impl IntoView {
    let no = item.tracking_no.clone();
    let urgency = item.urgency;
    let suggestion = item.suggestions.first().map(|s| suggestion_text(lang, setup, s));
    let area = item.area.as_deref().map(|a| lookups.area(a));
    view! {
        <li class="queue__item" class:queue__item--urgent=urgency != Urgency::Normal>
            <h2 class="queue__title">
                <a id=format!("open-{no}") href=format!("/staff/dispatch/{no}")>
                    {item.title.clone()}
                    <span class="visually-hidden">{format!(" ({no})")}</span>
                </a>
            </h2>
            <p class="queue__meta">
                <span class=format!("tag tag--{}", urgency.as_str())>{lang.text(&urgency_key(urgency))}</span>
                <span>{age(lang, &item.created_at)}</span>
                <span class="mono">{no.clone()}</span>
            </p>
            <dl class="facts">
                <div><dt>{lang.text("dispatch.field.category")}</dt><dd>{item.category.path.join(" › ")}</dd></div>
                {area.map(|a| view! { <div><dt>{lang.text("dispatch.field.area")}</dt><dd>{a}</dd></div> })}
                <div>
                    <dt>{lang.text("dispatch.field.suggestion")}</dt>
                    <dd>{suggestion.unwrap_or_else(|| lang.text("dispatch.suggestion.none"))}</dd>
                </div>
                <div><dt>{lang.text("dispatch.field.proposal")}</dt><dd>{proposal_text(lang, lookups, &item.proposal)}</dd></div>
            </dl>
        </li>
    }
}
