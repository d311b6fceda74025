//! `/staff`: where a staff member starts: who they are and what their role lets them do.

use crate::app::page_title;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::i18n::use_i18n;
use crate::staff_menu::{menu_for, permission_key, role_key};
use leptos::prelude::*;

#[component]
pub fn StaffHomePage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("staff.home.heading").to_owned());
    let body = move || {
        session.0.get().map(|user| {
            let lang = i18n.lang();
            let tasks = menu_for(&user.permissions)
                .into_iter()
                .skip(1)
                .map(|item| view! { <li><a href=item.path>{lang.text(item.key)}</a></li> })
                .collect_view();
            let permissions =
                user.permissions.iter().map(|p| view! { <li>{lang.text(&permission_key(*p))}</li> }).collect_view();
            let greeting = lang.fill(
                "staff.home.greeting",
                &[("name", &user.display_name), ("role", &lang.text(&role_key(user.role)))],
            );
            view! {
                <p class="lead">{greeting}</p>
                {user.department.map(|d| view! { <p>{lang.fill("staff.home.department", &[("department", &d)])}</p> })}
                <h2>{lang.text("staff.home.tasks")}</h2>
                <ul class="link-list">{tasks}</ul>
                <h2>{lang.text("staff.home.permissions")}</h2>
                <ul>{permissions}</ul>
            }
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.home.heading")}</h1>
            {body}
        </StaffShell>
    }
}
