//! 评价答复: the reporter judges the reply through the private link, once, within the window
//! after it. The questions follow the kind of request (the template the server picks); the
//! answers are checked with the server's own `Rating::parse` first, so a slow network is not
//! spent on an empty form. Afterwards the page shows the answer and what happens next.

use super::{row, Reload, SummaryList, Value};
use crate::api::ApiError;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{InlineError, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::dom;
use crate::i18n::use_i18n;
use crate::rating_api;
use crate::rating_api::{Answer, Form, Template};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::evaluation::{EvaluationSource, Rating};
use shared::ids::{AccessToken, TrackingNo};
use shared::status::Status;

/// The 1–5 answers, words at the ends.
const SCALE: [(&str, &str); 5] =
    [("1", "eval.scale.1"), ("2", "eval.scale.2"), ("3", "eval.scale.3"), ("4", "eval.scale.4"), ("5", "eval.scale.5")];

/// A text made at run time, kept for the life of the page: ids and field names of a template's
/// items, which the error summary and the labels take as `&'static str`. One form per view, a
/// few bytes each.
fn keep(text: String) -> &'static str {
    Box::leak(text.into_boxed_str())
}

/// The rating part of the private view: the form while the reply may be rated, the answer once
/// it is. A plain function rather than a component, like the follow-up forms.
pub(super) fn rating(no: TrackingNo, token: AccessToken, status: Status, reload: Reload) -> impl IntoView {
    let i18n = use_i18n();
    // Rated in this visit: shown as sent. A rating that sent the request back belongs to a
    // reply the server no longer asks about, so it would not come back from the form.
    if let Some(view) = reload.rated.get_untracked() {
        if reload.fresh.get_untracked() && reload.done.get_untracked().is_none() {
            reload.fresh.set(false);
            request_animation_frame(|| {
                dom::focus_id("rating-done");
            });
        }
        return summary(view, status).into_any();
    }
    // A signal and one fetch, not a resource: a resource of a type of its own would bring its
    // own copy of the async machinery into the citizens' bundle.
    let state: RwSignal<Option<Result<Form, ApiError>>> = RwSignal::new(None);
    let load = {
        let (no, token) = (no.clone(), token.clone());
        Callback::new(move |_| {
            let (no, token) = (no.clone(), token.clone());
            spawn_local(async move { state.set(Some(rating_api::form(&no, &token).await)) });
        })
    };
    load.run(());
    (move || match state.get() {
        None => ().into_any(),
        Some(Err(error)) => view! {
            <section id="rating" aria-labelledby="rating-heading">
                <h2 id="rating-heading">{i18n.tr("rating.heading")}</h2>
                <LoadError error retry=Callback::new(move |_| {
                    state.set(None);
                    load.run(());
                })/>
            </section>
        }
        .into_any(),
        Some(Ok(Form { rated: Some(answer), .. })) => summary(answer, status).into_any(),
        Some(Ok(Form { template, open_until: Some(until), rated: None })) => {
            form(template, until, (no.clone(), token.clone()), reload).into_any()
        }
        // Not (or no longer) open for rating.
        Some(Ok(_)) => ().into_any(),
    })
    .into_any()
}

/// The answer given and what it leads to.
fn summary(view: Answer, status: Status) -> impl IntoView {
    let i18n = use_i18n();
    let mut rows = Vec::new();
    if let Some(s) = view.satisfaction {
        rows.push(row("field.rating.satisfaction", Value::Key(rating_api::satisfaction_key(s).to_owned())));
    }
    if let Some(resolved) = view.resolved {
        let answer = if resolved { "rating.resolved.yes" } else { "rating.resolved.no" };
        rows.push(row("field.rating.resolved", Value::Key(answer.to_owned())));
    }
    for (key, answer) in view.items {
        // An item this build does not know shows under its key (every locale key has a dot).
        let label = rating_api::item_label(&key).unwrap_or_else(|| keep(key));
        rows.push((label, Value::Key(format!("eval.scale.{answer}"))));
    }
    if let Some(comment) = view.comment {
        rows.push(row("field.rating.comment", Value::Text(comment)));
    }
    let source = if view.source == EvaluationSource::Phone { "rating.by_phone" } else { "rating.by_web" };
    view! {
        <section id="rating" class="private-box" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{i18n.tr("rating.done_heading")}</h2>
            <p id="rating-done" class="notice notice--success" role="status" tabindex="-1">
                {i18n.tr(rating_api::next_step(view.effect, status))}
            </p>
            <p class="hint">{i18n.tr(source)}</p>
            <SummaryList rows/>
        </section>
    }
}

