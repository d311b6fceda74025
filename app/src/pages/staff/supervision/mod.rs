//! `/staff/supervision`: a supervisor's (督办) desk. Proposals that a request is unreasonable,
//! to confirm or reject (until confirmed a request counts against its department like any
//! other); extension requests to approve or refuse; citizens' unsatisfied, unresolved ratings to
//! review (不满意复核); the supervision ladder's record, with phone reminders; and street offices'
//! late whistles.

use super::dispatch::parts::{load_lookups, Lookups};
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

mod extensions;
mod ladder;
mod reviews;
mod whistles;

use extensions::Extensions;
use ladder::LadderRecord;
use reviews::RatingReviews;
use whistles::LateWhistles;

type Proposals = LocalResource<Result<Vec<Proposal>, crate::api::ApiError>>;

#[component]
pub fn SupervisionPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("supervision.page_heading").to_owned());
    // Department names for every section, loaded once.
    let names: LocalResource<Lookups> = LocalResource::new(load_lookups);
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
            <h1>{i18n.tr("supervision.page_heading")}</h1>
            <section aria-labelledby="proposals-heading">
                <h2 id="proposals-heading">{i18n.tr("supervision.heading")}</h2>
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
            </section>
            <Extensions names/>
            <RatingReviews names/>
            <LadderRecord names/>
            <LateWhistles names/>
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
            <h3 class="card__title"><a href=format!("/staff/dispatch/{no}")>{p.title}</a></h3>
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
