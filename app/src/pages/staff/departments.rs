//! `/staff/departments`: the organisation every rule and ticket points at. Everyone signed
//! in may read it; admins add departments.

use crate::app::page_title;
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_form::{choices, department_choices, nonblank, SavedNotice};
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::i18n::use_i18n;
use crate::staff_api;
use crate::staff_menu::level_key;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::Permission;
use shared::org::{Department, DepartmentInput, DepartmentLevel};

const CONTROLS: &[(&str, &str)] = &[
    ("code", "dept-code"),
    ("name", "dept-name"),
    ("level", "dept-level"),
    ("parent", "dept-parent"),
    ("area", "dept-area"),
];

#[component]
pub fn DepartmentsPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("staff.departments.heading").to_owned());
    let list = LocalResource::new(staff_api::departments);
    let table = move || {
        list.get().map(|result| match result {
            Ok(departments) => view! { <DepartmentTable departments/> }.into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.departments.heading")}</h1>
            {table}
            <Show when=move || session.may(Permission::ManageDepartments)>
                <NewDepartment list/>
            </Show>
        </StaffShell>
    }
}

#[component]
fn DepartmentTable(departments: Vec<Department>) -> impl IntoView {
    let i18n = use_i18n();
    let names: std::collections::HashMap<String, String> =
        departments.iter().map(|d| (d.code.clone(), d.name.clone())).collect();
    let rows = departments
        .into_iter()
        .map(|d| {
            let parent = d.parent.as_ref().map(|p| names.get(p).cloned().unwrap_or_else(|| p.clone()));
            view! {
                <tr>
                    <td data-label=i18n.tr("field.code")><code>{d.code}</code></td>
                    <td data-label=i18n.tr("field.name")>{d.name}</td>
                    <td data-label=i18n.tr("field.level")>{i18n.tr_key(level_key(d.level))}</td>
                    <td data-label=i18n.tr("field.parent")>{parent}</td>
                    <td data-label=i18n.tr("field.area")>{d.area}</td>
                    <td data-label=i18n.tr("field.active")>{i18n.tr(if d.active { "common.yes" } else { "common.no" })}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="department-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("field.code")}</th>
                    <th scope="col">{i18n.tr("field.name")}</th>
                    <th scope="col">{i18n.tr("field.level")}</th>
                    <th scope="col">{i18n.tr("field.parent")}</th>
                    <th scope="col">{i18n.tr("field.area")}</th>
                    <th scope="col">{i18n.tr("field.active")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}

#[component]
fn NewDepartment(list: LocalResource<Result<Vec<Department>, crate::api::ApiError>>) -> impl IntoView {
    let i18n = use_i18n();
    let [code, name, level, parent, area]: [RwSignal<String>; 5] =
        std::array::from_fn(|_| RwSignal::new(String::new()));
    let errors = FormErrors::new();
    let saved = RwSignal::new(None::<String>);
    let levels = choices(DepartmentLevel::ALL.map(|l| (l.as_str(), level_key(l))));
    let parents = department_choices(list);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        errors.clear();
        saved.set(None);
        let input = DepartmentInput {
            code: nonblank(code),
            name: nonblank(name),
            level: nonblank(level),
            parent: nonblank(parent),
            area: nonblank(area),
            active: Some(true),
        };
        spawn_local(async move {
            match staff_api::create_department(input).await {
                Ok(d) => {
                    saved.set(Some(d.name));
                    for s in [code, name, level, parent, area] {
                        s.set(String::new());
                    }
                    list.refetch();
                }
                Err(e) => errors.show(e),
            }
        });
    };
    view! {
        <section aria-labelledby="new-department-heading">
            <h2 id="new-department-heading">{i18n.tr("staff.departments.new")}</h2>
            <SavedNotice saved/>
            <ErrorSummary items=errors.summary(CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="dept-code" label=i18n.tr("field.code") hint=i18n.tr("field.code.hint") value=code
                    error=errors.field("code") autocomplete="off"/>
                <TextField id="dept-name" label=i18n.tr("field.name") value=name error=errors.field("name")/>
                <SelectField id="dept-level" label=i18n.tr("field.level") options=levels value=level error=errors.field("level")/>
                <SelectField id="dept-parent" label=i18n.tr("field.parent") options=parents value=parent error=errors.field("parent")/>
                <TextField id="dept-area" label=i18n.tr("field.area") hint=i18n.tr("field.area.hint") value=area
                    error=errors.field("area") autocomplete="off"/>
                <button type="submit" id="create-department" class="button">{i18n.tr("staff.departments.create")}</button>
            </form>
        </section>
    }
}
