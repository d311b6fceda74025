//! Casework on a waiting request besides dispatching it: duplicate reports merged into one,
//! questions to departments before choosing, and proposing it as unreasonable.

use super::panel::Panel;
use super::parts::{focus_soon, fold_indexed, is_conflict, DepartmentChecks};
use super::Flash;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::load_error::LoadError;
use crate::components::staff_form::{choices, nonblank};
use crate::components::time::Time;
use crate::dispatch_api::{self, Candidate, Thread};
use crate::i18n::{use_i18n, Lang};
use crate::staff_menu::reason_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::review::UnreasonableReason;

/// "相似度 87% · 相距 120 米 · 同一天": why a candidate is listed.
fn closeness(lang: Lang, c: &Candidate) -> String {
    let similarity = crate::staff_menu::percent(c.similarity as f32).to_string();
    let mut parts = vec![lang.fill("dispatch.duplicates.similarity", &[("percent", &similarity)])];
    parts.push(match c.distance_m {
        // Whole metres; the cast saturates.
        Some(m) => lang.fill("dispatch.duplicates.distance", &[("m", &(m.round() as i64).to_string())]),
        None => lang.text("dispatch.duplicates.no_distance"),
    });
    let days = c.days_apart.abs().round() as i64;
    parts.push(if days == 0 {
        lang.text("dispatch.duplicates.same_day")
    } else {
        lang.fill("dispatch.duplicates.days", &[("n", &days.to_string())])
    });
    parts.join(" · ")
}

