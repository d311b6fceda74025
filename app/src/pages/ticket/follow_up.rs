//! The reporter's two follow-ups through the private link: add information (while the work is
//! open, or within the window after the reply) and "not satisfied, handle it again" (within the
//! window). Checked with the server's own parsers first, so a slow network is not spent on an
//! empty field; one error summary serves both forms.

use crate::api::{self, ApiError};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::dom;
use crate::i18n::use_i18n;
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::{ApiErrorBody, ErrorCode};
use shared::handling::{parse_more_info, parse_reopen, CitizenFollowUpInput};
use shared::ids::{AccessToken, TrackingNo};

/// Field paths of the API and the controls that show them.
const CONTROLS: &[(&str, &str)] = &[("text", "info-text"), ("reason", "reopen-reason")];

/// A plain function rather than a component, like its parts: each component costs the
/// citizens' bundle its own wrapper code.
pub(super) fn follow_up(
    no: TrackingNo,
    token: AccessToken,
    can_add: bool,
    can_reopen: bool,
    until: Option<DateTime<Utc>>,
    // The confirmation to show once the view is reloaded.
    done: RwSignal<Option<&'static str>>,
    reload: Callback<()>,
) -> impl IntoView {
    let i18n = use_i18n();
    let errors = FormErrors::new();
    let (text, reason) = (RwSignal::new(String::new()), RwSignal::new(String::new()));
    let (adding, reopening) = (RwSignal::new(false), RwSignal::new(false));

    let send = Callback::new(move |reopen: bool| {
        let sending = if reopen { reopening } else { adding };
        if adding.get_untracked() || reopening.get_untracked() {
            return;
        }
        errors.clear();
        done.set(None);
        let input = if reopen {
            CitizenFollowUpInput { reason: Some(reason.get_untracked()), text: None }
        } else {
            CitizenFollowUpInput { reason: None, text: Some(text.get_untracked()) }
        };
        let checked = if reopen { parse_reopen(&input).map(drop) } else { parse_more_info(&input).map(drop) };
        if let Err(fields) = checked {
            let body = ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields);
            errors.show(ApiError::Api { status: 422, body });
            return;
        }
        sending.set(true);
        let (no, token) = (no.clone(), token.clone());
        spawn_local(async move {
            let action = if reopen { "reopen" } else { "info" };
            let result = api::private_post(&no, &token, action, api::to_json(&input)).await.map(drop);
            sending.set(false);
            match result {
                Ok(()) => {
                    done.set(Some(if reopen { "follow.reopen.done" } else { "follow.info.done" }));
                    reload.run(());
                }
                // The window closed, or the request moved on, since the page was loaded.
                Err(e) if e.code() == Some(ErrorCode::Conflict) => {
                    errors.show_key(if reopen { "follow.reopen.closed" } else { "follow.info.closed" })
                }
                Err(e) => errors.show(e),
            }
        });
    });

    let until = until.filter(|_| can_reopen);
    let until_text = move || {
        until
            .map(|at| i18n.tf("follow.until", &[("time", &dom::format_datetime(&at, i18n.lang()))]))
            .unwrap_or_default()
    };
    let add = can_add.then(|| {
        form(
            ("info", "info-text"),
            ["follow.info.heading", "follow.info.hint", "field.text", "follow.info.button"],
            text,
            errors.field("text"),
            adding,
            move || send.run(false),
        )
    });
    let reopen = can_reopen.then(|| {
        form(
            ("reopen", "reopen-reason"),
            ["follow.reopen.heading", "follow.reopen.hint", "follow.reopen.label", "follow.reopen.button"],
            reason,
            errors.field("reason"),
            reopening,
            move || send.run(true),
        )
    });
    view! {
        <section id="follow-up" aria-labelledby="follow-up-heading">
            <h2 id="follow-up-heading">{i18n.tr("follow.heading")}</h2>
            <p class="hint" id="follow-up-until" hidden=until.is_none()>{until_text}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            {add}
            {reopen}
        </section>
    }
}

/// One of the two forms: a labelled text area and its button. One function for both, so the
/// wasm holds one form shape. `keys`: heading, hint, label, button.
fn form(
    (id, field): (&'static str, &'static str),
    [heading, hint, label, button]: [&'static str; 4],
    value: RwSignal<String>,
    error: Signal<Option<String>>,
    sending: RwSignal<bool>,
    on_send: impl Fn() + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <form
            class="form private-box"
            id=format!("{id}-form")
            aria-labelledby=format!("{id}-heading")
            novalidate
            on:submit=move |ev: leptos::ev::SubmitEvent| {
                ev.prevent_default();
                on_send();
            }
        >
            <h3 id=format!("{id}-heading")>{i18n.tr(heading)}</h3>
            <TextField id=field label=i18n.tr(label) hint=i18n.tr(hint) value error multiline=true/>
            <button type="submit" id=format!("{id}-submit") class="button" disabled=sending aria-busy=move || sending.get().then_some("true")>
                {i18n.tr_either(sending, "follow.sending", button)}
            </button>
        </form>
    }
}
