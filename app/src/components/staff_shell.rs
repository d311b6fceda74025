//! The frame of every staff page: who is signed in, the menu their role allows, sign-out.
//! The session lives in a cookie the page cannot read, so the shell asks the server who
//! we are once per visit and sends anyone without a session to the sign-in page.

use crate::api::ApiError;
use crate::components::load_error::LoadError;
use crate::i18n::use_i18n;
use crate::staff_api;
use crate::staff_menu::{self, menu_for, role_key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::{use_location, use_navigate};
use leptos_router::NavigateOptions;
use shared::auth::Permission;
use shared::error::ErrorCode;
use shared::org::StaffUser;

#[derive(Debug, Clone, Copy)]
pub struct StaffSession(pub RwSignal<Option<StaffUser>>);

impl StaffSession {
    pub fn may(&self, permission: Permission) -> bool {
        self.0.with(|u| u.as_ref().is_some_and(|u| u.permissions.contains(&permission)))
    }
}

pub fn use_staff() -> StaffSession {
    expect_context::<StaffSession>()
}

fn replace() -> NavigateOptions {
    NavigateOptions { replace: true, ..Default::default() }
}

#[component]
pub fn StaffShell(children: ChildrenFn) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let navigate = use_navigate();
    let location = use_location();
    let failure = RwSignal::new(None::<ApiError>);
    let attempt = RwSignal::new(0u32);

    Effect::new(move |_| {
        attempt.track();
        if session.0.with_untracked(Option::is_some) {
            return;
        }
        let navigate = navigate.clone();
        let here = location.pathname.get_untracked();
        spawn_local(async move {
            match staff_api::me().await {
                Ok(user) => session.0.set(Some(user)),
                Err(e) if e.code() == Some(ErrorCode::Unauthenticated) => {
                    navigate(&format!("/staff/login?next={here}"), replace());
                }
                Err(e) => failure.set(Some(e)),
            }
        });
    });

    let sign_out = {
        let navigate = use_navigate();
        move |_| {
            let navigate = navigate.clone();
            spawn_local(async move {
                // Even if the server is unreachable the page forgets the session.
                let _ = staff_api::logout().await;
                session.0.set(None);
                navigate("/staff/login", replace());
            });
        }
    };

    let menu = move || {
        let permissions = session.0.with(|u| u.as_ref().map(|u| u.permissions.clone()).unwrap_or_default());
        let current = location.pathname.with(|p| staff_menu::current(p));
        menu_for(&permissions)
            .into_iter()
            .map(|item| {
                view! {
                    <a href=item.path aria-current=(current == Some(item.path)).then_some("page")>
                        {i18n.tr(item.key)}
                    </a>
                }
            })
            .collect_view()
    };

    view! {
        {move || failure.get().map(|error| view! {
            <div class="page"><LoadError error retry=Callback::new(move |_| { failure.set(None); attempt.update(|n| *n += 1); })/></div>
        })}
        <Show when=move || session.0.with(Option::is_some)>
            <div class="staff-bar">
                <p class="staff-bar__who">
                    <span id="staff-user">{move || session.0.with(|u| u.as_ref().map(|u| u.display_name.clone()))}</span>
                    <span id="staff-role" class="tag">
                        {move || session.0.with(|u| u.as_ref().map(|u| i18n.lang().text(&role_key(u.role))))}
                    </span>
                </p>
                <button type="button" id="sign-out" class="button button--secondary button--small" on:click=sign_out.clone()>
                    {i18n.tr("staff.sign_out")}
                </button>
            </div>
            <nav id="staff-nav" class="staff-nav" aria-label=i18n.tr("staff.nav.label")>{menu}</nav>
            <div class="page page--wide">{children()}</div>
        </Show>
    }
}