/// Other reports of what may be the same problem. A candidate still waiting is merged into
/// this request; one already being handled takes this request instead.
#[component]
pub fn Duplicates(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let Panel { no, ticket, forms, .. } = panel;
    let errors = forms.merge;
    let list = LocalResource::new(move || dispatch_api::duplicates(no.get()));
    let merged = RwSignal::new(None::<(String, u32)>);
    let busy = RwSignal::new(false);
    // `into_this`: the candidate joins this request; otherwise this request joins the candidate.
    let merge = move |candidate: String, into_this: bool| {
        if busy.get_untracked() {
            return;
        }
        forms.clear();
        merged.set(None);
        busy.set(true);
        let this = no.get_untracked();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = if into_this {
                dispatch_api::merge(candidate.clone(), this.clone(), None).await
            } else {
                dispatch_api::merge(this.clone(), candidate.clone(), panel.version()).await
            };
            match result {
                Ok(_) if !into_this => {
                    Flash::Merged(this, candidate).store();
                    navigate("/staff/dispatch", Default::default());
                }
                Ok(done) => {
                    merged.set(Some((candidate, done.repeat_count)));
                    busy.set(false);
                    list.refetch();
                    // The request's version moved on with the merge.
                    ticket.refetch();
                    focus_soon("merge-status");
                }
                Err(e) => {
                    if is_conflict(&e) {
                        errors.show_key("dispatch.merge.stale");
                        list.refetch();
                        ticket.refetch();
                    } else {
                        errors.show(e);
                    }
                    busy.set(false);
                }
            }
        });
    };
    let body = move || {
        list.get().map(|result| match result {
            Ok(candidates) if candidates.is_empty() => {
                view! { <p id="duplicate-list">{i18n.tr("dispatch.duplicates.none")}</p> }.into_any()
            }
            Ok(candidates) => {
                let items = candidates
                    .into_iter()
                    .map(|c| {
                        let waiting = c.status.as_deref() == Some("submitted");
                        let status = c.status.clone();
                        let candidate_no = c.tracking_no.clone();
                        let merge = merge.clone();
                        let (id, key, label_key) = if waiting {
                            (format!("merge-{candidate_no}"), "dispatch.duplicates.merge", "dispatch.duplicates.merge_named")
                        } else {
                            (
                                format!("merge-into-{candidate_no}"),
                                "dispatch.duplicates.join",
                                "dispatch.duplicates.join_named",
                            )
                        };
                        let label = {
                            let n = candidate_no.clone();
                            move || i18n.lang().fill(label_key, &[("no", &n)])
                        };
                        view! {
                            <li class="card">
                                <p class="card__title">
                                    <a href=format!("/staff/dispatch/{candidate_no}")>{c.title.clone()}</a>
                                </p>
                                <p class="queue__meta">
                                    <span class="mono">{candidate_no.clone()}</span>
                                    {status.map(|s| view! { <span class="tag">{i18n.tr_key(format!("status.{s}"))}</span> })}
                                    <Time at=c.created_at/>
                                </p>
                                <p>{move || closeness(i18n.lang(), &c)}</p>
                                <button type="button" id=id class="button button--secondary" aria-label=label
                                    disabled=move || busy.get()
                                    on:click=move |_| merge(candidate_no.clone(), waiting)>
                                    {i18n.tr_key(key.to_owned())}
                                </button>
                            </li>
                        }
                    })
                    .collect_view();
                view! { <ul class="cards" id="duplicate-list">{items}</ul> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="duplicates-heading" class="panel-section">
            <h2 id="duplicates-heading">{i18n.tr("dispatch.duplicates.heading")}</h2>
            <p class="hint">{i18n.tr("dispatch.duplicates.lead")}</p>
            <div id="merge-status" role="status" tabindex="-1"
                class:notice=move || merged.with(Option::is_some) class:notice--success=move || merged.with(Option::is_some)>
                {move || merged.get().map(|(n, count)| {
                    i18n.tf("dispatch.duplicates.merged", &[("no", &n), ("count", &count.to_string())])
                })}
            </div>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            {body}
        </section>
    }
}

const CONSULT_CONTROLS: &[(&str, &str)] = &[("departments", "consult-departments-0"), ("question", "consult-question")];

/// Ask departments whose request this is before guessing, and read their answers.
#[component]
pub fn Consult(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let Panel { no, lookups, forms, .. } = panel;
    let errors = forms.consult;
    let threads = LocalResource::new(move || dispatch_api::consultations(no.get()));
    let departments = RwSignal::new(Vec::<String>::new());
    let question = RwSignal::new(String::new());
    let asked = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let options = Signal::derive(move || lookups.get().unwrap_or_default().active(""));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        forms.clear();
        asked.set(false);
        busy.set(true);
        let text = question.get_untracked();
        spawn_local(async move {
            match dispatch_api::consult(no.get_untracked(), departments.get_untracked(), text).await {
                Ok(_) => {
                    departments.set(Vec::new());
                    question.set(String::new());
                    asked.set(true);
                    threads.refetch();
                    focus_soon("consult-status");
                }
                Err(e) => errors.show(fold_indexed(e)),
            }
            busy.set(false);
        });
    };
    let thread_list = move || {
        threads.get().map(|result| match result {
            Ok(list) if list.is_empty() => {
                view! { <p id="consult-threads">{i18n.tr("dispatch.consult.none")}</p> }.into_any()
            }
            Ok(list) => {
                let items = list.into_iter().map(|t| view! { <ThreadView thread=t panel/> }).collect_view();
                view! { <ol class="cards" id="consult-threads">{items}</ol> }.into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| threads.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="consult-heading" class="panel-section">
            <h2 id="consult-heading">{i18n.tr("dispatch.consult.heading")}</h2>
            <p class="hint">{i18n.tr("dispatch.consult.lead")}</p>
            {thread_list}
            <div id="consult-status" role="status" tabindex="-1"
                class:notice=move || asked.get() class:notice--success=move || asked.get()>
                {move || asked.get().then(|| i18n.t("dispatch.consult.sent"))}
            </div>
            <ErrorSummary items=errors.summary(CONSULT_CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <DepartmentChecks id="consult-departments" legend=i18n.tr("field.departments") options
                    chosen=departments error=errors.field("departments")/>
                <TextField id="consult-question" label=i18n.tr("field.question") hint=i18n.tr("dispatch.consult.question_hint")
                    value=question error=errors.field("question") multiline=true/>
                <button type="submit" id="consult-button" class="button button--secondary" disabled=move || busy.get()>
                    {i18n.tr("dispatch.consult.button")}
                </button>
            </form>
        </section>
    }
}

#[component]
fn ThreadView(thread: Thread, panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let lookups = panel.lookups;
    let Thread { question, departments, asked_by, asked_at, replies } = thread;
    let asked = move || {
        let lang = i18n.lang();
        let names = lookups.get().unwrap_or_default().departments_named(&departments, lang);
        lang.fill("dispatch.consult.asked", &[("departments", &names)])
    };
    let answers = if replies.is_empty() {
        view! { <p class="hint">{i18n.tr("dispatch.consult.no_replies")}</p> }.into_any()
    } else {
        let items = replies
            .into_iter()
            .map(|r| {
                let department = r.department.clone();
                let name = move || lookups.get().unwrap_or_default().department(&department);
                view! {
                    <li>
                        <strong>{name}</strong>
                        <p class="description">{r.text}</p>
                        <Time at=r.at class="hint"/>
                    </li>
                }
            })
            .collect_view();
        view! { <ul class="replies">{items}</ul> }.into_any()
    };
    view! {
        <li class="card">
            <p class="card__title description">{question}</p>
            <p class="hint">
                {asked} " · " <Time at=asked_at/>
                {asked_by.map(|by| view! { " · " <span>{by}</span> })}
            </p>
            {answers}
        </li>
    }
}

const UNREASONABLE_CONTROLS: &[(&str, &str)] = &[("reason_code", "unreasonable-reason"), ("note", "unreasonable-note")];

/// Propose the request as unreasonable; a supervisor confirms or rejects it.
#[component]
pub fn MarkUnreasonable(panel: Panel) -> impl IntoView {
    let i18n = use_i18n();
    let Panel { no, ticket, forms, .. } = panel;
    let errors = forms.unreasonable;
    let reason = RwSignal::new(String::new());
    let note = RwSignal::new(String::new());
    let proposed = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let reasons = choices(UnreasonableReason::ALL.map(|r| (r.as_str(), reason_key(r))));
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        forms.clear();
        let Some(version) = panel.version() else { return };
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::propose_unreasonable(no.get_untracked(), nonblank(reason), nonblank(note), version)
                .await
            {
                Ok(()) => {
                    proposed.set(true);
                    ticket.refetch();
                    focus_soon("unreasonable-status");
                }
                Err(e) if is_conflict(&e) => {
                    errors.show_key("dispatch.unreasonable.conflict");
                    ticket.refetch();
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="unreasonable-heading" class="panel-section">
            <h2 id="unreasonable-heading">{i18n.tr("dispatch.unreasonable.heading")}</h2>
            <p class="hint">{i18n.tr("dispatch.unreasonable.lead")}</p>
            <div id="unreasonable-status" role="status" tabindex="-1"
                class:notice=move || proposed.get() class:notice--success=move || proposed.get()>
                {move || proposed.get().then(|| i18n.t("dispatch.unreasonable.proposed"))}
            </div>
            <ErrorSummary items=errors.summary(UNREASONABLE_CONTROLS) attempt=errors.attempt/>
            <Show when=move || !proposed.get()>
                <form class="form" novalidate on:submit=on_submit>
                    <SelectField id="unreasonable-reason" label=i18n.tr("field.reason_code") options=reasons value=reason
                        error=errors.field("reason_code")/>
                    <TextField id="unreasonable-note" label=i18n.tr("field.note") hint=i18n.tr("dispatch.unreasonable.note_hint")
                        value=note error=errors.field("note") multiline=true/>
                    <button type="submit" id="unreasonable-button" class="button button--warning" disabled=move || busy.get()>
                        {i18n.tr("dispatch.unreasonable.button")}
                    </button>
                </form>
            </Show>
        </section>
    }
}
