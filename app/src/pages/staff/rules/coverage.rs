//! Which category x area pairs resolve to no lead, or to several.

use super::*;

#[component]
pub(super) fn CoverageReport(coverage: CoverageResource, names: LocalResource<Lookups>) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let body = move || {
        coverage.get().map(|result| match result {
            Ok(report) => {
                let lang = i18n.lang();
                let names = names.get().unwrap_or_default();
                let rows = gap_rows(&report.items);
                let clashes = rows.iter().filter(|r| r.clash()).count();
                let summary = lang.fill(
                    "rules.coverage.summary",
                    &[
                        ("checked", &report.checked.to_string()),
                        ("gaps", &report.gaps.to_string()),
                        ("pairs", &rows.len().to_string()),
                        ("clashes", &clashes.to_string()),
                    ],
                );
                let shown = rows.len().min(COVERAGE_ROWS);
                let more = (rows.len() > shown).then(|| {
                    lang.fill("rules.coverage.more", &[("shown", &shown.to_string()), ("count", &rows.len().to_string())])
                });
                let table = (!rows.is_empty()).then(|| {
                    let lines = rows
                        .into_iter()
                        .take(COVERAGE_ROWS)
                        .map(|row| {
                            let problem = if row.clash() {
                                lang.fill("rules.coverage.clash", &[("leads", &names.departments_named(&row.leads, lang))])
                            } else {
                                lang.text("rules.coverage.no_lead")
                            };
                            let area =
                                row.area.as_deref().map_or_else(|| lang.text("rules.coverage.no_area"), |a| names.area(a));
                            let kinds = join(lang, row.kinds.iter().map(|k| lang.text(&kind_key(*k))));
                            view! {
                                <tr class:coverage--clash=row.clash()>
                                    <td data-label=lang.text("field.category")>{category_path(setup, &row.category)}</td>
                                    <td data-label=lang.text("rules.field.area")>{area}</td>
                                    <td data-label=lang.text("rules.field.kind")>{kinds}</td>
                                    <td data-label=lang.text("rules.coverage.problem")>{problem}</td>
                                </tr>
                            }
                        })
                        .collect_view();
                    view! {
                        <div class="table-wrap" tabindex="0">
                            <table class="table table--stack" id="coverage-table">
                                <thead><tr>
                                    <th scope="col">{i18n.tr("field.category")}</th>
                                    <th scope="col">{i18n.tr("rules.field.area")}</th>
                                    <th scope="col">{i18n.tr("rules.field.kind")}</th>
                                    <th scope="col">{i18n.tr("rules.coverage.problem")}</th>
                                </tr></thead>
                                <tbody>{lines}</tbody>
                            </table>
                        </div>
                    }
                });
                view! {
                    <p id="coverage-summary">{summary}</p>
                    {more.map(|m| view! { <p class="hint" id="coverage-more">{m}</p> })}
                    {table}
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| coverage.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="coverage-heading" id="coverage">
            <h2 id="coverage-heading">{i18n.tr("rules.coverage.heading")}</h2>
            <p class="hint">{i18n.tr("rules.coverage.lead")}</p>
            {move || coverage.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </section>
    }
}
