//! `/staff/alerts`: spike alerts for supervisors — a category of requests in a district rising
//! well above its usual level, over a day or a week. The hourly job raises each alert once; this
//! page lists the last 30 days' so a supervisor who was away can still see them.

use super::dispatch::parts::{load_lookups, Lookups};
use crate::app::{page_title, use_setup, SetupResource};
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::heat_api::alerts::{newest_first, one_decimal, p_value_text, window_key, AlertRow};
use crate::heat_api::spike_alerts;
use crate::i18n::{use_i18n, Lang};
use leptos::prelude::*;
use shared::catalogue::CategoryCode;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("staff.alerts.heading").to_owned());
    let list = LocalResource::new(spike_alerts);
    let names: LocalResource<Lookups> = LocalResource::new(load_lookups);
    let setup = use_setup();
    let body = move || {
        list.get().map(|result| match result {
            Ok(alerts) if alerts.is_empty() => {
                view! { <p id="alerts-table">{i18n.tr("staff.alerts.none")}</p> }.into_any()
            }
            Ok(mut alerts) => {
                newest_first(&mut alerts);
                alert_table(alerts, &names.get().unwrap_or_default(), setup, i18n.lang()).into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.alerts.heading")}</h1>
            <p class="hint">{i18n.tr("staff.alerts.lead")}</p>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
            <p class="hint">{i18n.tr("staff.alerts.hint")}</p>
        </StaffShell>
    }
}

fn family_name(setup: SetupResource, family: &str) -> String {
    CategoryCode::parse(family)
        .and_then(|code| setup.get().and_then(Result::ok).and_then(|s| s.catalogue.name(&code).map(str::to_owned)))
        .unwrap_or_else(|| family.to_owned())
}

fn alert_table(alerts: Vec<AlertRow>, names: &Lookups, setup: SetupResource, lang: Lang) -> impl IntoView {
    let i18n = use_i18n();
    let rows = alerts.into_iter().map(|a| alert_row(a, names, setup, lang)).collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack alerts" id="alerts-table">
                <caption class="visually-hidden">{i18n.tr("staff.alerts.caption")}</caption>
                <thead><tr>
                    <th scope="col">{i18n.tr("staff.alerts.day")}</th>
                    <th scope="col">{i18n.tr("staff.alerts.category")}</th>
                    <th scope="col">{i18n.tr("staff.alerts.area")}</th>
                    <th scope="col">{i18n.tr("staff.alerts.window")}</th>
                    <th scope="col" class="num">{i18n.tr("staff.alerts.observed")}</th>
                    <th scope="col" class="num">{i18n.tr("staff.alerts.expected")}</th>
                    <th scope="col" class="num">{i18n.tr("staff.alerts.ratio")}</th>
                    <th scope="col" class="num">{i18n.tr("staff.alerts.p_value")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn alert_row(a: AlertRow, names: &Lookups, setup: SetupResource, lang: Lang) -> impl IntoView {
    let (family, district) = a.parts();
    let category = family_name(setup, family);
    let area = if district.is_empty() { lang.text("staff.alerts.unknown_area") } else { names.area(district) };
    // Stacked on a phone, each cell says what it is.
    let label = |key: &str| lang.text(key);
    view! {
        <tr data-key=a.key.clone()>
            <td data-label=label("staff.alerts.day")>{a.day.clone()}</td>
            <td data-label=label("staff.alerts.category")>{category}</td>
            <td data-label=label("staff.alerts.area")>{area}</td>
            <td data-label=label("staff.alerts.window")>{lang.text(window_key(&a.window))}</td>
            <td data-label=label("staff.alerts.observed") class="num">{a.observed}</td>
            <td data-label=label("staff.alerts.expected") class="num">{one_decimal(a.expected)}</td>
            <td data-label=label("staff.alerts.ratio") class="num">{one_decimal(a.ratio)}</td>
            <td data-label=label("staff.alerts.p_value") class="num">{p_value_text(a.p_value)}</td>
        </tr>
    }
}
