//! `/listed`: the requests under listed supervision (挂牌督办), public and without sign-in,
//! each linking to its tracking page.

use crate::api::{self, ApiError};
use crate::app::{page_title, use_setup};
use crate::components::load_error::LoadError;
use crate::components::timeline::reason_text;
use crate::i18n::{status_key, use_i18n};
use crate::pages::ticket::{row, SummaryList, Value};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::catalogue::CategoryCode;
use shared::handling::ListedCase;

#[component]
pub fn ListedPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("listed.heading").to_owned());
    // A signal and one fetch, not a resource: a resource of a type of its own would bring its
    // own copy of the async machinery into the citizens' bundle.
    let list: RwSignal<Option<Result<Vec<ListedCase>, ApiError>>> = RwSignal::new(None);
    let load = move || spawn_local(async move { list.set(Some(api::listed().await)) });
    load();
    view! {
        <div class="page">
            <h1>{i18n.tr("listed.heading")}</h1>
            <p class="lead">{i18n.tr("listed.lead")}</p>
            {move || match list.get() {
                None => view! { <p class="loading" role="status">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=Callback::new(move |_| {
                    list.set(None);
                    load();
                })/> }.into_any(),
                Some(Ok(items)) if items.is_empty() => {
                    view! { <p id="listed-none">{i18n.tr("listed.none")}</p> }.into_any()
                }
                Some(Ok(items)) => {
                    let items = items.into_iter().map(item).collect_view();
                    view! { <ul id="listed-list" class="cards">{items}</ul> }.into_any()
                }
            }}
        </div>
    }
}

/// One case. A function, not a component: each component costs the bundle wrapper code.
fn item(case: ListedCase) -> impl IntoView {
    let i18n = use_i18n();
    // The category's own name when the catalogue is in, its code otherwise.
    let category = use_setup()
        .get_untracked()
        .and_then(Result::ok)
        .and_then(|s| CategoryCode::parse(&case.category).and_then(|c| s.catalogue.name(&c).map(str::to_owned)))
        .unwrap_or_else(|| case.category.clone());
    let reason = case.reason.clone();
    let mut rows = vec![
        row("ticket.tracking_no", Value::Text(case.tracking_no.clone())),
        row("listed.status", Value::Key(status_key(case.status))),
        row("field.category", Value::Text(category)),
        row("listed.since", Value::Time(case.listed_at)),
    ];
    if let Some(lead) = case.lead_name {
        rows.push(row("listed.lead_name", Value::Text(lead)));
    }
    if let Some(due) = case.resolution_due.filter(|_| case.status.is_open()) {
        rows.push(row("ticket.resolution_due", Value::Time(due)));
    }
    view! {
        <li class="card">
            <h2 class="card__title">
                <a href=format!("/track/{}", case.tracking_no)>{case.title}</a>
            </h2>
            <p class="hint">
                {move || i18n.tf("listed.reason", &[("reason", &reason_text(i18n.lang(), &reason))])}
            </p>
            <SummaryList rows class="facts"/>
        </li>
    }
}
