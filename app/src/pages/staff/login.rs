//! `/staff/login`: staff sign in with their username and password.

use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::staff_shell::use_staff;
use crate::i18n::use_i18n;
use crate::staff_api;
use crate::staff_menu::safe_next;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_navigate, use_query_map};
use shared::error::ErrorCode;

const CONTROLS: &[(&str, &str)] = &[("username", "username"), ("password", "password")];

#[component]
pub fn StaffLoginPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let navigate = use_navigate();
    let query = use_query_map();
    page_title(move || i18n.t("staff.login.heading").to_owned());
    let username = RwSignal::new(String::new());
    let password = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let busy = RwSignal::new(false);

    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        errors.clear();
        let next = query.with_untracked(|q| safe_next(q.get("next").as_deref()).to_owned());
        let navigate = navigate.clone();
        spawn_local(async move {
            match staff_api::login(username.get_untracked(), password.get_untracked()).await {
                Ok(answer) => {
                    session.0.set(Some(answer.user));
                    navigate(&next, Default::default());
                }
                // One answer for a wrong name or a wrong password: which one is not told.
                Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => errors.show_key("staff.login.failed"),
                Err(e) => errors.show(e),
            }
            password.set(String::new());
            busy.set(false);
        });
    };

    view! {
        <div class="page">
            <h1>{i18n.tr("staff.login.heading")}</h1>
            <p class="lead">{i18n.tr("staff.login.lead")}</p>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="username" label=i18n.tr("field.username") value=username
                    error=errors.field("username") autocomplete="username"/>
                <TextField id="password" label=i18n.tr("field.password") value=password
                    error=errors.field("password") input_type="password" autocomplete="current-password"/>
                <button type="submit" id="sign-in" class="button" disabled=move || busy.get()>
                    {i18n.tr_either(busy, "staff.login.signing_in", "staff.login.button")}
                </button>
            </form>
        </div>
    }
}
