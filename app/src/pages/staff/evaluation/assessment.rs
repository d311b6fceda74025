//! The monthly assessment (三率考核): what "basically satisfied" is worth, how much each rate
//! counts in the score, the red and black list thresholds and how many assessed requests a
//! department needs before it is ranked. The same settings are published with the figures.

use crate::components::error_summary::ErrorSummary;
use crate::components::field::InlineError;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::eval_api::{self, assessment_input, assessment_texts, prefixed, refused, ASSESSMENT_FIELDS};
use crate::i18n::use_i18n;
use crate::pages::staff::deadlines::{facts, Saved};
use crate::pages::staff::dispatch::parts::focus_soon;
use crate::pages::staff::radios::intern;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::assessment::AssessmentSettings;

/// Label and hint keys of each number, in `ASSESSMENT_FIELDS`' order.
const LABELS: [(&str, &str); 10] = [
    ("field.assessment.basically_satisfied_weight", "eval.assessment.basically_hint"),
    ("field.assessment.weights.response", "eval.assessment.weight_hint"),
    ("field.assessment.weights.resolution", "eval.assessment.weight_hint"),
    ("field.assessment.weights.satisfaction", "eval.assessment.weight_hint"),
    ("field.assessment.weights.on_time", "eval.assessment.weight_hint"),
    ("field.assessment.weights.redispatch", "eval.assessment.weight_hint"),
    ("field.assessment.weights.repeat", "eval.assessment.weight_hint"),
    ("field.assessment.red_threshold", "eval.assessment.red_hint"),
    ("field.assessment.black_threshold", "eval.assessment.black_hint"),
    ("field.assessment.min_tickets", "eval.assessment.min_hint"),
];

fn controls() -> &'static [(&'static str, &'static str)] {
    let mut pairs: Vec<(String, String)> =
        ASSESSMENT_FIELDS.iter().map(|(f, id)| (format!("assessment.{f}"), (*id).to_owned())).collect();
    // "At least one weight above 0" belongs to the weights as a whole: the first one.
    pairs.insert(1, ("assessment.weights".into(), ASSESSMENT_FIELDS[1].1.to_owned()));
    crate::pages::staff::radios::controls(&pairs)
}

#[component]
pub(super) fn AssessmentSection(editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = LocalResource::new(eval_api::assessment_settings);
    let body = move || {
        settings.get().map(|result| match result {
            Ok(s) if editable.get() => view! { <AssessmentForm current=s/> }.into_any(),
            Ok(s) => {
                let items = LABELS.iter().zip(assessment_texts(&s)).map(|((label, _), v)| (*label, v)).collect();
                facts("assessment-facts", items).into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| settings.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="assessment-heading">
            <h2 id="assessment-heading">{i18n.tr("eval.assessment.heading")}</h2>
            <p class="hint">{i18n.tr("eval.assessment.lead")}</p>
            {body}
        </section>
    }
}

#[component]
fn AssessmentForm(current: AssessmentSettings) -> impl IntoView {
    let i18n = use_i18n();
    let values: [RwSignal<String>; 10] = assessment_texts(&current).map(RwSignal::new);
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        let texts = values.map(|v| v.get_untracked());
        let input = match assessment_input(&texts) {
            Ok(input) => input,
            Err(fields) => return errors.show(prefixed(refused(fields), "assessment")),
        };
        if let Err(fields) = AssessmentSettings::parse(&input) {
            return errors.show(prefixed(refused(fields), "assessment"));
        }
        busy.set(true);
        spawn_local(async move {
            match eval_api::save_assessment(input).await {
                Ok(now) => {
                    for (value, text) in values.iter().zip(assessment_texts(&now)) {
                        value.set(text);
                    }
                    saved.set(true);
                    focus_soon("assessment-status");
                }
                Err(e) => errors.show(prefixed(e, "assessment")),
            }
            busy.set(false);
        });
    };
    let field = move |i: usize| {
        let (path, id) = ASSESSMENT_FIELDS[i];
        let (label, hint) = LABELS[i];
        let path = intern(&format!("assessment.{path}"));
        view! {
            <TextField id label=i18n.tr(label) hint=i18n.tr(hint) value=values[i] error=errors.field(path)
                inputmode="decimal" autocomplete="off"/>
        }
    };
    let weights_error = errors.field("assessment.weights");
    let weights = (1..7).map(field).collect_view();
    view! {
        <Saved id="assessment-status" text=Signal::derive(move || saved.get().then(|| i18n.lang().text("deadlines.saved")))/>
        <ErrorSummary items=errors.summary(controls()) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            {field(0)}
            <fieldset class="fieldset field" class:field--error=move || weights_error.with(Option::is_some)>
                <legend class="label">{i18n.tr("eval.assessment.weights")}</legend>
                <p class="hint">{i18n.tr("eval.assessment.weights_hint")}</p>
                <InlineError id="assessment-weights-error".to_owned() message=weights_error/>
                {weights}
            </fieldset>
            {field(7)}
            {field(8)}
            {field(9)}
            <button type="submit" id="save-assessment" class="button" disabled=move || busy.get()>
                {i18n.tr("eval.assessment.save")}
            </button>
        </form>
    }
}
