//! `/open/dashboard`: the public overview of requests: how many, how fast, the trend and the
//! categories, for a period, a category family, a district and a channel.
//!
//! The filters live in the address (`?from=2026-11-01&channel=web&by=week`), so a view can be
//! linked to and Back returns to the previous one; the granularity only redraws, the data holds
//! all three.

use super::chart::{share_chart, trend_chart};
use super::nav::OpenNav;
use crate::api::ApiError;
use crate::app::{page_title, use_setup};
use crate::chart::duration;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::dashboard_api::{self as data, Dashboard, Filters, Granularity, Median};
use crate::i18n::{channel_key, use_i18n};
use crate::open_api::percent;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use leptos_router::NavigateOptions;
use shared::catalogue::CategoryCode;
use shared::request::Channel;

const CONTROLS: &[(&str, &str)] = &[
    ("dashboard.from", "dash-from"),
    ("dashboard.to", "dash-to"),
    ("dashboard.category", "dash-category"),
    ("dashboard.area", "dash-area"),
    ("dashboard.channel", "dash-channel"),
];

/// The form's values, one signal each.
#[derive(Clone, Copy)]
struct Inputs([RwSignal<String>; 5]);

impl Inputs {
    fn new() -> Self {
        Inputs(std::array::from_fn(|_| RwSignal::new(String::new())))
    }

    fn set(&self, f: &Filters) {
        for (signal, value) in self.0.iter().zip([&f.from, &f.to, &f.category, &f.area, &f.channel]) {
            signal.set(value.clone());
        }
    }

    fn get_untracked(&self) -> Filters {
        let [from, to, category, area, channel] = self.0.map(|s| s.get_untracked().trim().to_owned());
        Filters { from, to, category, area, channel }
    }
}

fn has_fields(error: &ApiError) -> bool {
    matches!(error, ApiError::Api { body, .. } if !body.fields.is_empty())
}

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("open.dashboard.heading").to_owned());
    let query = use_query_map();
    let filters = Memo::new(move |_| query.with(|q| Filters::from_query(|name| q.get(name))));
    let by_asked = Memo::new(move |_| query.with(|q| q.get("by").and_then(|b| Granularity::parse(&b))));
    let inputs = Inputs::new();
    // The address is the truth: Back and forward, and links, fill the form.
    Effect::new(move |_| inputs.set(&filters.get()));
    let dashboard = LocalResource::new(move || data::dashboard(filters.get()));
    let districts = LocalResource::new(data::district_names);
    let errors = FormErrors::new();
    Effect::new(move |_| {
        dashboard.with(|loaded| match loaded {
            Some(Ok(d)) => {
                errors.clear();
                // The server's defaults made explicit, so the dates shown are the dates counted.
                inputs.set(&Filters::answered(d));
            }
            Some(Err(e)) if has_fields(e) => errors.show(data::prefixed(e.clone())),
            _ => {}
        })
    });

    let navigate = use_navigate();
    let show = move || {
        errors.clear();
        let asked = inputs.get_untracked();
        let problems = data::check(&asked);
        if !problems.is_empty() {
            return errors.show(crate::rating_api::refused(problems));
        }
        if asked == filters.get_untracked() {
            dashboard.refetch();
        } else {
            navigate(&data::page_path(&asked, by_asked.get_untracked()), Default::default());
        }
    };

    view! {
        <div class="page page--wide dash">
            <OpenNav/>
            <h1>{i18n.tr("open.dashboard.heading")}</h1>
            <p class="lead">{i18n.tr("open.dashboard.lead")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form
                id="dash-form"
                class="form dash-filters"
                novalidate
                aria-labelledby="dash-filters-heading"
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    show();
                }
            >
                <h2 id="dash-filters-heading" class="visually-hidden">{i18n.tr("open.dashboard.filters")}</h2>
                <p id="dash-dates-hint" class="hint dash-filters__wide">{i18n.tr("open.dashboard.dates_hint")}</p>
                <TextField
                    id="dash-from"
                    label=i18n.tr("field.dashboard.from")
                    value=inputs.0[0]
                    error=errors.field("dashboard.from")
                    input_type="date"
                    extra_described_by="dash-dates-hint"
                />
                <TextField
                    id="dash-to"
                    label=i18n.tr("field.dashboard.to")
                    value=inputs.0[1]
                    error=errors.field("dashboard.to")
                    input_type="date"
                    extra_described_by="dash-dates-hint"
                />
                <SelectField
                    id="dash-category"
                    label=i18n.tr("field.dashboard.category")
                    options=category_options()
                    value=inputs.0[2]
                    error=errors.field("dashboard.category")
                />
                <SelectField
                    id="dash-area"
                    label=i18n.tr("field.dashboard.area")
                    options=area_options(districts)
                    value=inputs.0[3]
                    error=errors.field("dashboard.area")
                />
                <SelectField
                    id="dash-channel"
                    label=i18n.tr("field.dashboard.channel")
                    options=channel_options()
                    value=inputs.0[4]
                    error=errors.field("dashboard.channel")
                />
                <button type="submit" id="dash-show" class="button dash-filters__wide">{i18n.tr("open.show")}</button>
            </form>
            // One live region for the whole visit, so new figures are announced too.
            <p class="visually-hidden" role="status">
                {move || {
                    dashboard.with(|loaded| match loaded {
                        None => i18n.t("common.loading").to_owned(),
                        Some(Ok(d)) => i18n.tf("open.dashboard.shown", &[("from", &d.from), ("to", &d.to)]),
                        Some(Err(_)) => String::new(),
                    })
                }}
            </p>
            {move || match dashboard.get() {
                None => view! { <p class="loading">{i18n.tr("common.loading")}</p> }.into_any(),
                // Named in the summary above, next to the field to correct.
                Some(Err(error)) if has_fields(&error) => ().into_any(),
                Some(Err(error)) => view! {
                    <LoadError error retry=Callback::new(move |_| dashboard.refetch())/>
                }
                .into_any(),
                Some(Ok(d)) => figures(d, filters, by_asked).into_any(),
            }}
            // After the figures, not before them: otherwise their arrival pushes it down the screen.
            <Show when=move || dashboard.with(Option::is_some)>{move || links(filters)}</Show>
        </div>
    }
}

