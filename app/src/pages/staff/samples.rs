//! `/staff/samples`: a deputy's or observer's (两代表一委员、民生观察员) weekly samples of closed
//! requests, newest week first, each with the seed that reproduces the draw. Every request is
//! a card with what was asked, what was answered and when, and a form to grade it (评议).

use super::dispatch::parts::{load_lookups, Lookups};
use super::grade_form::GradeCard;
use crate::app::page_title;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::eval_api;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::grading::SampleView;

#[component]
pub fn SamplesPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("samples.heading").to_owned());
    let list = LocalResource::new(eval_api::samples);
    let names: LocalResource<Lookups> = LocalResource::new(load_lookups);
    // The card whose form was sent last: only its messages show, so one summary is on the page.
    let active = RwSignal::new(None::<String>);
    let body = move || {
        list.get().map(|result| match result {
            Ok(samples) if samples.is_empty() => view! { <p id="sample-list">{i18n.tr("samples.none")}</p> }.into_any(),
            Ok(samples) => {
                let sections = samples.into_iter().map(|s| sample_section(s, names, active)).collect_view();
                view! { <div id="sample-list">{sections}</div> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("samples.heading")}</h1>
            <p class="hint">{i18n.tr("samples.lead")}</p>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </StaffShell>
    }
}

fn sample_section(
    sample: SampleView,
    names: LocalResource<Lookups>,
    active: RwSignal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let heading_id = format!("sample-{}-heading", sample.id);
    let week = sample.week.clone();
    let heading = move || i18n.lang().fill("samples.week", &[("week", &week)]);
    let size = {
        let (size, drawn) = (sample.size.to_string(), sample.items.len().to_string());
        move || i18n.lang().fill("samples.size_value", &[("size", &size), ("drawn", &drawn)])
    };
    let total = sample.items.len();
    let id = sample.id;
    let section_id = format!("sample-{id}");
    let cards = sample.items.into_iter().map(|item| view! { <GradeCard sample=id item names active/> }).collect_view();
    let empty = (total == 0).then(|| view! { <p>{i18n.tr("samples.empty_week")}</p> });
    view! {
        <section aria-labelledby=heading_id.clone() id=section_id>
            <h2 id=heading_id.clone()>{heading}</h2>
            <dl class="facts">
                <div><dt>{i18n.tr("samples.drawn_at")}</dt><dd><Time at=sample.drawn_at/></dd></div>
                <div><dt>{i18n.tr("samples.seed")}</dt><dd><code>{sample.seed}</code></dd></div>
                <div><dt>{i18n.tr("samples.size")}</dt><dd>{size}</dd></div>
            </dl>
            {empty}
            <ul class="cards">{cards}</ul>
        </section>
    }
}
