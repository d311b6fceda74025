//! "Get updates" for one request, with the reporter's or a follower's token: by browser
//! notification (only offered where the browser and the deployment support Web Push) or by
//! e-mail. A subscription made here can be stopped here at once; every message can stop it too.

use crate::api::ApiError;
use crate::app::use_setup;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::i18n::use_i18n;
use crate::updates_api::{self, email_input, push_input, PushRefusal};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrors};
use shared::ids::{AccessToken, TrackingNo};

const CONTROLS: &[(&str, &str)] = &[("email", "updates-email"), ("endpoint", "updates-push")];

/// What this visit subscribed: the confirmation's key and the token that stops it.
#[derive(Clone)]
struct Done {
    key: &'static str,
    /// None when the subscription already existed: the messages carry the way to stop it.
    stop_token: Option<String>,
}

/// A plain function rather than a component, as the follow-up forms: one less wrapper in the
/// citizens' bundle.
pub fn updates_optin(no: TrackingNo, token: AccessToken) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::new();
    let email = RwSignal::new(String::new());
    let sending = RwSignal::new(false);
    let done: RwSignal<Option<Done>> = RwSignal::new(None);
    let stopped = RwSignal::new(false);
    let vapid = use_setup().get_untracked().and_then(Result::ok).and_then(|s| s.config.vapid_public_key);
    let push_offered = vapid.is_some() && updates_api::push_supported();

    let finish = move |result: Result<shared::subscription::SubscribeResponse, ApiError>, key: &'static str| {
        sending.set(false);
        match result {
            Ok(answer) => {
                stopped.set(false);
                done.set(Some(Done { key, stop_token: answer.unsubscribe_token }));
                request_animation_frame(|| {
                    crate::dom::focus_id("updates-done");
                });
            }
            Err(e) => errors.show(e),
        }
    };

    let by_email = {
        let (no, token) = (no.clone(), token.clone());
        move || {
            if sending.get_untracked() {
                return;
            }
            errors.clear();
            let mut refused = FieldErrors::new();
            let address = email.get_untracked();
            if shared::subscription::email(Some(&address), &mut refused).is_none() {
                let body = ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), refused);
                errors.show(ApiError::Api { status: 422, body });
                return;
            }
            sending.set(true);
            let input = email_input(&address, i18n.lang().tag());
            let (no, token) = (no.clone(), token.clone());
            spawn_local(async move {
                finish(updates_api::subscribe(&no, &token, &input).await, "updates.done.email");
            });
        }
    };

    let by_push = move |_| {
        let Some(key) = vapid.clone() else { return };
        if sending.get_untracked() {
            return;
        }
        errors.clear();
        sending.set(true);
        let (no, token) = (no.clone(), token.clone());
        spawn_local(async move {
            let input = updates_api::push_subscription(&key)
                .await
                .and_then(|json| push_input(&json, i18n.lang().tag()).ok_or(PushRefusal::Failed));
            match input {
                Ok(input) => finish(updates_api::subscribe(&no, &token, &input).await, "updates.done.push"),
                Err(refusal) => {
                    sending.set(false);
                    errors.show_key(refusal.key());
                }
            }
        });
    };

    let stop = move |_| {
        let Some(stop_token) = done.get_untracked().and_then(|d| d.stop_token) else { return };
        sending.set(true);
        spawn_local(async move {
            let result = updates_api::unsubscribe(&stop_token).await;
            sending.set(false);
            match result {
                Ok(_) => {
                    done.set(None);
                    stopped.set(true);
                    request_animation_frame(|| {
                        crate::dom::focus_id("updates-stopped");
                    });
                }
                Err(e) => errors.show(e),
            }
        });
    };

    view! {
        <section id="updates" class="private-box" aria-labelledby="updates-heading">
            <h2 id="updates-heading">{i18n.tr("updates.heading")}</h2>
            <p class="hint">{i18n.tr("updates.hint")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt id="updates-errors"/>
            <div id="updates-done" class="notice notice--success" role="status" tabindex="-1" hidden=move || done.with(Option::is_none)>
                <p>{move || done.with(|d| d.as_ref().map(|d| i18n.t(d.key)).unwrap_or_default())}</p>
                <p class="hint">{i18n.tr("updates.done.every_message")}</p>
                <button type="button" id="updates-stop" class="button button--secondary" on:click=stop disabled=sending
                    hidden=move || done.with(|d| d.as_ref().is_none_or(|d| d.stop_token.is_none()))>
                    {i18n.tr("updates.stop")}
                </button>
            </div>
            <p id="updates-stopped" class="notice" role="status" tabindex="-1" hidden=move || !stopped.get()>
                {i18n.tr("updates.stopped")}
            </p>
            {push_offered.then(|| view! {
                <p class="actions">
                    <button type="button" id="updates-push" class="button" on:click=by_push disabled=sending>
                        {i18n.tr("updates.push.button")}
                    </button>
                </p>
            })}
            <form
                class="form"
                id="updates-email-form"
                novalidate
                on:submit=move |ev: leptos::ev::SubmitEvent| {
                    ev.prevent_default();
                    by_email();
                }
            >
                <TextField
                    id="updates-email"
                    label=i18n.tr("updates.email.label")
                    hint=i18n.tr("updates.email.hint")
                    value=email
                    error=errors.field("email")
                    input_type="email"
                    autocomplete="email"
                />
                <button type="submit" id="updates-email-submit" class="button" disabled=sending aria-busy=move || sending.get().then_some("true")>
                    {i18n.tr_either(sending, "updates.sending", "updates.email.button")}
                </button>
            </form>
        </section>
    }
}