/// The first-level categories of the catalogue, by code.
fn category_options() -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    let setup = use_setup();
    Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("open.dashboard.all_categories"))];
        if let Some(Ok(s)) = setup.get() {
            options.extend(s.catalogue.tree().into_iter().map(|n| (n.code.as_str().to_owned(), n.name)));
        }
        options
    })
}

fn area_options(districts: LocalResource<Result<Vec<(String, String)>, ApiError>>) -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("open.dashboard.all_areas"))];
        // Without the list the filter still works for a linked view: "all" is the choice left.
        if let Some(Ok(list)) = districts.get() {
            options.extend(list);
        }
        options
    })
}

fn channel_options() -> Signal<Vec<(String, String)>> {
    let i18n = use_i18n();
    Signal::derive(move || {
        let lang = i18n.lang();
        let mut options = vec![(String::new(), lang.text("open.dashboard.all_channels"))];
        options.extend(Channel::ALL.into_iter().map(|c| (c.as_str().to_owned(), lang.text(&channel_key(c)))));
        options
    })
}

/// One figure of a `<dl>` grid, with the counts behind it underneath.
fn stat(id: &'static str, label: &'static str, value: String, detail: Option<String>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="dash-stat">
            <dt>{i18n.tr(label)}</dt>
            <dd id=id>
                <span class="dash-stat__value">{value}</span>
                {detail.map(|d| view! { <span class="num-detail">{d}</span> })}
            </dd>
        </div>
    }
}

/// "3.5 小时" and "based on 12", or "—" when there is no median (or no server field yet).
fn median(id: &'static str, label: &'static str, m: Option<Median>) -> impl IntoView {
    let i18n = use_i18n();
    let m = m.and_then(|m| duration(m.median_hours).map(|d| (d, m.n.to_string())));
    let value = {
        let m = m.clone();
        move || m.as_ref().map_or_else(|| "—".to_owned(), |((key, n), _)| i18n.tf(key, &[("n", n)]))
    };
    let detail = m.map(|(_, n)| move || i18n.tf("open.dashboard.median_n", &[("n", &n)]));
    view! {
        <div class="dash-stat">
            <dt>{i18n.tr(label)}</dt>
            <dd id=id>
                <span class="dash-stat__value">{value}</span>
                {detail.map(|d| view! { <span class="num-detail">{d}</span> })}
            </dd>
        </div>
    }
}

fn counts([on_time, total]: [u64; 2]) -> Option<String> {
    let i18n = use_i18n();
    (total > 0)
        .then(|| i18n.tf("open.dashboard.counts", &[("on_time", &on_time.to_string()), ("total", &total.to_string())]))
}

