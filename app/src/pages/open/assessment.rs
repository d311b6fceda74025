//! `/open/assessment`: the monthly league table (三率考核) of departments or streets, with the
//! counts behind every rate, the red and black lists, the settings the scores were computed
//! with, the open CSV to recompute them from, and observers' published grades.
//!
//! The month and grouping live in the address (`?month=2026-11&by=street`), so a table can be
//! linked to and Back returns to the previous one.

use super::grades::grades;
use super::nav::OpenNav;
use crate::api::ApiError;
use crate::app::{page_title, use_setup};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::i18n::use_i18n;
use crate::open_api::{self, decimal, fractions, percent, score};
use crate::pages::ticket::{row, SummaryList, Value};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::assessment::{is_month, AssessmentSettings, GroupBy, GroupFigures, LeagueTable, ListMark};
use shared::error::{FieldErrorCode, FieldErrors};
use std::collections::BTreeMap;

const CONTROLS: &[(&str, &str)] = &[("open.month", "assessment-month")];

/// Rates in the order of the table, with their labels.
const RATES: [(&str, &str); 6] = [
    ("response", "open.rate.response"),
    ("resolution", "open.rate.resolution"),
    ("satisfaction", "open.rate.satisfaction"),
    ("on_time", "open.rate.on_time"),
    ("redispatch", "open.rate.redispatch"),
    ("repeat", "open.rate.repeat"),
];

/// Code → public name; a code without one shows as the code.
type Names = BTreeMap<String, String>;

fn name_of(names: &Names, code: &str) -> String {
    names.get(code).cloned().unwrap_or_else(|| code.to_owned())
}

fn weight_of(settings: &AssessmentSettings, rate: &str) -> f64 {
    let w = &settings.weights;
    match rate {
        "response" => w.response,
        "resolution" => w.resolution,
        "satisfaction" => w.satisfaction,
        "on_time" => w.on_time,
        "redispatch" => w.redispatch,
        _ => w.repeat,
    }
}

fn rate_of(g: &GroupFigures, rate: &str) -> Option<f64> {
    let r = &g.rates;
    match rate {
        "response" => r.response,
        "resolution" => r.resolution,
        "satisfaction" => r.satisfaction,
        "on_time" => r.on_time,
        "redispatch" => r.redispatch,
        _ => r.repeat,
    }
}

/// The four rates every city publishes, and re-dispatch and repeats when they count.
fn shown_rates(settings: &AssessmentSettings) -> Vec<(&'static str, &'static str)> {
    let always = |rate: &str| matches!(rate, "response" | "resolution" | "satisfaction" | "on_time");
    RATES.into_iter().filter(|(rate, _)| always(rate) || weight_of(settings, rate) > 0.0).collect()
}

async fn load_league(month: String, by: GroupBy) -> Result<(LeagueTable, Names), ApiError> {
    let (table, names) = futures::future::join(open_api::league(&month, by), open_api::names(by)).await;
    // Without names the table still stands, under codes.
    Ok((table?, names.unwrap_or_default()))
}

#[component]
pub fn AssessmentPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("open.heading").to_owned());
    let query = use_query_map();
    let offset = use_setup().get_untracked().and_then(Result::ok).map_or(480, |s| s.config.city.utc_offset_minutes);
    let this_month = open_api::month_at(js_sys::Date::now(), offset);
    let shown = Memo::new(move |_| {
        query.with(|q| {
            let month = q.get("month").filter(|m| is_month(m)).unwrap_or_else(|| this_month.clone());
            let by = q.get("by").and_then(|b| GroupBy::parse(&b)).unwrap_or(GroupBy::Department);
            (month, by)
        })
    });
    let (month_input, by_input) = untrack(|| {
        let (month, by) = shown.get();
        (RwSignal::new(month), RwSignal::new(by))
    });
    // Back and forward change the address; the form follows.
    Effect::new(move |_| {
        let (month, by) = shown.get();
        month_input.set(month);
        by_input.set(by);
    });
    let month_shown = Memo::new(move |_| shown.with(|(month, _)| month.clone()));
    let league = LocalResource::new(move || {
        let (month, by) = shown.get();
        load_league(month, by)
    });

    let errors = FormErrors::new();
    let navigate = use_navigate();
    let show = move || {
        errors.clear();
        let month = month_input.get_untracked().trim().to_owned();
        if !is_month(&month) {
            let mut fields = FieldErrors::new();
            fields.add("open.month", FieldErrorCode::InvalidFormat, "YYYY-MM");
            return errors.show(crate::rating_api::refused(fields));
        }
        navigate(&open_api::page_path(&month, by_input.get_untracked()), Default::default());
    };

    let by_radios = GroupBy::ALL
        .into_iter()
        .map(|by| {
            let id = format!("assessment-by-{}", by.as_str());
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        name="assessment-by"
                        id=id.clone()
                        value=by.as_str()
                        prop:checked=move || by_input.get() == by
                        on:change=move |_| by_input.set(by)
                    />
                    <label for=id>{i18n.tr(open_api::group_by_key(by))}</label>
                </div>
            }
        })
        .collect_view();

    view! {
        <div class="page page--wide">
            <OpenNav/>
            <h1>{i18n.tr("open.heading")}</h1>
            <p class="lead">{i18n.tr("open.lead")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form
                id="assessment-form"
                class="form filter"
                novalidate
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    show();
                }
            >
                <TextField
                    id="assessment-month"
                    label=i18n.tr("field.open.month")
                    hint=i18n.tr("open.month_hint")
                    value=month_input
                    error=errors.field("open.month")
                    input_type="month"
                />
                <fieldset class="fieldset field">
                    <legend class="label">{i18n.tr("open.by.legend")}</legend>
                    <div class="radios radios--inline">{by_radios}</div>
                </fieldset>
                <button type="submit" id="assessment-show" class="button">{i18n.tr("open.show")}</button>
            </form>
            // One live region for the whole visit, so a new table is announced too.
            <p class="visually-hidden" role="status">
                {move || {
                    league.with(|loaded| match loaded {
                        None => i18n.t("common.loading").to_owned(),
                        Some(Ok((table, _))) => {
                            i18n.tf("open.league.shown", &[("n", &table.groups.len().to_string())])
                        }
                        Some(Err(_)) => String::new(),
                    })
                }}
            </p>
            {move || match league.get() {
                None => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Err(error)) => view! {
                    <LoadError error retry=Callback::new(move |_| league.refetch())/>
                }
                .into_any(),
                Some(Ok((table, names))) => league_view(table, names).into_any(),
            }}
            {grades(month_shown)}
        </div>
    }
}

