//! `/staff/account`: change one's password, sign out everywhere, and manage API tokens for
//! integrations (a new token is shown once; only its hash is kept).

use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::TextField;
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::components::time::Time;
use crate::i18n::use_i18n;
use crate::staff_api;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::org::TokenInfo;

const PASSWORD_CONTROLS: &[(&str, &str)] =
    &[("current_password", "current-password"), ("new_password", "new-password")];

#[component]
pub fn AccountPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("staff.account.heading").to_owned());
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.account.heading")}</h1>
            <PasswordForm/>
            <Tokens/>
            <SignOutEverywhere/>
        </StaffShell>
    }
}

#[component]
fn PasswordForm() -> impl IntoView {
    let i18n = use_i18n();
    let current = RwSignal::new(String::new());
    let new = RwSignal::new(String::new());
    let errors = FormErrors::new();
    let done = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        busy.set(true);
        errors.clear();
        done.set(false);
        spawn_local(async move {
            match staff_api::change_password(current.get_untracked(), new.get_untracked()).await {
                Ok(()) => {
                    current.set(String::new());
                    new.set(String::new());
                    done.set(true);
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="password-heading">
            <h2 id="password-heading">{i18n.tr("staff.account.password")}</h2>
            <ErrorSummary items=errors.summary(PASSWORD_CONTROLS) attempt=errors.attempt/>
            <Show when=move || done.get()>
                <p class="notice notice--success" role="status" id="password-changed">{i18n.tr("staff.account.password_changed")}</p>
            </Show>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="current-password" label=i18n.tr("field.current_password") value=current
                    error=errors.field("current_password") input_type="password" autocomplete="current-password"/>
                <TextField id="new-password" label=i18n.tr("field.new_password") hint=i18n.tr("field.new_password.hint")
                    value=new error=errors.field("new_password") input_type="password" autocomplete="new-password"/>
                <button type="submit" id="change-password" class="button" disabled=move || busy.get()>
                    {i18n.tr("staff.account.change_password")}
                </button>
            </form>
        </section>
    }
}

#[component]
fn Tokens() -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(staff_api::tokens);
    let name = RwSignal::new(String::new());
    let name_error = RwSignal::new(None::<String>);
    let created = RwSignal::new(None::<TokenInfo>);
    let on_create = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        name_error.set(None);
        spawn_local(async move {
            match staff_api::create_token(name.get_untracked()).await {
                Ok(token) => {
                    name.set(String::new());
                    created.set(Some(token));
                    list.refetch();
                }
                Err(e) => name_error.set(Some(match &e {
                    crate::api::ApiError::Api { body, .. } => body
                        .fields
                        .get("name")
                        .map(|fe| crate::i18n::field_message(i18n.lang(), "name", fe))
                        .unwrap_or_else(|| e.describe(i18n.lang())),
                    _ => e.describe(i18n.lang()),
                })),
            }
        });
    };
    let revoke = move |id: String| {
        spawn_local(async move {
            let _ = staff_api::revoke_token(id).await;
            list.refetch();
        });
    };
    let rows = move || {
        list.get().map(|result| match result {
            Ok(tokens) if tokens.is_empty() => view! { <p>{i18n.tr("staff.tokens.none")}</p> }.into_any(),
            Ok(tokens) => {
                let rows = tokens
                    .into_iter()
                    .map(|t| {
                        let id = t.id.clone();
                        view! {
                            <tr>
                                <td>{t.name.clone()}</td>
                                <td><Time at=t.created_at/></td>
                                <td>{t.last_used_at.map(|at| view! { <Time at/> })}</td>
                                <td>
                                    <button type="button" class="button button--secondary button--small"
                                        aria-label=i18n.lang().fill("staff.tokens.revoke_named", &[("name", &t.name)])
                                        on:click=move |_| revoke(id.clone())>
                                        {i18n.tr("staff.tokens.revoke")}
                                    </button>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <table class="table" id="token-table">
                        <thead><tr>
                            <th scope="col">{i18n.tr("field.name")}</th>
                            <th scope="col">{i18n.tr("staff.tokens.created")}</th>
                            <th scope="col">{i18n.tr("staff.tokens.last_used")}</th>
                            <th scope="col"><span class="visually-hidden">{i18n.tr("staff.tokens.actions")}</span></th>
                        </tr></thead>
                        <tbody>{rows}</tbody>
                    </table>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="tokens-heading">
            <h2 id="tokens-heading">{i18n.tr("staff.tokens.heading")}</h2>
            <p class="hint">{i18n.tr("staff.tokens.lead")}</p>
            {move || created.get().and_then(|t| t.token).map(|secret| view! {
                <div class="notice notice--success" role="status">
                    <p>{i18n.tr("staff.tokens.copy_now")}</p>
                    <p><code id="new-token">{secret}</code></p>
                </div>
            })}
            {rows}
            <form class="form form--inline" novalidate on:submit=on_create>
                <TextField id="token-name" label=i18n.tr("staff.tokens.name") value=name error=name_error/>
                <button type="submit" id="create-token" class="button">{i18n.tr("staff.tokens.create")}</button>
            </form>
        </section>
    }
}

#[component]
fn SignOutEverywhere() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let navigate = use_navigate();
    let on_click = move |_| {
        let navigate = navigate.clone();
        spawn_local(async move {
            let _ = staff_api::revoke_all().await;
            session.0.set(None);
            navigate("/staff/login", Default::default());
        });
    };
    view! {
        <section aria-labelledby="sessions-heading">
            <h2 id="sessions-heading">{i18n.tr("staff.account.sessions")}</h2>
            <p class="hint">{i18n.tr("staff.account.sessions_lead")}</p>
            <button type="button" id="revoke-all" class="button button--secondary" on:click=on_click>
                {i18n.tr("staff.account.revoke_all")}
            </button>
        </section>
    }
}
