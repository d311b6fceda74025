//! The supervision ladder's record (跟踪问效): reminders (催办), supervision with a supervisor and
//! a deadline (督办), listed cases (挂牌督办) and escalations (提级办理), one rung at a time. A
//! supervisor who phones the lead department puts the call on record here (电话催办).

use super::super::dispatch::parts::{focus_soon, Lookups};
use crate::api::ApiError;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::time::Time;
use crate::i18n::{status_key, use_i18n, Lang};
use crate::supervise_api::{self, stage_key, STAGES};
use crate::work_api::ladder_reason_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::handling::StepView;

/// The rung asked for, with its steps: columns follow the rung of the rows shown.
type Steps = LocalResource<(String, Result<Vec<StepView>, ApiError>)>;

const CONTROLS: &[(&str, &str)] = &[("outcome", "reminder-outcome")];

#[component]
pub(super) fn LadderRecord(names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(STAGES[0].to_owned());
    let steps: Steps = LocalResource::new(move || {
        let stage = stage.get();
        async move { (stage.clone(), supervise_api::steps(stage).await) }
    });
    // The step whose ticket is being called about, and the ticket last put on record.
    let calling = RwSignal::new(None::<StepView>);
    let reminded = RwSignal::new(None::<String>);
    let call = move |step: StepView| {
        reminded.set(None);
        calling.set(Some(step));
        focus_soon("reminder-heading");
    };
    let stages = Signal::derive(move || {
        let lang = i18n.lang();
        STAGES.iter().map(|s| ((*s).to_owned(), lang.text(&stage_key(s)))).collect::<Vec<_>>()
    });
    let body = move || {
        steps.get().map(|(stage, result)| match result {
            Ok(items) if items.is_empty() => view! { <p id="step-table">{i18n.tr("ladder.none")}</p> }.into_any(),
            Ok(items) => step_table(items, &names.get().unwrap_or_default(), &stage, call).into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| steps.refetch())/> }.into_any(),
        })
    };
    let shown = move || reminded.with(Option::is_some);
    view! {
        <section aria-labelledby="ladder-heading">
            <h2 id="ladder-heading">{i18n.tr("ladder.heading")}</h2>
            <p class="hint">{i18n.tr("ladder.lead")}</p>
            <SelectField id="step-stage" label=i18n.tr("ladder.stage") options=stages value=stage
                error=Signal::derive(|| None::<String>)/>
            <div id="reminder-status" role="status" tabindex="-1" class:notice=shown class:notice--success=shown>
                {move || reminded.get().map(|no| i18n.lang().fill("ladder.reminded", &[("no", &no)]))}
            </div>
            {move || steps.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
            {move || calling.get().map(|step| view! { <Reminder step calling reminded/> })}
        </section>
    }
}

fn step_table(
    items: Vec<StepView>,
    names: &Lookups,
    stage: &str,
    call: impl Fn(StepView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    // Only 督办 names a supervisor and the deadline they set.
    let supervised = stage == "supervise";
    let rows = items.into_iter().map(|step| step_row(step, names, lang, supervised, call)).collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="step-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("ladder.ticket")}</th>
                    <th scope="col">{i18n.tr("ladder.reason")}</th>
                    <th scope="col">{i18n.tr("ladder.at")}</th>
                    {supervised.then(|| view! {
                        <th scope="col">{i18n.tr("ladder.supervisor")}</th>
                        <th scope="col">{i18n.tr("ladder.due")}</th>
                    })}
                    <th scope="col">{i18n.tr("ladder.department")}</th>
                    <th scope="col">{i18n.tr("ladder.status")}</th>
                    <th scope="col"><span class="visually-hidden">{i18n.tr("ladder.actions")}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

fn step_row(
    step: StepView,
    names: &Lookups,
    lang: Lang,
    supervised: bool,
    call: impl Fn(StepView) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let none = || lang.text("common.none");
    let department = step.department.as_deref().map_or_else(none, |d| names.department(d));
    let status = step.status.map_or_else(none, |s| lang.text(&status_key(s)));
    let ticket = step.tracking_no.clone().map(|no| {
        // One block: the stacked phone layout is a two-column grid.
        view! {
            <div>
                <a class="mono" href=format!("/staff/dispatch/{no}")>{no.clone()}</a>
                {step.title.clone().map(|t| view! { <br/><span>{t}</span> })}
            </div>
        }
    });
    let action = step.tracking_no.clone().map(|no| {
        let label = lang.fill("ladder.remind_named", &[("no", &no)]);
        let step = step.clone();
        view! {
            <button type="button" id=format!("remind-{}", step.key) class="button button--secondary button--small"
                aria-label=label on:click=move |_| call(step.clone())>
                {lang.text("ladder.remind")}
            </button>
        }
    });
    view! {
        <tr>
            <td data-label=lang.text("ladder.ticket")>{ticket}</td>
            <td data-label=lang.text("ladder.reason")>{lang.text(&ladder_reason_key(&step.reason))}</td>
            <td data-label=lang.text("ladder.at")><Time at=step.at/></td>
            {supervised.then(|| view! {
                <td data-label=lang.text("ladder.supervisor")>{step.supervisor.clone().unwrap_or_else(none)}</td>
                <td data-label=lang.text("ladder.due")>
                    {step.due_at.map_or_else(|| none().into_any(), |at| view! { <Time at/> }.into_any())}
                </td>
            })}
            <td data-label=lang.text("ladder.department")>{department}</td>
            <td data-label=lang.text("ladder.status")>{status}</td>
            <td data-label=lang.text("ladder.actions")>{action}</td>
        </tr>
    }
}

/// What the call achieved: who answered, what they promised. The server files it against the
/// request's lead department, whichever department the step named.
#[component]
fn Reminder(step: StepView, calling: RwSignal<Option<StepView>>, reminded: RwSignal<Option<String>>) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let no = StoredValue::new(step.tracking_no.clone().unwrap_or_default());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        busy.set(true);
        let text = outcome.get_untracked();
        spawn_local(async move {
            match supervise_api::remind(no.get_value(), text).await {
                Ok(()) => {
                    reminded.set(Some(no.get_value()));
                    calling.set(None);
                    focus_soon("reminder-status");
                }
                // The only refusal of a well-formed call: nobody leads the request yet.
                Err(e) if e.code() == Some(ErrorCode::Conflict) => errors.show_key("ladder.no_lead"),
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let heading = {
        let title = step.title.clone().unwrap_or_default();
        move || i18n.lang().fill("ladder.reminder_on", &[("no", &no.get_value()), ("title", &title)])
    };
    view! {
        <div id="reminder-form" class="panel-section">
            <h3 id="reminder-heading" tabindex="-1">{heading}</h3>
            <p class="hint">{i18n.tr("ladder.reminder_lead")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="reminder-outcome" label=i18n.tr("field.outcome") hint=i18n.tr("ladder.outcome_hint")
                    value=outcome error=errors.field("outcome") multiline=true/>
                <div class="button-row">
                    <button type="submit" id="save-reminder" class="button" disabled=move || busy.get()>
                        {i18n.tr("ladder.save_reminder")}
                    </button>
                    <button type="button" id="cancel-reminder" class="button button--secondary"
                        on:click=move |_| calling.set(None)>
                        {i18n.tr("ladder.cancel")}
                    </button>
                </div>
            </form>
        </div>
    }
}
