//! `/open/hot-issues`: similar requests from one place and time, ranked by heat, each with the
//! requests it was made of so anyone can read them and follow their handling.

use super::nav::OpenNav;
use super::outlook::SeasonalOutlook;
use crate::api::ApiError;
use crate::app::{page_title, use_setup, Setup};
use crate::components::load_error::LoadError;
use crate::components::time::Time;
use crate::heat_api::{self, HotIssues, MEMBERS_OPEN};
use crate::i18n::use_i18n;
use crate::open_api;
use crate::pages::ticket::{row, SummaryList, Value};
use leptos::prelude::*;
use shared::assessment::GroupBy;
use shared::catalogue::CategoryCode;
use shared::hot_issues::HotIssue;
use std::collections::BTreeMap;

type Names = BTreeMap<String, String>;

async fn load() -> Result<(HotIssues, Names), ApiError> {
    let (issues, names) = futures::future::join(heat_api::hot_issues(), open_api::names(GroupBy::Street)).await;
    // Without the areas' names the list still stands, under codes.
    Ok((issues?, names.unwrap_or_default()))
}

#[component]
pub fn HotIssuesPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("open.hot.heading").to_owned());
    let data = LocalResource::new(load);
    let setup = use_setup();
    let body = move || match (data.get(), setup.get()) {
        (Some(Err(error)), _) => view! { <LoadError error retry=Callback::new(move |_| data.refetch())/> }.into_any(),
        (_, Some(Err(error))) => view! { <LoadError error retry=Callback::new(move |_| setup.refetch())/> }.into_any(),
        (Some(Ok((issues, names))), Some(Ok(setup))) => published(issues, &names, &setup).into_any(),
        _ => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
    };
    view! {
        <div class="page page--wide">
            <OpenNav/>
            <h1>{i18n.tr("open.hot.heading")}</h1>
            {body}
            <SeasonalOutlook/>
        </div>
    }
}

fn published(issues: HotIssues, names: &Names, setup: &Setup) -> impl IntoView {
    let i18n = use_i18n();
    let days = issues.window_days.to_string();
    let lead = {
        let days = days.clone();
        move || i18n.tf("open.hot.lead", &[("days", &days)])
    };
    let list = if issues.issues.is_empty() {
        view! { <p id="hot-issues-empty">{i18n.tr("open.hot.empty")}</p> }.into_any()
    } else {
        let cards =
            issues.issues.into_iter().enumerate().map(|(i, issue)| card(i + 1, issue, names, setup)).collect_view();
        view! { <ol class="cards hot-issues" id="hot-issues">{cards}</ol> }.into_any()
    };
    view! {
        <p class="lead">{lead}</p>
        <p class="hint">{i18n.tr("open.hot.updated")}" "<Time at=issues.computed_at/></p>
        <p class="hint">{move || i18n.tf("open.hot.heat_hint", &[("days", &days)])}</p>
        {list}
    }
}

/// One issue. A function, not a component: each component costs the bundle wrapper code.
fn card(rank: usize, issue: HotIssue, names: &Names, setup: &Setup) -> impl IntoView {
    let i18n = use_i18n();
    let category = CategoryCode::parse(&issue.category)
        .and_then(|code| setup.catalogue.path(&code))
        .map_or(Value::Key("open.hot.uncategorised".to_owned()), |c| Value::Text(c.path.join(" › ")));
    let area = issue
        .area
        .as_deref()
        .and_then(|a| heat_api::area_name(a, names))
        .map_or(Value::Key("open.hot.unknown_area".to_owned()), Value::Text);
    let offset = setup.config.city.utc_offset_minutes;
    let (from, to) = (heat_api::city_day(&issue.from, offset), heat_api::city_day(&issue.to, offset));
    let period = if from == to { from } else { i18n.lang().fill("open.hot.range", &[("from", &from), ("to", &to)]) };
    let rows = vec![
        row("open.hot.category", category),
        row("open.hot.area", area),
        row("open.hot.period", Value::Text(period)),
        row("open.hot.reports", Value::Text(issue.reports.to_string())),
        row("open.hot.heat", Value::Text(heat_api::heat_text(issue.heat))),
    ];
    let rank_text = rank.to_string();
    let title_id = format!("hot-issue-{rank}");
    view! {
        <li class="card hot-issue">
            <h2 class="card__title hot-issue__title" id=title_id>
                <span class="hot-issue__rank">
                    <span aria-hidden="true">{rank}</span>
                    <span class="visually-hidden">{move || i18n.tf("open.hot.rank", &[("rank", &rank_text)])}</span>
                </span>
                " "
                <a href=format!("/track/{}", issue.representative)>{issue.title}</a>
            </h2>
            <SummaryList rows class="facts"/>
            {members(issue.members)}
        </li>
    }
}

/// The member requests as links; a long list folds so the ranking stays readable on a phone.
fn members(members: Vec<String>) -> impl IntoView {
    let i18n = use_i18n();
    let count = members.len().to_string();
    let many = members.len() > MEMBERS_OPEN;
    let links = members
        .into_iter()
        .map(|no| view! { <li><a href=format!("/track/{no}") class="hot-issue__member">{no.clone()}</a></li> })
        .collect_view();
    let list = view! { <ul class="hot-issue__members">{links}</ul> };
    if many {
        view! {
            <details class="hot-issue__more">
                <summary>{move || i18n.tf("open.hot.members_all", &[("n", &count)])}</summary>
                {list}
            </details>
        }
        .into_any()
    } else {
        view! {
            <p class="hot-issue__label">{i18n.tr("open.hot.members")}</p>
            {list}
        }
        .into_any()
    }
}
