//! 街乡吹哨、部门报到: a street office summons departments to a problem on its patch; here a
//! supervisor sees those that came late or not at all.

use super::Lookups;
use crate::components::load_error::LoadError;
use crate::dispatch_api;
use crate::i18n::use_i18n;
use crate::pages::staff::rules::when;
use leptos::prelude::*;

/// 街乡吹哨、部门报到: departments a street office summoned that are overdue or reported late.
#[component]
pub(super) fn LateWhistles(names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let list = LocalResource::new(dispatch_api::late_whistles);
    let body = move || {
        list.get().map(|result| match result {
            Ok(rows) if rows.is_empty() => view! { <p id="whistle-table">{i18n.tr("whistles.none")}</p> }.into_any(),
            Ok(rows) => {
                let lang = i18n.lang();
                let names = names.get().unwrap_or_default();
                let lines = rows
                    .into_iter()
                    .map(|w| {
                        let overdue = w.status == "overdue";
                        let status = lang.text(if overdue { "whistles.status.overdue" } else { "whistles.status.reported_late" });
                        let shown = |at: &Option<String>| when(lang, at.as_deref());
                        let no = w.tracking_no.clone();
                        view! {
                            <tr>
                                <td data-label=lang.text("whistles.ticket")>
                                    <a class="mono" href=format!("/staff/dispatch/{no}")>{no.clone()}</a>
                                </td>
                                <td data-label=lang.text("whistles.department")>{names.department(&w.department)}</td>
                                <td data-label=lang.text("whistles.summoned")>
                                    {shown(&w.summoned_at)}
                                    {w.summoned_by.map(|by| format!(" · {by}"))}
                                </td>
                                <td data-label=lang.text("whistles.due")>{shown(&w.due_at)}</td>
                                <td data-label=lang.text("whistles.reported")>
                                    {w.reported_at.as_ref().map_or_else(|| lang.text("whistles.not_reported"), |_| shown(&w.reported_at))}
                                </td>
                                <td data-label=lang.text("whistles.status")>
                                    <span class="tag" class:tag--very_urgent=overdue class:tag--urgent=!overdue>{status}</span>
                                </td>
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table class="table table--stack" id="whistle-table">
                            <thead><tr>
                                <th scope="col">{i18n.tr("whistles.ticket")}</th>
                                <th scope="col">{i18n.tr("whistles.department")}</th>
                                <th scope="col">{i18n.tr("whistles.summoned")}</th>
                                <th scope="col">{i18n.tr("whistles.due")}</th>
                                <th scope="col">{i18n.tr("whistles.reported")}</th>
                                <th scope="col">{i18n.tr("whistles.status")}</th>
                            </tr></thead>
                            <tbody>{lines}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| list.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="whistles-heading">
            <h2 id="whistles-heading">{i18n.tr("whistles.heading")}</h2>
            <p class="hint">{i18n.tr("whistles.lead")}</p>
            {move || list.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </section>
    }
}