/// The table, the lists, the rules and the data, for one month and grouping.
fn league_view(table: LeagueTable, names: Names) -> impl IntoView {
    let i18n = use_i18n();
    let (month, by) = (table.month.clone(), table.by);
    let heading = {
        let month = month.clone();
        move || {
            let by = i18n.lang().text(open_api::group_by_key(by));
            i18n.tf("open.league.heading", &[("month", &month), ("by", &by)])
        }
    };
    let body = if table.groups.is_empty() {
        view! { <p id="league-empty">{i18n.tr("open.league.empty")}</p> }.into_any()
    } else {
        league_table(&table, &names).into_any()
    };
    let min = table.settings.min_tickets.to_string();
    view! {
        <section aria-labelledby="league-heading">
            <h2 id="league-heading">{heading}</h2>
            {body}
            <p class="hint">{move || i18n.tf("open.league.unranked", &[("min", &min)])}</p>
        </section>
        {lists(&table, &names)}
        {settings_view(&table.settings)}
        {data_view(&month, by)}
    }
}

fn league_table(table: &LeagueTable, names: &Names) -> impl IntoView {
    let i18n = use_i18n();
    let rates = shown_rates(&table.settings);
    let weight = table.settings.basically_satisfied_weight;
    let headers = rates.iter().map(|(_, label)| view! { <th scope="col">{i18n.tr(label)}</th> }).collect_view();
    let rows = table
        .groups
        .iter()
        .map(|g| {
            let counts = fractions(&g.counts, weight);
            let cells = rates
                .iter()
                .map(|(rate, _)| {
                    let (num, den) =
                        counts.iter().find(|(r, _, _)| r == rate).map(|(_, n, d)| (n.clone(), *d)).unwrap_or_default();
                    let detail =
                        (den > 0).then(|| view! { <span class="num-detail">{format!("({num}/{den})")}</span> });
                    view! { <td class="num">{percent(rate_of(g, rate))}{detail}</td> }
                })
                .collect_view();
            let rank = match g.rank {
                Some(rank) => rank.to_string().into_any(),
                None => view! { <span class="muted">{i18n.tr("open.unranked")}</span> }.into_any(),
            };
            let excluded = (g.counts.tickets > g.counts.assessed).then(|| {
                let total = g.counts.tickets.to_string();
                view! { <span class="num-detail">{move || i18n.tf("open.league.of_total", &[("n", &total)])}</span> }
            });
            let mark = g.list.map(|mark| {
                let class = if mark == ListMark::Red { "tag tag--red" } else { "tag tag--black" };
                view! { <span class=class>{i18n.tr(open_api::list_key(mark))}</span> }
            });
            view! {
                <tr data-group=g.group.clone() id=format!("group-{}", g.group)>
                    <td class="num">{rank}</td>
                    <th scope="row" class="league__name">{name_of(names, &g.group)}</th>
                    <td class="num">{g.counts.assessed}{excluded}</td>
                    {cells}
                    <td class="num league__score">{score(g.score)}</td>
                    <td>{mark}</td>
                </tr>
            }
        })
        .collect_view();
    let by = table.by;
    let month = table.month.clone();
    let caption = move || {
        let by = i18n.lang().text(open_api::group_by_key(by));
        i18n.tf("open.league.caption", &[("month", &month), ("by", &by)])
    };
    view! {
        <p class="hint">{i18n.tr("open.league.counts_hint")}</p>
        // Wide on a phone: it scrolls inside its box, never the page; focusable so a keyboard
        // can scroll it too. The caption would scroll with it, so it is for screen readers; the
        // heading above says the same.
        <div class="table-wrap" role="region" tabindex="0" aria-labelledby="league-caption">
            <table class="table league" id="league-table">
                <caption id="league-caption" class="visually-hidden">{caption}</caption>
                <thead>
                    <tr>
                        <th scope="col">{i18n.tr("open.col.rank")}</th>
                        <th scope="col">{i18n.tr(open_api::group_by_key(by))}</th>
                        <th scope="col">{i18n.tr("open.col.assessed")}</th>
                        {headers}
                        <th scope="col">{i18n.tr("open.col.score")}</th>
                        <th scope="col">{i18n.tr("open.col.list")}</th>
                    </tr>
                </thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

/// 红榜 and 黑榜, best first and worst last as ranked.
fn lists(table: &LeagueTable, names: &Names) -> impl IntoView {
    let i18n = use_i18n();
    let list = |codes: &[String], id: &'static str, none: &'static str| {
        if codes.is_empty() {
            return view! { <p id=id>{i18n.tr(none)}</p> }.into_any();
        }
        let items = codes
            .iter()
            .map(|code| {
                let figure = table.groups.iter().find(|g| &g.group == code).and_then(|g| g.score);
                let (name, points) = (name_of(names, code), score(figure));
                view! { <li>{move || i18n.tf("open.lists.item", &[("name", &name), ("score", &points)])}</li> }
            })
            .collect_view();
        view! { <ol id=id class="link-list">{items}</ol> }.into_any()
    };
    let red_threshold = score(Some(table.settings.red_threshold));
    let black_threshold = score(Some(table.settings.black_threshold));
    view! {
        <section aria-labelledby="lists-heading">
            <h2 id="lists-heading">{i18n.tr("open.lists.heading")}</h2>
            <h3>
                <span class="tag tag--red">{i18n.tr("open.list.red")}</span>
                " "
                {move || i18n.tf("open.lists.red_rule", &[("score", &red_threshold)])}
            </h3>
            {list(&table.red, "red-list", "open.lists.red_none")}
            <h3>
                <span class="tag tag--black">{i18n.tr("open.list.black")}</span>
                " "
                {move || i18n.tf("open.lists.black_rule", &[("score", &black_threshold)])}
            </h3>
            {list(&table.black, "black-list", "open.lists.black_none")}
        </section>
    }
}

/// The weights and thresholds the figures above were computed with.
fn settings_view(settings: &AssessmentSettings) -> impl IntoView {
    let i18n = use_i18n();
    let mut rows: Vec<(&'static str, Value)> = RATES
        .into_iter()
        .map(|(rate, label)| {
            // Weights need not add up to 1: the score is their weighted mean.
            let w = weight_of(settings, rate);
            let shown = decimal(w, 3, false);
            let value = if w > 0.0 {
                Value::Text(shown)
            } else {
                Value::Text(i18n.lang().fill("open.settings.not_scored", &[("weight", &shown)]))
            };
            (label, value)
        })
        .collect();
    rows.push(row("open.settings.basically", Value::Text(decimal(settings.basically_satisfied_weight, 2, false))));
    rows.push(row("open.settings.red", Value::Text(format!("≥ {}", score(Some(settings.red_threshold))))));
    rows.push(row("open.settings.black", Value::Text(format!("< {}", score(Some(settings.black_threshold))))));
    rows.push(row("open.settings.min_tickets", Value::Text(settings.min_tickets.to_string())));
    view! {
        <section aria-labelledby="settings-heading">
            <h2 id="settings-heading">{i18n.tr("open.settings.heading")}</h2>
            <p>{i18n.tr("open.settings.formula")}</p>
            <SummaryList rows class="facts facts--panel"/>
            <p class="hint">{i18n.tr("open.settings.rate_hint")}</p>
        </section>
    }
}

/// The open CSV and settings, and how to recompute the table from them.
fn data_view(month: &str, by: GroupBy) -> impl IntoView {
    let i18n = use_i18n();
    let file = format!("assessment-{month}.csv");
    let mut command = format!("cargo xtask assess --csv {file} --month {month} --settings assessment-settings.json");
    if by == GroupBy::Street {
        command.push_str(" --by street");
    }
    let csv_text = {
        let month = month.to_owned();
        move || i18n.tf("open.data.csv", &[("month", &month)])
    };
    view! {
        <section aria-labelledby="data-heading">
            <h2 id="data-heading">{i18n.tr("open.data.heading")}</h2>
            <p>{i18n.tr("open.data.lead")}</p>
            <ul class="link-list">
                <li>
                    <a id="assessment-csv" href=open_api::csv_path(month) download=file>{csv_text}</a>
                </li>
                <li>
                    <a
                        id="assessment-settings"
                        href="/api/v1/open/assessment/settings"
                        download="assessment-settings.json"
                    >
                        {i18n.tr("open.data.settings")}
                    </a>
                </li>
            </ul>
            <p>{i18n.tr("open.data.recompute")}</p>
            <p class="command"><code id="assessment-command">{command}</code></p>
        </section>
    }
}
