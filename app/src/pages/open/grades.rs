//! Observers' published grades (两代表一委员、民生观察员评议) of one month: how often they agree
//! with the citizens' own ratings, department by department, and each grade with its comment
//! (personal data already taken out by the server) under the observer's title, never a name.

use crate::api::ApiError;
use crate::components::load_error::LoadError;
use crate::components::time::Time;
use crate::i18n::use_i18n;
use crate::open_api::{self, percent, Grades};
use crate::pages::ticket::{row, SummaryList, Value};
use leptos::prelude::*;
use shared::assessment::GroupBy;
use shared::grading::{Agreement, PublicGrade};
use std::collections::BTreeMap;

type Names = BTreeMap<String, String>;

async fn load(month: String) -> Result<(Grades, Names), ApiError> {
    let (grades, names) = futures::future::join(open_api::grades(&month), open_api::names(GroupBy::Department)).await;
    Ok((grades?, names.unwrap_or_default()))
}

fn department(names: &Names, code: Option<&str>) -> String {
    code.map(|c| names.get(c).cloned().unwrap_or_else(|| c.to_owned())).unwrap_or_else(|| "—".to_owned())
}

pub(super) fn grades(month: Memo<String>) -> impl IntoView {
    let i18n = use_i18n();
    let data = LocalResource::new(move || load(month.get()));
    view! {
        <section id="grades" aria-labelledby="grades-heading">
            <h2 id="grades-heading">{i18n.tr("open.grades.heading")}</h2>
            <p>{i18n.tr("open.grades.lead")}</p>
            {move || match data.get() {
                None => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! { <LoadError error retry=Callback::new(move |_| data.refetch())/> }.into_any(),
                Some(Ok((grades, names))) => published(grades, &names).into_any(),
            }}
        </section>
    }
}

fn published(grades: Grades, names: &Names) -> impl IntoView {
    let i18n = use_i18n();
    if grades.grades.is_empty() {
        return view! { <p id="grades-none">{i18n.tr("open.grades.none")}</p> }.into_any();
    }
    let count = grades.grades.len().to_string();
    let cards = grades.grades.into_iter().map(|g| card(g, names)).collect_view();
    view! {
        <h3 id="agreement-heading">{i18n.tr("open.agreement.heading")}</h3>
        <p class="hint">{i18n.tr("open.agreement.lead")}</p>
        {agreement(grades.agreement, names)}
        <h3>{move || i18n.tf("open.grades.count", &[("n", &count)])}</h3>
        <ul class="cards" id="grades-list">{cards}</ul>
    }
    .into_any()
}

fn agreement(rows: Vec<Agreement>, names: &Names) -> impl IntoView {
    let i18n = use_i18n();
    let rows = rows
        .into_iter()
        .map(|a| {
            view! {
                <tr>
                    <th scope="row">{department(names, Some(&a.department))}</th>
                    <td class="num">{a.pairs}</td>
                    <td class="num">{a.agreeing}</td>
                    <td class="num">
                        {percent(a.rate)}
                        <span class="num-detail">{format!("({}/{})", a.agreeing, a.pairs)}</span>
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" role="region" tabindex="0" aria-labelledby="agreement-caption">
            <table class="table" id="agreement-table">
                <caption id="agreement-caption" class="visually-hidden">{i18n.tr("open.agreement.heading")}</caption>
                <thead>
                    <tr>
                        <th scope="col">{i18n.tr("open.by.department")}</th>
                        <th scope="col">{i18n.tr("open.agreement.pairs")}</th>
                        <th scope="col">{i18n.tr("open.agreement.agreeing")}</th>
                        <th scope="col">{i18n.tr("open.agreement.rate")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// One grade. A function, not a component: each component costs the bundle wrapper code.
fn card(g: PublicGrade, names: &Names) -> impl IntoView {
    let i18n = use_i18n();
    let out_of_five = |n: u8| Value::Text(format!("{n} / 5"));
    let rows = vec![
        row("ticket.tracking_no", Value::Text(g.tracking_no.clone())),
        row("open.grades.department", Value::Text(department(names, g.department.as_deref()))),
        row("field.grade.resolution", out_of_five(g.resolution)),
        row("field.grade.quality", out_of_five(g.quality)),
        row("field.grade.timeliness", out_of_five(g.timeliness)),
        row("open.grades.observer", Value::Key(open_api::observer_kind_key(&g.observer_kind))),
    ];
    let comment = g.comment.map(|c| {
        view! { <p class="description">{move || i18n.tf("open.grades.comment", &[("comment", &c)])}</p> }
    });
    view! {
        <li class="card">
            <h4 class="card__title">
                <a href=format!("/track/{}", g.tracking_no)>{g.title}</a>
            </h4>
            <SummaryList rows class="facts"/>
            {comment}
            <p class="hint"><Time at=g.at/></p>
        </li>
    }
}