/// The questions of the template, and sending them.
fn form(
    template: Template,
    until: DateTime<Utc>,
    (no, token): (TrackingNo, AccessToken),
    reload: Reload,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::new();
    let (satisfaction, resolved, comment) =
        (RwSignal::new(String::new()), RwSignal::new(String::new()), RwSignal::new(String::new()));
    let keys: Vec<String> = template.items.iter().map(|i| i.key.clone()).collect();
    let controls: &'static [(&'static str, &'static str)] = Box::leak(
        rating_api::controls(&keys).into_iter().map(|(field, id)| (keep(field), keep(id))).collect::<Box<[_]>>(),
    );
    // (item key, its field as the summary names it, the answer chosen)
    let items: Vec<(String, &'static str, RwSignal<String>)> = keys
        .into_iter()
        .map(|key| {
            let field = controls.iter().find(|(f, _)| *f == rating_api::item_field(&key)).map_or("", |(f, _)| *f);
            (key, field, RwSignal::new(String::new()))
        })
        .collect();
    let sending = RwSignal::new(false);
    let resolved_legend = rating_api::resolved_question(&template.key);
    let shared_template = template.as_shared();

    let questions = items
        .iter()
        .map(|(key, field, answer)| {
            let legend = rating_api::item_label(key).map_or_else(|| key.clone(), str::to_owned);
            radios(format!("rating-items-{key}"), legend, &SCALE, *answer, errors.field(field))
        })
        .collect_view();

    let send = move || {
        if sending.get_untracked() {
            return;
        }
        errors.clear();
        let answers: Vec<(String, String)> = items.iter().map(|(k, _, v)| (k.clone(), v.get_untracked())).collect();
        let input = rating_api::input(
            &satisfaction.get_untracked(),
            &resolved.get_untracked(),
            &comment.get_untracked(),
            &answers,
        );
        let rating = match Rating::parse(&input, &shared_template) {
            Ok(rating) => rating,
            Err(fields) => return errors.show(rating_api::prefixed(rating_api::refused(fields))),
        };
        sending.set(true);
        let (no, token) = (no.clone(), token.clone());
        spawn_local(async move {
            let result = rating_api::rate(&no, &token, &input).await;
            sending.set(false);
            match result {
                Ok(rated) => {
                    reload.done.set(None);
                    reload.rated.set(Some(Answer {
                        source: EvaluationSource::Web,
                        satisfaction: Some(rating.satisfaction),
                        resolved: Some(rating.resolved),
                        comment: rating.comment,
                        items: rating.items,
                        effect: rated.effect,
                    }));
                    reload.fresh.set(true);
                    reload.run.run(());
                }
                // Rated already (another tab), or the window closed since the page was loaded.
                Err(e) if e.code() == Some(ErrorCode::Conflict) => errors.show_key("rating.closed"),
                Err(e) => errors.show(rating_api::prefixed(e)),
            }
        });
    };

    let until_text = move || i18n.tf("rating.until", &[("time", &dom::format_datetime(&until, i18n.lang()))]);
    view! {
        <section id="rating" aria-labelledby="rating-heading">
            <h2 id="rating-heading">{i18n.tr("rating.heading")}</h2>
            <p class="hint" id="rating-until">{until_text}</p>
            <ErrorSummary id="rating-error-summary" items=errors.summary(controls) attempt=errors.attempt/>
            <form
                class="form private-box"
                id="rating-form"
                aria-labelledby="rating-heading"
                novalidate
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    send();
                }
            >
                {radios(
                    "rating-satisfaction".to_owned(),
                    "rating.satisfaction.legend".to_owned(),
                    &[
                        ("satisfied", "rating.satisfaction.satisfied"),
                        ("basically_satisfied", "rating.satisfaction.basically_satisfied"),
                        ("unsatisfied", "rating.satisfaction.unsatisfied"),
                    ],
                    satisfaction,
                    errors.field("rating.satisfaction"),
                )}
                {radios(
                    "rating-resolved".to_owned(),
                    resolved_legend.to_owned(),
                    &[("yes", "rating.resolved.yes"), ("no", "rating.resolved.no")],
                    resolved,
                    errors.field("rating.resolved"),
                )}
                {questions}
                <TextField
                    id="rating-comment"
                    label=i18n.tr("rating.comment_label")
                    hint=i18n.tr("rating.comment_hint")
                    value=comment
                    error=errors.field("rating.comment")
                    multiline=true
                />
                <button type="submit" id="rating-submit" class="button" disabled=sending aria-busy=move || sending.get().then_some("true")>
                    {i18n.tr_either(sending, "follow.sending", "rating.submit")}
                </button>
            </form>
        </section>
    }
}

/// One question: a fieldset of radios, its legend (a translation key, or an unknown item's
/// own key, shown as it is) and its inline error. Radio `v` has the id `{id}-{v}`.
fn radios(
    id: String,
    legend: String,
    options: &'static [(&'static str, &'static str)],
    value: RwSignal<String>,
    error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let described = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    let buttons = options
        .iter()
        .map(|&(v, label)| {
            let radio = format!("{id}-{v}");
            let described = described.clone();
            view! {
                <div class="radio">
                    <input
                        type="radio"
                        name=id.clone()
                        id=radio.clone()
                        value=v
                        prop:checked=move || value.with(|current| current == v)
                        on:change=move |_| value.set(v.to_owned())
                        aria-describedby=described
                    />
                    <label for=radio>{i18n.tr(label)}</label>
                </div>
            }
        })
        .collect_view();
    view! {
        <fieldset class="fieldset field" class:field--error=move || error.with(Option::is_some)>
            <legend class="label">{i18n.tr_key(legend)}</legend>
            <InlineError id=error_id message=error/>
            <div class="radios">{buttons}</div>
        </fieldset>
    }
}
