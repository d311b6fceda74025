//! What one call-back found: how the call went and, when the citizen was reached, their
//! answers on the template for the request's kind (满意度, 是否解决 and the template's items).
//! Answers typed before the outcome changes are kept on the page but never sent with a call
//! that did not reach the citizen.

use super::callbacks::Due;
use super::dispatch::parts::focus_soon;
use super::radios::{controls, intern, keyed, scale, RadioGroup};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::eval_api::{
    self, callback_input, effect_key, item_key, outcome_key, prefixed, refused, satisfaction_key, CallbackDue,
};
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::ErrorCode;
use shared::evaluation::{CallOutcome, Callback as CallbackRecord, EvaluationTemplate, Satisfaction};

/// An item's label: its translation, or its key for an item this build does not know.
fn item_label(key: &str) -> Signal<String> {
    let i18n = use_i18n();
    let (key, label) = (key.to_owned(), item_key(key));
    Signal::derive(move || label.as_ref().map_or_else(|| key.clone(), |l| i18n.lang().text(l)))
}

#[component]
pub fn CallbackForm(
    line: CallbackDue,
    template: EvaluationTemplate,
    open: RwSignal<Option<String>>,
    done: RwSignal<Option<String>>,
    list: Due,
) -> impl IntoView {
    let i18n = use_i18n();
    let outcome = RwSignal::new(String::new());
    let satisfaction = RwSignal::new(String::new());
    let resolved = RwSignal::new(String::new());
    let comment = RwSignal::new(String::new());
    let items: Vec<(String, RwSignal<String>)> =
        template.items.iter().map(|i| (i.key.clone(), RwSignal::new(String::new()))).collect();
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);
    let mut pairs: Vec<(String, String)> = vec![
        ("callback.outcome".into(), "callback-outcome-reached".into()),
        ("callback.satisfaction".into(), "callback-satisfaction-satisfied".into()),
        ("callback.resolved".into(), "callback-resolved-yes".into()),
    ];
    pairs.extend(items.iter().map(|(key, _)| (format!("callback.items.{key}"), format!("callback-item-{key}-1"))));
    pairs.push(("callback.comment".into(), "callback-comment".into()));
    let controls = controls(&pairs);
    let no = StoredValue::new(line.tracking_no.clone());
    let attempts = line.attempts;
    let template = StoredValue::new(template);
    let typed = StoredValue::new(items.clone());
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        let answers: Vec<(String, String)> =
            typed.with_value(|items| items.iter().map(|(k, v)| (k.clone(), v.get_untracked())).collect());
        let input = callback_input(
            &outcome.get_untracked(),
            &satisfaction.get_untracked(),
            &resolved.get_untracked(),
            &answers,
            &comment.get_untracked(),
        );
        let record = match template.with_value(|t| CallbackRecord::parse(&input, t)) {
            Ok(record) => record,
            Err(fields) => return errors.show(prefixed(refused(fields), "callback")),
        };
        busy.set(true);
        spawn_local(async move {
            let number = no.get_value();
            match eval_api::record_callback(number.clone(), input).await {
                Ok(answer) => {
                    let lang = i18n.lang();
                    let text = match &record.rating {
                        Some(rating) => {
                            let effect = answer.effect.map(|e| lang.text(effect_key(e))).unwrap_or_default();
                            lang.fill(
                                "callbacks.recorded_reached",
                                &[
                                    ("no", &number),
                                    ("satisfaction", &lang.text(&satisfaction_key(rating.satisfaction))),
                                    ("effect", &effect),
                                ],
                            )
                        }
                        None => lang.fill(
                            "callbacks.recorded_missed",
                            &[
                                ("no", &number),
                                ("outcome", &lang.text(&outcome_key(record.outcome))),
                                ("n", &(attempts + 1).to_string()),
                            ],
                        ),
                    };
                    done.set(Some(text));
                    open.set(None);
                    list.refetch();
                    focus_soon("callback-status");
                }
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    errors.show_key("callbacks.conflict");
                    list.refetch();
                }
                Err(e) => errors.show(prefixed(e, "callback")),
            }
            busy.set(false);
        });
    };
    let outcomes = keyed(CallOutcome::ALL.map(|o| (o.as_str(), outcome_key(o))));
    let satisfactions = keyed(Satisfaction::ALL.map(|s| (s.as_str(), satisfaction_key(s))));
    let resolved_options =
        keyed([("yes", "callbacks.resolved.yes".to_owned()), ("no", "callbacks.resolved.no".to_owned())]);
    let item_groups = items
        .into_iter()
        .map(|(key, value)| {
            let label = item_label(&key);
            let path = intern(&format!("callback.items.{key}"));
            view! {
                <RadioGroup id=format!("callback-item-{key}") legend=label options=scale() value error=errors.field(path)/>
            }
        })
        .collect_view();
    // Back to the line's own button, which comes back as the form goes.
    let cancel = move |_| {
        open.set(None);
        let button = format!("record-callback-{}", no.get_value());
        request_animation_frame(move || {
            crate::dom::focus_id(&button);
        });
    };
    let reached = move || outcome.with(|o| o == CallOutcome::Reached.as_str());
    let heading = {
        let (no, title) = (line.tracking_no.clone(), line.title.clone());
        move || i18n.lang().fill("callbacks.form_heading", &[("no", &no), ("title", &title)])
    };
    view! {
        <div id="callback-form" class="panel-section">
            <h3 id="callback-form-heading" tabindex="-1">{heading}</h3>
            <ErrorSummary items=errors.summary(controls) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <RadioGroup id="callback-outcome".to_owned() legend=Signal::derive(move || i18n.t("field.callback.outcome").to_owned())
                    options=outcomes value=outcome error=errors.field("callback.outcome")/>
                <div hidden=move || !reached()>
                    <RadioGroup id="callback-satisfaction".to_owned()
                        legend=Signal::derive(move || i18n.t("field.callback.satisfaction").to_owned())
                        options=satisfactions value=satisfaction error=errors.field("callback.satisfaction")/>
                    <RadioGroup id="callback-resolved".to_owned()
                        legend=Signal::derive(move || i18n.t("field.callback.resolved").to_owned())
                        options=resolved_options value=resolved error=errors.field("callback.resolved")/>
                    {item_groups}
                    <TextField id="callback-comment" label=i18n.tr("field.callback.comment")
                        hint=i18n.tr("callbacks.comment_hint") value=comment error=errors.field("callback.comment")
                        multiline=true/>
                </div>
                <div class="button-row">
                    <button type="submit" id="save-callback" class="button" disabled=move || busy.get()>
                        {i18n.tr("callbacks.save")}
                    </button>
                    <button type="button" id="cancel-callback" class="button button--secondary" on:click=cancel>
                        {i18n.tr("callbacks.cancel")}
                    </button>
                </div>
            </form>
        </div>
    }
}
