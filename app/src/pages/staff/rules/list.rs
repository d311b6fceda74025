//! The responsibility list as a table, with deletion for admins.

use super::*;

#[component]
pub(super) fn RuleList(rules: Rules, coverage: CoverageResource, names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let setup = use_setup();
    let errors = FormErrors::new();
    let deleted = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let delete = move |id: i64| {
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        deleted.set(false);
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::delete_rule(id).await {
                Ok(()) => {
                    deleted.set(true);
                    rules.refetch();
                    coverage.refetch();
                    focus_soon("rule-list-status");
                }
                Err(e) => {
                    errors.show(e);
                    rules.refetch();
                }
            }
            busy.set(false);
        });
    };
    let table = move || {
        rules.get().map(|result| match result {
            Ok(list) if list.is_empty() => view! { <p id="rule-table">{i18n.tr("rules.none")}</p> }.into_any(),
            Ok(list) => {
                let may_edit = session.may(Permission::ManageRules);
                let lang = i18n.lang();
                let names = names.get().unwrap_or_default();
                let rows = list
                    .into_iter()
                    .map(|row| {
                        let id = row.id;
                        let r = row.rule;
                        let category = r
                            .category
                            .as_ref()
                            .map_or_else(|| lang.text("rules.any_category"), |c| category_path(setup, c));
                        let area = r.area.as_deref().map_or_else(|| lang.text("rules.any_area"), |a| names.area(a));
                        let kind = r.kind.map_or_else(|| lang.text("rules.any_kind"), |k| lang.text(&kind_key(k)));
                        let lead = names.department(&r.lead);
                        let co = if r.co_handlers.is_empty() {
                            lang.text("common.none")
                        } else {
                            names.departments_named(&r.co_handlers, lang)
                        };
                        let label = lang.fill("rules.delete_named", &[("category", &category), ("lead", &lead)]);
                        view! {
                            <tr>
                                <td data-label=lang.text("field.category")>{category}</td>
                                <td data-label=lang.text("rules.field.area")>{area}</td>
                                <td data-label=lang.text("rules.field.kind")>{kind}</td>
                                <td data-label=lang.text("field.lead")>{lead}</td>
                                <td data-label=lang.text("field.co_handlers")>{co}</td>
                                {may_edit.then(|| view! {
                                    <td>
                                        <button type="button" id=format!("delete-rule-{id}")
                                            class="button button--secondary button--small" aria-label=label
                                            disabled=move || busy.get() on:click=move |_| delete(id)>
                                            {i18n.tr("rules.delete")}
                                        </button>
                                    </td>
                                })}
                            </tr>
                        }
                    })
                    .collect_view();
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table class="table table--stack" id="rule-table">
                            <thead><tr>
                                <th scope="col">{i18n.tr("field.category")}</th>
                                <th scope="col">{i18n.tr("rules.field.area")}</th>
                                <th scope="col">{i18n.tr("rules.field.kind")}</th>
                                <th scope="col">{i18n.tr("field.lead")}</th>
                                <th scope="col">{i18n.tr("field.co_handlers")}</th>
                                {may_edit.then(|| view! {
                                    <th scope="col"><span class="visually-hidden">{i18n.tr("rules.actions")}</span></th>
                                })}
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| rules.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="rule-list-heading">
            <h2 id="rule-list-heading">{i18n.tr("rules.list")}</h2>
            <div id="rule-list-status" role="status" tabindex="-1"
                class:notice=move || deleted.get() class:notice--success=move || deleted.get()>
                {move || deleted.get().then(|| i18n.t("rules.deleted"))}
            </div>
            <ErrorSummary items=errors.summary(&[]) attempt=errors.attempt/>
            {move || rules.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {table}
        </section>
    }
}
