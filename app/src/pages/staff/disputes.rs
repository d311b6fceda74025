//! `/staff/disputes`: first-contact responsibility (首接负责). A lead that believes a request is
//! not its own disputes it within the window; here a dispatcher upholds the dispute (the
//! request moves to a new lead at once) or rejects it with a reason the department reads.
//! Below, how often each department has had requests taken away from it.

use super::dispatch::parts::{focus_soon, fold_indexed, load_lookups, DepartmentChecks, Lookups};
use super::rules::when;
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::dispatch_api::{self, OpenDispute, Redispatches};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;

type Disputes = LocalResource<Result<Vec<OpenDispute>, ApiError>>;
type Counts = LocalResource<Result<Vec<Redispatches>, ApiError>>;

const CONTROLS: &[(&str, &str)] =
    &[("new_lead", "decision-lead"), ("co_handlers", "decision-co-0"), ("reason", "decision-reason")];

#[component]
pub fn DisputesPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("disputes.heading").to_owned());
    let list: Disputes = LocalResource::new(dispatch_api::disputes);
    let counts: Counts = LocalResource::new(dispatch_api::redispatches);
    let names = LocalResource::new(load_lookups);
    let chosen = RwSignal::new(None::<OpenDispute>);
    // (tracking number, upheld)
    let decided = RwSignal::new(None::<(String, bool)>);
    let choose = move |d: OpenDispute| {
        decided.set(None);
        chosen.set(Some(d));
        focus_soon("decision-heading");
    };
    let body = move || {
        list.get().map(|result| match result {
            Ok(disputes) if disputes.is_empty() => {
                view! { <p id="dispute-list">{i18n.tr("disputes.none")}</p> }.into_any()
            }
            Ok(disputes) => {
                let names = names.get().unwrap_or_default();
                let items = disputes.into_iter().map(|d| dispute_card(d, &names, choose)).collect_view();
                view! { <ul class="cards" id="dispute-list">{items}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("disputes.heading")}</h1>
            <p class="hint">{i18n.tr("disputes.lead")}</p>
            <div id="dispute-status" role="status" tabindex="-1"
                class:notice=move || decided.with(Option::is_some) class:notice--success=move || decided.with(Option::is_some)>
                {move || decided.get().map(|(no, upheld)| {
                    let key = if upheld { "disputes.upheld" } else { "disputes.rejected" };
                    i18n.lang().fill(key, &[("no", &no)])
                })}
            </div>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
            {move || chosen.get().map(|dispute| view! { <DecisionForm dispute names chosen decided list counts/> })}
            <RedispatchCounts counts names/>
        </StaffShell>
    }
}

fn dispute_card(
    d: OpenDispute,
    names: &Lookups,
    choose: impl Fn(OpenDispute) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = d.tracking_no.clone();
    let department = names.department(&d.department);
    let filed_at = d.filed_at.clone();
    let label = {
        let no = no.clone();
        move || i18n.lang().fill("disputes.decide_named", &[("no", &no)])
    };
    let chosen = d.clone();
    view! {
        <li class="card">
            <h2 class="card__title"><a href=format!("/staff/dispatch/{no}")>{d.title}</a></h2>
            <p class="queue__meta">
                <span class="mono">{no.clone()}</span>
                <span>{move || when(i18n.lang(), filed_at.as_deref())}</span>
            </p>
            <dl class="facts">
                <div><dt>{i18n.tr("disputes.department")}</dt><dd>{department}</dd></div>
                <div><dt>{i18n.tr("disputes.reason")}</dt><dd class="description">{d.reason}</dd></div>
                {d.filed_by.map(|by| view! { <div><dt>{i18n.tr("disputes.filed_by")}</dt><dd>{by}</dd></div> })}
            </dl>
            <button type="button" id=format!("decide-{no}") class="button button--secondary" aria-label=label
                on:click=move |_| choose(chosen.clone())>
                {i18n.tr("disputes.decide")}
            </button>
        </li>
    }
}

/// Uphold with a new lead, or reject with a reason: one dispute at a time.
#[component]
fn DecisionForm(
    dispute: OpenDispute,
    names: LocalResource<Lookups>,
    chosen: RwSignal<Option<OpenDispute>>,
    decided: RwSignal<Option<(String, bool)>>,
    list: Disputes,
    counts: Counts,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = StoredValue::new(dispute.tracking_no.clone());
    let disputing = dispute.department.clone();
    let new_lead = RwSignal::new(String::new());
    let co_handlers = RwSignal::new(Vec::<String>::new());
    let reason = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let leads = {
        let disputing = disputing.clone();
        Signal::derive(move || {
            let mut options = vec![(String::new(), i18n.lang().text("common.choose"))];
            options.extend(names.get().unwrap_or_default().active(&disputing));
            options
        })
    };
    let co_options = Signal::derive(move || names.get().unwrap_or_default().active(&new_lead.get()));
    let decide = move |decision: Result<(String, Vec<String>), String>| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        let upheld = decision.is_ok();
        let no = no.get_value();
        spawn_local(async move {
            match dispatch_api::decide_dispute(no.clone(), decision).await {
                Ok(()) => {
                    decided.set(Some((no, upheld)));
                    list.refetch();
                    counts.refetch();
                    chosen.set(None);
                    focus_soon("dispute-status");
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    errors.show_key("disputes.conflict");
                    list.refetch();
                }
                Err(e) => errors.show(fold_indexed(e)),
            }
            busy.set(false);
        });
    };
    let on_uphold = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        let lead = new_lead.get_untracked();
        let co = co_handlers.get_untracked().into_iter().filter(|c| *c != lead).collect();
        decide(Ok((lead, co)));
    };
    let on_reject = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        decide(Err(reason.get_untracked()));
    };
    let heading = {
        let (no, title) = (dispute.tracking_no.clone(), dispute.title.clone());
        move || i18n.lang().fill("disputes.decision_on", &[("no", &no), ("title", &title)])
    };
    let disputing_name = move || names.get().unwrap_or_default().department(&disputing);
    view! {
        <section aria-labelledby="decision-heading" id="decision" class="panel-section">
            <h2 id="decision-heading" tabindex="-1">{heading}</h2>
            <p class="hint">{move || i18n.lang().fill("disputes.decision_lead", &[("department", &disputing_name())])}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_uphold aria-labelledby="uphold-heading">
                <h3 id="uphold-heading">{i18n.tr("disputes.uphold.heading")}</h3>
                <SelectField id="decision-lead" label=i18n.tr("field.new_lead") options=leads value=new_lead
                    error=errors.field("new_lead")/>
                <DepartmentChecks id="decision-co" legend=i18n.tr("field.co_handlers") options=co_options chosen=co_handlers
                    error=errors.field("co_handlers")/>
                <button type="submit" id="uphold-dispute" class="button button--warning" disabled=move || busy.get()>
                    {i18n.tr("disputes.uphold")}
                </button>
            </form>
            <form class="form" novalidate on:submit=on_reject aria-labelledby="reject-heading">
                <h3 id="reject-heading">{i18n.tr("disputes.reject.heading")}</h3>
                <TextField id="decision-reason" label=i18n.tr("field.reason") hint=i18n.tr("disputes.reason.hint")
                    value=reason error=errors.field("reason") multiline=true/>
                <button type="submit" id="reject-dispute" class="button" disabled=move || busy.get()>
                    {i18n.tr("disputes.reject")}
                </button>
            </form>
            <button type="button" id="cancel-decision" class="button button--secondary"
                on:click=move |_| chosen.set(None)>
                {i18n.tr("disputes.cancel")}
            </button>
        </section>
    }
}

#[component]
fn RedispatchCounts(counts: Counts, names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        counts.get().map(|result| match result {
            Ok(rows) if rows.is_empty() => {
                view! { <p id="redispatch-table">{i18n.tr("disputes.counts.none")}</p> }.into_any()
            }
            Ok(mut rows) => {
                rows.sort_by_key(|r| std::cmp::Reverse(r.redispatched_away));
                let names = names.get().unwrap_or_default();
                let lang = i18n.lang();
                let lines = rows
                    .into_iter()
                    .map(|r| {
                        view! {
                            <tr>
                                <td data-label=lang.text("disputes.counts.department")>{names.department(&r.department)}</td>
                                <td data-label=lang.text("disputes.counts.away")>{r.redispatched_away}</td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table class="table table--stack" id="redispatch-table">
                            <thead><tr>
                                <th scope="col">{i18n.tr("disputes.counts.department")}</th>
                                <th scope="col">{i18n.tr("disputes.counts.away")}</th>
                            </tr></thead>
                            <tbody>{lines}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| counts.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="counts-heading">
            <h2 id="counts-heading">{i18n.tr("disputes.counts.heading")}</h2>
            <p class="hint">{i18n.tr("disputes.counts.lead")}</p>
            {body}
        </section>
    }
}
