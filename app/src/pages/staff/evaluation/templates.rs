//! The rating templates (分档分类评价), read-only: which kinds of request each applies to, how
//! satisfaction, resolution and the template's own questions are weighted, and the grade bands.

use super::policy::SettingsResource;
use crate::app::use_setup;
use crate::components::load_error::LoadError;
use crate::eval_api::{band_key, item_key, number_text};
use crate::i18n::{use_i18n, Lang};
use crate::pages::staff::dispatch::parts::{category_path, join};
use leptos::prelude::*;
use shared::catalogue::CategoryCode;
use shared::evaluation::EvaluationTemplate;

/// The shipped templates' names; a city's own show under their key.
const NAMED: [&str; 3] = ["repair", "consultation", "general"];

fn label(lang: Lang, known: Option<String>, key: &str) -> String {
    known.map_or_else(|| key.to_owned(), |k| lang.text(&k))
}

#[component]
pub(super) fn TemplatesSection(settings: SettingsResource) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let row = move |t: EvaluationTemplate, lang: Lang| {
        let name = label(lang, NAMED.contains(&t.key.as_str()).then(|| format!("eval.template.{}", t.key)), &t.key);
        let families = if t.families.is_empty() {
            lang.text("eval.templates.default")
        } else {
            let named = t.families.iter().map(|f| match CategoryCode::parse(f) {
                Some(code) => format!("{f} {}", category_path(setup, &code)),
                None => f.clone(),
            });
            join(lang, named)
        };
        let weights = lang.fill(
            "eval.templates.weights_value",
            &[("satisfaction", &number_text(t.satisfaction_weight)), ("resolved", &number_text(t.resolved_weight))],
        );
        let items = join(
            lang,
            t.items.iter().map(|i| format!("{} {}", label(lang, item_key(&i.key), &i.key), number_text(i.weight))),
        );
        let mut bands = t.bands.clone();
        bands.sort_by(|a, b| b.min.total_cmp(&a.min));
        let bands = join(
            lang,
            bands.iter().map(|b| format!("{} ≥ {}", label(lang, band_key(&b.key), &b.key), number_text(b.min))),
        );
        view! {
            <tr>
                <td data-label=lang.text("eval.templates.key")>{name}" "<code>{t.key.clone()}</code></td>
                <td data-label=lang.text("eval.templates.families")>{families}</td>
                <td data-label=lang.text("eval.templates.weights")>{weights}</td>
                <td data-label=lang.text("eval.templates.items")>{items}</td>
                <td data-label=lang.text("eval.templates.bands")>{bands}</td>
            </tr>
        }
    };
    let body = move || {
        settings.get().map(|result| match result {
            Ok(s) => {
                let lang = i18n.lang();
                let rows = s.templates.into_iter().map(|t| row(t, lang)).collect_view();
                view! {
                    <div class="table-wrap" tabindex="0">
                        <table class="table table--stack" id="template-table">
                            <thead><tr>
                                <th scope="col">{i18n.tr("eval.templates.key")}</th>
                                <th scope="col">{i18n.tr("eval.templates.families")}</th>
                                <th scope="col">{i18n.tr("eval.templates.weights")}</th>
                                <th scope="col">{i18n.tr("eval.templates.items")}</th>
                                <th scope="col">{i18n.tr("eval.templates.bands")}</th>
                            </tr></thead>
                            <tbody>{rows}</tbody>
                        </table>
                    </div>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| settings.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="templates-heading">
            <h2 id="templates-heading">{i18n.tr("eval.templates.heading")}</h2>
            <p class="hint">{i18n.tr("eval.templates.lead")}</p>
            {body}
        </section>
    }
}
