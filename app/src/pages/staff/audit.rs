//! `/staff/audit`: every staff action, newest first, read-only (the database refuses edits).

use crate::app::page_title;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::StaffShell;
use crate::components::time::Time;
use crate::i18n::use_i18n;
use crate::staff_api;
use crate::staff_menu::audit_action_key;
use leptos::prelude::*;
use shared::org::AuditEntry;

#[component]
pub fn AuditPage() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("staff.audit.heading").to_owned());
    // Paging by id: `before` is the oldest id shown, so new entries never shift a page.
    let before = RwSignal::new(None::<i64>);
    let page = LocalResource::new(move || staff_api::audit(before.get()));
    let body = move || {
        page.get().map(|result| match result {
            Ok(entries) => {
                let oldest = entries.last().map(|e| e.id);
                let full = entries.len() >= 50;
                view! {
                    <AuditTable entries/>
                    <div class="button-row">
                        <Show when=move || before.with(Option::is_some)>
                            <button type="button" class="button button--secondary" id="audit-newest"
                                on:click=move |_| before.set(None)>{i18n.tr("staff.audit.newest")}</button>
                        </Show>
                        {full.then(|| view! {
                            <button type="button" class="button button--secondary" id="audit-older"
                                on:click=move |_| before.set(oldest)>{i18n.tr("staff.audit.older")}</button>
                        })}
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| page.refetch())/> }.into_any(),
        })
    };
    view! {
        <StaffShell>
            <h1>{i18n.tr("staff.audit.heading")}</h1>
            <p class="hint">{i18n.tr("staff.audit.lead")}</p>
            {body}
        </StaffShell>
    }
}

#[component]
fn AuditTable(entries: Vec<AuditEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let rows = entries
        .into_iter()
        .map(|e| {
            let key = audit_action_key(&e.action);
            let action = e.action.clone();
            view! {
                <tr>
                    <td data-label=i18n.tr("staff.audit.at")><Time at=e.at/></td>
                    <td data-label=i18n.tr("staff.audit.actor")><code>{e.actor}</code></td>
                    <td data-label=i18n.tr("staff.audit.action")>
                        {move || i18n.lang().get(&key).map_or_else(|| action.clone(), str::to_owned)}
                    </td>
                    <td data-label=i18n.tr("staff.audit.target")>{e.target}</td>
                    <td data-label=i18n.tr("staff.audit.ip")>{e.ip}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="audit-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("staff.audit.at")}</th>
                    <th scope="col">{i18n.tr("staff.audit.actor")}</th>
                    <th scope="col">{i18n.tr("staff.audit.action")}</th>
                    <th scope="col">{i18n.tr("staff.audit.target")}</th>
                    <th scope="col">{i18n.tr("staff.audit.ip")}</th>
                </tr></thead>
                <tbody>{rows}</tbody>
            </table>
        </div>
    }
}
