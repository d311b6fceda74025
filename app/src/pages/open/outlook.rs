//! 未诉先办: the categories the coming weeks have brought markedly more of in past years (summer
//! noise, winter heating), so departments and the public can see them coming.

use crate::api::{call, decode, ApiError};
use crate::app::use_setup;
use crate::components::load_error::LoadError;
use crate::i18n::use_i18n;
use crate::open_api::decimal;
use leptos::prelude::*;
use serde::Deserialize;
use shared::catalogue::CategoryCode;
use shared::forecast::SeasonalIssue;

/// `GET /api/v1/open/seasonal-outlook`.
#[derive(Debug, Clone, Deserialize)]
struct Outlook {
    as_of: String,
    until: String,
    issues: Vec<SeasonalIssue>,
}

async fn load() -> Result<Outlook, ApiError> {
    decode(&call("GET", "/api/v1/open/seasonal-outlook?days=30", &[], None).await?)
}

#[component]
pub fn SeasonalOutlook() -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(load);
    view! {
        <section id="outlook" aria-labelledby="outlook-heading">
            <h2 id="outlook-heading">{i18n.tr("open.outlook.heading")}</h2>
            {move || match data.get() {
                None => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=Callback::new(move |_| data.refetch())/> }.into_any(),
                Some(Ok(outlook)) => issues(outlook).into_any(),
            }}
        </section>
    }
}

fn issues(outlook: Outlook) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let (from, until) = (outlook.as_of.clone(), outlook.until.clone());
    let lead = move || i18n.tf("open.outlook.lead", &[("from", &from), ("until", &until)]);
    if outlook.issues.is_empty() {
        return view! {
            <p>{lead}</p>
            <p id="outlook-none">{i18n.tr("open.outlook.none")}</p>
        }
        .into_any();
    }
    let items = outlook
        .issues
        .into_iter()
        .map(|issue| {
            let code = issue.category.clone();
            let name = move || {
                let catalogue = setup.get().and_then(|s| s.ok()).map(|s| s.catalogue);
                CategoryCode::parse(&code)
                    .and_then(|c| catalogue.and_then(|cat| cat.name(&c).map(str::to_owned)))
                    .unwrap_or_else(|| code.clone())
            };
            let more = decimal((issue.lift - 1.0) * 100.0, 0, false);
            let count = decimal(issue.count, 0, false);
            let held = issue.held.len().to_string();
            let years = issue.years.len().to_string();
            view! {
                <li class="card" id=format!("outlook-{}", issue.category)>
                    <h3>{name}</h3>
                    <p>{move || i18n.tf("open.outlook.more", &[("pct", &more)])}</p>
                    <p class="hint">
                        {move || i18n.tf("open.outlook.held", &[("held", &held), ("years", &years), ("n", &count)])}
                    </p>
                </li>
            }
        })
        .collect_view();
    view! {
        <p>{lead}</p>
        <ul class="cards" id="outlook-list">{items}</ul>
    }
    .into_any()
}
