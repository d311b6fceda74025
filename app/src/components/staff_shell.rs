//! The frame of every staff page: who is signed in, the menu their role allows, sign-out.
//! The session lives in a cookie the page cannot read, so the shell asks the server who
//! we are once per visit and sends anyone without a session to the sign-in page.

use crate::api::ApiError;
use crate::components::load_error::LoadError;
use crate::i18n::use_i18n;
use crate::staff_api;
use crate::staff_menu::{self, menu_for, role_key};
use crate::work_api;
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

/// The signed-in member's unread notifications, for the badge: asked once per page load (and
/// again when someone else signs in), kept current by the notifications page.
#[derive(Debug, Clone, Copy)]
pub struct Unread(RwSignal<Option<(String, Option<u32>)>>);

impl Default for Unread {
    fn default() -> Self {
        Unread(RwSignal::new(None))
    }
}

impl Unread {
    /// The count for the member `user`, if known.
    fn count(&self, user: &str) -> Option<u32> {
        self.0.with(|u| u.as_ref().filter(|(id, _)| id == user).and_then(|(_, n)| *n))
    }

    pub fn set(&self, user: &str, count: u32) {
        self.0.set(Some((user.to_owned(), Some(count))));
    }
}

pub fn use_unread() -> Unread {
    expect_context::<Unread>()
}

/// Ask for the count unless it was asked for this member already (even if that failed: the
/// badge is a courtesy, not worth a request on every page).
fn load_unread(unread: Unread, user: String) {
    if unread.0.with_untracked(|u| u.as_ref().is_some_and(|(id, _)| *id == user)) {
        return;
    }
    unread.0.set(Some((user.clone(), None)));
    spawn_local(async move {
        if let Ok(list) = work_api::notifications().await {
            unread.set(&user, list.unread);
        }
    });
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

    let unread = use_unread();
    Effect::new(move |_| {
        if let Some(id) = session.0.with(|u| u.as_ref().map(|u| u.id.clone())) {
            load_unread(unread, id);
        }
    });
    let unread_count = move || session.0.with(|u| u.as_ref().and_then(|u| unread.count(&u.id))).filter(|n| *n > 0);
    let notifications_label = move || match unread_count() {
        Some(n) => i18n.tf("work.notices.link_unread", &[("count", &n.to_string())]),
        None => i18n.t("work.notices.link").to_owned(),
    };

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
                <div class="staff-bar__who">
                    <a href="/staff/notifications" id="notifications-link" aria-label=notifications_label
                        aria-current=move || (location.pathname.get() == "/staff/notifications").then_some("page")>
                        {i18n.tr("work.notices.link")}
                        {move || unread_count().map(|n| view! { " "<span id="unread-count" class="tag tag--very_urgent">{n}</span> })}
                    </a>
                    <button type="button" id="sign-out" class="button button--secondary button--small" on:click=sign_out.clone()>
                        {i18n.tr("staff.sign_out")}
                    </button>
                </div>
            </div>
            <nav id="staff-nav" class="staff-nav" aria-label=i18n.tr("staff.nav.label")>{menu}</nav>
            <div class="page page--wide">{children()}</div>
        </Show>
    }
}