/// Everything the answer says, for one set of filters.
fn figures(d: Dashboard, filters: Memo<Filters>, by_asked: Memo<Option<Granularity>>) -> impl IntoView {
    let i18n = use_i18n();
    let period = {
        let (from, to) = (d.from.clone(), d.to.clone());
        move || i18n.tf("open.dashboard.period", &[("from", &from), ("to", &to)])
    };
    let t = &d.totals;
    let o = &d.on_time;
    let by = {
        let fallback = data::default_granularity(&d);
        Memo::new(move |_| by_asked.get().unwrap_or(fallback))
    };
    let trend = {
        let d = d.clone();
        move || trend_chart(data::series(&d, by.get()), by.get())
    };
    let categories: Vec<(String, u64)> = d.categories.iter().map(|c| (c.category.clone(), c.created)).collect();
    let setup = use_setup();
    let shares = move || {
        // Names from the catalogue once it is in; codes until then.
        let setup = setup.get().and_then(Result::ok);
        let named = categories
            .iter()
            .map(|(code, n)| {
                let name = setup
                    .as_ref()
                    .and_then(|s| CategoryCode::parse(code).and_then(|c| s.catalogue.name(&c).map(str::to_owned)));
                (name.unwrap_or_else(|| code.clone()), *n)
            })
            .collect();
        share_chart(named)
    };
    view! {
        <section aria-labelledby="dash-totals-heading">
            <h2 id="dash-totals-heading">
                {i18n.tr("open.dashboard.totals")}
                <span class="dash-period" id="dash-period">{period}</span>
            </h2>
            <dl class="dash-stats">
                {stat("dash-created", "open.dashboard.created", t.created.to_string(), None)}
                {stat("dash-accepted", "open.dashboard.accepted", t.accepted.to_string(), None)}
                {stat("dash-replied", "open.dashboard.replied", t.replied.to_string(), None)}
                {stat("dash-closed", "open.dashboard.closed", t.closed.to_string(), None)}
            </dl>
        </section>
        <section aria-labelledby="dash-timeliness-heading">
            <h2 id="dash-timeliness-heading">{i18n.tr("open.dashboard.timeliness")}</h2>
            <dl class="dash-stats">
                {stat("dash-response", "open.dashboard.response_rate", percent(o.response), counts(o.response_counts))}
                {stat(
                    "dash-resolution",
                    "open.dashboard.resolution_rate",
                    percent(o.resolution),
                    counts(o.resolution_counts),
                )}
                {median("dash-respond-median", "open.dashboard.respond_median", d.durations.respond.clone())}
                {median("dash-close-median", "open.dashboard.close_median", d.durations.close.clone())}
            </dl>
            <p class="hint">{i18n.tr("open.dashboard.timeliness_hint")}</p>
        </section>
        <section aria-labelledby="dash-trend-heading">
            <h2 id="dash-trend-heading">{i18n.tr("open.dashboard.trend")}</h2>
            {granularity_switch(filters, by)}
            {trend}
        </section>
        <section aria-labelledby="dash-shares-heading">
            <h2 id="dash-shares-heading">{i18n.tr("open.dashboard.shares")}</h2>
            {shares}
        </section>
    }
}

/// Day, week or month: a redraw, remembered in the address without a new history entry.
fn granularity_switch(filters: Memo<Filters>, by: Memo<Granularity>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let radios = Granularity::ALL
        .into_iter()
        .map(|g| {
            let id = format!("dash-by-{}", g.as_str());
            let navigate = navigate.clone();
            let choose = move |_| {
                let path = data::page_path(&filters.get_untracked(), Some(g));
                navigate(&path, NavigateOptions { replace: true, scroll: false, ..Default::default() });
            };
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        name="dash-by"
                        id=id.clone()
                        value=g.as_str()
                        prop:checked=move || by.get() == g
                        on:change=choose
                    />
                    <label for=id>{i18n.tr(g.label_key())}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="fieldset dash-by">
            <legend class="visually-hidden">{i18n.tr("open.dashboard.by.legend")}</legend>
            <div class="radios radios--inline">{radios}</div>
        </fieldset>
    }
}

/// Where the figures go further, and the figures themselves as a file.
fn links(filters: Memo<Filters>) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <section aria-labelledby="dash-more-heading">
            <h2 id="dash-more-heading">{i18n.tr("open.dashboard.more")}</h2>
            <ul class="link-list">
                <li><a id="dash-listed" href="/listed">{i18n.tr("open.dashboard.listed")}</a></li>
                <li><a id="dash-assessment" href="/open/assessment">{i18n.tr("open.dashboard.assessment")}</a></li>
                <li>
                    <a id="dash-csv" href=move || data::csv_path(&filters.get()) download="dashboard.csv">
                        {i18n.tr("open.dashboard.csv")}
                    </a>
                </li>
            </ul>
        </section>
    }
}
