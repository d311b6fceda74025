//! `/staff/staff`: the staff accounts. Heads and supervisors read the list; admins add
//! accounts and switch them off (accounts are never deleted: the audit trail names them).

use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_form::{choices, department_choices, nonblank, SavedNotice};
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::i18n::use_i18n;
use crate::staff_api;
use crate::staff_menu::role_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::{Permission, Role};
use shared::org::{StaffInput, StaffUser};

const CONTROLS: &[(&str, &str)] = &[
    ("username", "member-username"),
    ("display_name", "member-display-name"),
    ("role", "member-role"),
    ("department", "member-department"),
    ("password", "member-password"),
];

type StaffList = LocalResource<Result<Vec<StaffUser>, crate::api::ApiError>>;

#[component]
pub fn MembersPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("staff.members.heading").to_owned());
    let list: StaffList = LocalResource::new(staff_api::staff);
    let table = move || {
        list.get().map(|result| match result {
            Ok(members) => view! { <MemberTable members list/> }.into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.members.heading")}</h1>
            {table}
            <Show when=move || session.may(Permission::ManageStaff)>
                <NewMember list/>
            </Show>
        </StaffShell>
    }
}

#[component]
fn MemberTable(members: Vec<StaffUser>, list: StaffList) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let manage = session.may(Permission::ManageStaff);
    let toggle = move |id: String, active: bool| {
        spawn_local(async move {
            let input = StaffInput { active: Some(active), ..Default::default() };
            let _ = staff_api::update_staff(id, input).await;
            list.refetch();
        });
    };
    let rows = members
        .into_iter()
        .map(|m| {
            let id = m.id.clone();
            let action_key = if m.active { "staff.members.deactivate" } else { "staff.members.activate" };
            let label = i18n.lang().fill(
                if m.active { "staff.members.deactivate_named" } else { "staff.members.activate_named" },
                &[("name", m.username.as_str())],
            );
            let active = m.active;
            view! {
                <tr>
                    <td data-label=i18n.tr("field.username")><code>{m.username.as_str().to_owned()}</code></td>
                    <td data-label=i18n.tr("field.display_name")>{m.display_name}</td>
                    <td data-label=i18n.tr("field.role")>{i18n.tr_key(role_key(m.role))}</td>
                    <td data-label=i18n.tr("field.department")>{m.department}</td>
                    <td data-label=i18n.tr("field.active")>{i18n.tr(if m.active { "common.yes" } else { "common.no" })}</td>
                    <td>
                        {manage.then(|| view! {
                            <button type="button" class="button button--secondary button--small" aria-label=label
                                on:click=move |_| toggle(id.clone(), !active)>
                                {i18n.tr(action_key)}
                            </button>
                        })}
                    </td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="staff-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("field.username")}</th>
                    <th scope="col">{i18n.tr("field.display_name")}</th>
                    <th scope="col">{i18n.tr("field.role")}</th>
                    <th scope="col">{i18n.tr("field.department")}</th>
                    <th scope="col">{i18n.tr("field.active")}</th>
                    <th scope="col"><span class="visually-hidden">{i18n.tr("staff.tokens.actions")}</span></th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn NewMember(list: StaffList) -> impl IntoView {
    let i18n = use_i18n();
    let departments = LocalResource::new(staff_api::departments);
    let [username, display_name, role, department, password]: [RwSignal<String>; 5] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let saved = RwSignal::new(None::<String>);
    let roles = choices(Role::ALL.map(|r| (r.as_str(), role_key(r))));
    let department_options = department_choices(departments);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        saved.set(None);
        let input = StaffInput {
            username: nonblank(username),
            display_name: nonblank(display_name),
            role: nonblank(role),
            department: nonblank(department),
            password: nonblank(password),
            active: Some(true),
        };
        spawn_local(async move {
            match staff_api::create_staff(input).await {
                Ok(member) => {
                    saved.set(Some(member.display_name));
                    for s in [username, display_name, role, department, password] {
                        s.set(String::new());
                    }
                    list.refetch();
                }
                Err(e) => errors.show(e),
            }
        });
    };
    view! {
        <section aria-labelledby="new-member-heading">
            <h2 id="new-member-heading">{i18n.tr("staff.members.new")}</h2>
            <SavedNotice saved/>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="member-username" label=i18n.tr("field.username") hint=i18n.tr("field.username.hint")
                    value=username error=errors.field("username") autocomplete="off"/>
                <TextField id="member-display-name" label=i18n.tr("field.display_name") value=display_name
                    error=errors.field("display_name") autocomplete="off"/>
                <SelectField id="member-role" label=i18n.tr("field.role") options=roles value=role error=errors.field("role")/>
                <SelectField id="member-department" label=i18n.tr("field.department") options=department_options
                    value=department error=errors.field("department")/>
                <TextField id="member-password" label=i18n.tr("field.password") hint=i18n.tr("field.new_password.hint")
                    value=password error=errors.field("password") input_type="password" autocomplete="new-password"/>
                <button type="submit" id="create-member" class="button">{i18n.tr("staff.members.create")}</button>
            </form>
        </section>
    }
}
