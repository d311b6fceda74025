//! How long after the reply a citizen may still add information or ask for the request to be
//! handled again (the follow-up window).

use super::*;

const CONTROLS: &[(&str, &str)] = &[("window_days", "follow-up-window")];

#[component]
pub(super) fn FollowUpSection(editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let settings = LocalResource::new(supervise_api::follow_up);
    let body = move || {
        settings.get().map(|result| match result {
            Ok(s) if editable.get() => view! { <FollowUpForm days=s.window_days/> }.into_any(),
            Ok(s) => facts("follow-up-facts", vec![("field.window_days", s.window_days.to_string())]).into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| settings.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="follow-up-heading">
            <h2 id="follow-up-heading">{i18n.tr("deadlines.follow_up.heading")}</h2>
            <p class="hint">{i18n.tr("deadlines.follow_up.lead")}</p>
            {body}
        </section>
    }
}

#[component]
fn FollowUpForm(days: u32) -> impl IntoView {
    let i18n = use_i18n();
    let window = RwSignal::new(days.to_string());
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
        // Blank is sent as absent, which the server names; a word is refused here.
        let text = window.get_untracked();
        let days = match text.trim() {
            "" => None,
            t => match t.parse::<i64>() {
                Ok(n) => Some(n),
                Err(_) => {
                    let mut fields = FieldErrors::new();
                    fields.add("window_days", shared::error::FieldErrorCode::InvalidFormat, "");
                    return errors.show(refused(fields));
                }
            },
        };
        busy.set(true);
        spawn_local(async move {
            match supervise_api::save_follow_up(days).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("follow-up-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <Saved id="follow-up-status" text=Signal::derive(move || saved.get().then(|| i18n.lang().text("deadlines.saved")))/>
        <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <TextField id="follow-up-window" label=i18n.tr("field.window_days") hint=i18n.tr("deadlines.follow_up.hint")
                value=window error=errors.field("window_days") inputmode="numeric" autocomplete="off"/>
            <button type="submit" id="save-follow-up" class="button" disabled=move || busy.get()>
                {i18n.tr("deadlines.follow_up.save")}
            </button>
        </form>
    }
}
