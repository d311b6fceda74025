//! `/staff/supervision`: proposals that a request is unreasonable, for a supervisor (督办) to
//! confirm or reject. Until confirmed a request counts against its department like any other.

use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::dispatch_api::{self, Proposal};
use crate::dom;
use crate::i18n::use_i18n;
use crate::staff_menu::reason_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::review::UnreasonableReason;

type Proposals = LocalResource<Result<Vec<Proposal>, crate::api::ApiError>>;

#[component]
pub fn SupervisionPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("supervision.heading").to_owned());
    let list: Proposals = LocalResource::new(dispatch_api::proposals);
    let errors = FormErrors::new();
    // (tracking number, confirmed)
    let decided = RwSignal::new(None::<(String, bool)>);
    let busy = RwSignal::new(false);
    let decide = move |no: String, confirm: bool| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        decided.set(None);
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::decide_unreasonable(no.clone(), confirm).await {
                Ok(()) => {
                    decided.set(Some((no, confirm)));
                    list.refetch();
                    request_animation_frame(|| {
                        dom::focus_id("decision-status");
                    });
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    errors.show_key("supervision.conflict");
                    list.refetch();
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let body = move || {
        list.get().map(|result| match result {
            Ok(proposals) if proposals.is_empty() => {
                view! { <p id="proposal-list">{i18n.tr("supervision.none")}</p> }.into_any()
            }
            Ok(proposals) => {
                let items = proposals.into_iter().map(|p| proposal_card(p, busy, decide)).collect_view();
                view! { <ul class="cards" id="proposal-list">{items}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("supervision.heading")}</h1>
            <p class="hint">{i18n.tr("supervision.lead")}</p>
            <div id="decision-status" role="status" tabindex="-1"
                class:notice=move || decided.with(Option::is_some) class:notice--success=move || decided.with(Option::is_some)>
                {move || decided.get().map(|(no, confirmed)| {
                    let key = if confirmed { "supervision.confirmed" } else { "supervision.rejected" };
                    i18n.lang().fill(key, &[("no", &no)])
                })}
            </div>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
            <LateWhistles/>
        </StaffShell>
    }
}

fn proposal_card(
    p: Proposal,
    busy: RwSignal<bool>,
    decide: impl Fn(String, bool) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let no = p.tracking_no.clone();
    let reason = UnreasonableReason::parse(&p.reason_code).map(reason_key);
    let raw_reason = p.reason_code.clone();
    let reason = move || reason.as_ref().map_or_else(|| raw_reason.clone(), |k| i18n.lang().text(k));
    let at = p.proposed_at.as_deref().and_then(|t| chrono::DateTime::parse_from_rfc3339(t).ok());
    let when = match at {
        Some(at) => view! { <Time at=at.with_timezone(&chrono::Utc)/> }.into_any(),
        None => p.proposed_at.clone().unwrap_or_default().into_any(),
    };
    let (confirm_no, reject_no) = (no.clone(), no.clone());
    let confirm_label = {
        let no = no.clone();
        move || i18n.lang().fill("supervision.confirm_named", &[("no", &no)])
    };
    let reject_label = {
        let no = no.clone();
        move || i18n.lang().fill("supervision.reject_named", &[("no", &no)])
    };
    view! {
        <li class="card">
            <h2 class="card__title"><a href=format!("/staff/dispatch/{no}")>{p.title}</a></h2>
            <p class="queue__meta"><span class="mono">{no.clone()}</span> {when}</p>
            <dl class="facts">
                <div><dt>{i18n.tr("field.reason_code")}</dt><dd>{reason}</dd></div>
                {p.note.map(|n| view! { <div><dt>{i18n.tr("field.note")}</dt><dd class="description">{n}</dd></div> })}
                {p.proposed_by.map(|by| view! { <div><dt>{i18n.tr("supervision.proposed_by")}</dt><dd>{by}</dd></div> })}
            </dl>
            <div class="button-row">
                <button type="button" id=format!("confirm-{no}") class="button button--warning" aria-label=confirm_label
                    disabled=move || busy.get() on:click=move |_| decide(confirm_no.clone(), true)>
                    {i18n.tr("supervision.confirm")}
                </button>
                <button type="button" id=format!("reject-{no}") class="button button--secondary" aria-label=reject_label
                    disabled=move || busy.get() on:click=move |_| decide(reject_no.clone(), false)>
                    {i18n.tr("supervision.reject")}
                </button>
            </div>
        </li>
    }
}

/// 街乡吹哨、部门报到: departments a street office summoned that are overdue or reported late.
#[component]
fn LateWhistles() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(dispatch_api::late_whistles);
    let names = LocalResource::new(super::dispatch::parts::load_lookups);
    let body = move || {
        list.get().map(|result| match result {
            Ok(rows) if rows.is_empty() => view! { <p id="whistle-table">{i18n.tr("whistles.none")}</p> }.into_any(),
            Ok(rows) => {
                let lang = i18n.lang();
                let names = names.get().unwrap_or_default();
                let lines = rows
                    .into_iter()
                    .map(|w| {
                        let overdue = w.status == "overdue";
                        let status = lang.text(if overdue { "whistles.status.overdue" } else { "whistles.status.reported_late" });
                        let when = |at: &Option<String>| super::rules::when(lang, at.as_deref());
                        let no = w.tracking_no.clone();
                        view! {
                            <tr>
                                <td data-label=lang.text("whistles.ticket")>
                                    <a class="mono" href=format!("/staff/dispatch/{no}")>{no.clone()}</a>
                                </td>
                                <td data-label=lang.text("whistles.department")>{names.department(&w.department)}</td>
                                <td data-label=lang.text("whistles.summoned")>
                                    {when(&w.summoned_at)}
                                    {w.summoned_by.map(|by| format!(" · {by}"))}
                                </td>
                                <td data-label=lang.text("whistles.due")>{when(&w.due_at)}</td>
                                <td data-label=lang.text("whistles.reported")>
                                    {w.reported_at.as_ref().map_or_else(|| lang.text("whistles.not_reported"), |_| when(&w.reported_at))}
                                </td>
                                <td data-label=lang.text("whistles.status")>
                                    <span class="tag" class:tag--very_urgent=overdue class:tag--urgent=!overdue>{status}</span>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap">
                        <table class="table table--stack" id="whistle-table">
                            <thead><tr>
                                <th scope="col">{i18n.tr("whistles.ticket")}</th>
                                <th scope="col">{i18n.tr("whistles.department")}</th>
                                <th scope="col">{i18n.tr("whistles.summoned")}</th>
                                <th scope="col">{i18n.tr("whistles.due")}</th>
                                <th scope="col">{i18n.tr("whistles.reported")}</th>
                                <th scope="col">{i18n.tr("whistles.status")}</th>
                            </tr></thead>
                            <tbody>{lines}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="whistles-heading">
            <h2 id="whistles-heading">{i18n.tr("whistles.heading")}</h2>
            <p class="hint">{i18n.tr("whistles.lead")}</p>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </section>
    }
}
