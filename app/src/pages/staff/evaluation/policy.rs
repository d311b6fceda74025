//! What an unsatisfied, unresolved rating leads to (back to the lead at once, or a supervisor's
//! review first) and how many requests each observer's weekly sample holds.

use crate::api::ApiError;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::eval_api::{self, policy_input, policy_key, policy_value, prefixed, refused};
use crate::i18n::use_i18n;
use crate::pages::staff::deadlines::{facts, Saved};
use crate::pages::staff::dispatch::parts::focus_soon;
use crate::pages::staff::radios::{keyed, RadioGroup};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::evaluation::{EvaluationSettings, UnresolvedPolicy};

pub type SettingsResource = LocalResource<Result<EvaluationSettings, ApiError>>;

const CONTROLS: &[(&str, &str)] =
    &[("eval.on_unresolved", "policy-on-unresolved-review"), ("eval.sample_size", "policy-sample-size")];

#[component]
pub(super) fn PolicySection(editable: Signal<bool>, settings: SettingsResource) -> impl IntoView {
    let i18n = use_i18n();
    let body = move || {
        settings.get().map(|result| match result {
            Ok(s) if editable.get() => view! { <PolicyForm current=s/> }.into_any(),
            Ok(s) => {
                let policy = i18n.lang().text(policy_key(s.on_unresolved));
                facts(
                    "policy-facts",
                    vec![("field.eval.on_unresolved", policy), ("field.eval.sample_size", s.sample_size.to_string())],
                )
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| settings.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="policy-heading">
            <h2 id="policy-heading">{i18n.tr("eval.policy.heading")}</h2>
            <p class="hint">{i18n.tr("eval.policy.lead")}</p>
            {body}
        </section>
    }
}

#[component]
fn PolicyForm(current: EvaluationSettings) -> impl IntoView {
    let i18n = use_i18n();
    let policy = RwSignal::new(policy_value(current.on_unresolved).to_owned());
    let size = RwSignal::new(current.sample_size.to_string());
    let templates = StoredValue::new(current.templates);
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
        let input = match templates.with_value(|t| policy_input(&policy.get_untracked(), &size.get_untracked(), t)) {
            Ok(input) => input,
            Err(fields) => return errors.show(prefixed(refused(fields), "eval")),
        };
        if let Err(fields) = EvaluationSettings::parse(&input) {
            return errors.show(prefixed(refused(fields), "eval"));
        }
        busy.set(true);
        spawn_local(async move {
            match eval_api::save_evaluation(input).await {
                Ok(now) => {
                    templates.set_value(now.templates);
                    saved.set(true);
                    focus_soon("policy-status");
                }
                Err(e) => errors.show(prefixed(e, "eval")),
            }
            busy.set(false);
        });
    };
    let options = keyed(
        [UnresolvedPolicy::Review, UnresolvedPolicy::Reopen].map(|p| (policy_value(p), policy_key(p).to_owned())),
    );
    view! {
        <Saved id="policy-status" text=Signal::derive(move || saved.get().then(|| i18n.lang().text("deadlines.saved")))/>
        <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <RadioGroup id="policy-on-unresolved".to_owned()
                legend=Signal::derive(move || i18n.t("field.eval.on_unresolved").to_owned())
                hint=Signal::derive(move || i18n.t("eval.policy.hint").to_owned())
                options value=policy error=errors.field("eval.on_unresolved")/>
            <TextField id="policy-sample-size" label=i18n.tr("field.eval.sample_size") hint=i18n.tr("eval.policy.sample_hint")
                value=size error=errors.field("eval.sample_size") inputmode="numeric" autocomplete="off"/>
            <button type="submit" id="save-policy" class="button" disabled=move || busy.get()>
                {i18n.tr("eval.policy.save")}
            </button>
        </form>
    }
}
