//! The SLA table (办理时限): how soon a request must be accepted (hours) and answered (working
//! days), by category and urgency, with a default per urgency for everything no rule covers.
//! The most specific rule wins: the longest category prefix, then a named urgency over "any".

use super::*;
use crate::app::{use_setup, SetupResource};
use crate::pages::staff::dispatch::parts::category_path;
use crate::staff_menu::urgency_key;
use crate::supervise_api::{sla_input, SlaRowText};
use shared::catalogue::CategoryCode;
use shared::dispatch::Urgency;
use shared::sla::SlaTable;

static RULES: Rows = Rows {
    list: "rules",
    id: "sla-rule",
    label: "sla",
    columns: &["category", "urgency", "response_hours", "resolution_days"],
    row_name: rule_name,
};

/// One row per urgency, in `Urgency::ALL`'s order (as `SlaTable::to_input` lists them).
static DEFAULTS: Rows = Rows {
    list: "defaults",
    id: "sla-default",
    label: "sla",
    columns: &["response_hours", "resolution_days"],
    row_name: default_name,
};

static TABLES: &[&Rows] = &[&RULES, &DEFAULTS];

fn rule_name(lang: Lang, row: usize) -> String {
    lang.fill("deadlines.sla.rule_row", &[("n", &(row + 1).to_string())])
}

fn urgency_name(lang: Lang, urgency: Option<Urgency>) -> String {
    urgency.map_or_else(|| lang.text("deadlines.sla.any_urgency"), |u| lang.text(&urgency_key(u)))
}

fn default_name(lang: Lang, row: usize) -> String {
    lang.fill("deadlines.sla.default_row", &[("urgency", &urgency_name(lang, Urgency::ALL.get(row).copied()))])
}

/// A category's name from the catalogue, when the code is one and it has a name.
fn category_name(setup: SetupResource, code: &str) -> Option<String> {
    let code = CategoryCode::parse(code.trim())?;
    Some(category_path(setup, &code)).filter(|name| name != code.as_str())
}

#[component]
pub(super) fn SlaSection(editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let table = LocalResource::new(supervise_api::sla);
    let body = move || {
        table.get().map(|result| match result {
            Ok(table) if editable.get() => view! { <SlaForm table/> }.into_any(),
            Ok(table) => sla_facts(&table).into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| table.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="sla-heading">
            <h2 id="sla-heading">{i18n.tr("deadlines.sla.heading")}</h2>
            <p class="hint">{i18n.tr("deadlines.sla.lead")}</p>
            {move || table.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </section>
    }
}

fn sla_facts(table: &SlaTable) -> impl IntoView {
    let i18n = use_i18n();
    let lang = i18n.lang();
    let setup = use_setup();
    let rule_rows = table.rules.iter().map(|r| {
        let category = r.category.as_deref().map_or_else(
            || lang.text("deadlines.sla.any_category"),
            |c| category_name(setup, c).map_or_else(|| c.to_owned(), |name| format!("{c} {name}")),
        );
        (category, urgency_name(lang, r.urgency), r.response_hours, r.resolution_days)
    });
    let default_rows = Urgency::ALL.into_iter().map(|u| {
        let sla = table.default_by_urgency.get(u);
        (lang.text("deadlines.sla.default"), urgency_name(lang, Some(u)), sla.response_hours, sla.resolution_days)
    });
    let lines = rule_rows
        .chain(default_rows)
        .map(|(category, urgency, hours, days)| {
            view! {
                <tr>
                    <td data-label=lang.text("field.sla.category")>{category}</td>
                    <td data-label=lang.text("field.sla.urgency")>{urgency}</td>
                    <td data-label=lang.text("field.sla.response_hours")>{hours}</td>
                    <td data-label=lang.text("field.sla.resolution_days")>{days}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="sla-table">
                <thead><tr>
                    <th scope="col">{i18n.tr("field.sla.category")}</th>
                    <th scope="col">{i18n.tr("field.sla.urgency")}</th>
                    <th scope="col">{i18n.tr("field.sla.response_hours")}</th>
                    <th scope="col">{i18n.tr("field.sla.resolution_days")}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
    }
}

/// A row as typed, one signal per cell so typing redraws nothing but the cell.
#[derive(Debug, Clone, Copy)]
struct SlaRow {
    category: RwSignal<String>,
    urgency: RwSignal<String>,
    response_hours: RwSignal<String>,
    resolution_days: RwSignal<String>,
}

impl SlaRow {
    fn new(text: SlaRowText) -> Self {
        Self {
            category: RwSignal::new(text.category),
            urgency: RwSignal::new(text.urgency),
            response_hours: RwSignal::new(text.response_hours),
            resolution_days: RwSignal::new(text.resolution_days),
        }
    }

    fn text(&self) -> SlaRowText {
        SlaRowText {
            category: self.category.get_untracked(),
            urgency: self.urgency.get_untracked(),
            response_hours: self.response_hours.get_untracked(),
            resolution_days: self.resolution_days.get_untracked(),
        }
    }
}

#[component]
fn SlaForm(table: SlaTable) -> impl IntoView {
    let i18n = use_i18n();
    let input = table.to_input();
    let rules: RwSignal<Vec<SlaRow>> =
        RwSignal::new(input.rules.iter().flatten().map(|r| SlaRow::new(SlaRowText::from_input(r))).collect());
    let defaults: Vec<SlaRow> =
        input.defaults.iter().flatten().map(|r| SlaRow::new(SlaRowText::from_input(r))).collect();
    let defaults = StoredValue::new(defaults);
    let errors = TableErrors::new();
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    // A new rule starts from the normal default, for any urgency.
    let base = table.default_by_urgency.normal;
    let add = move |_| {
        let text = SlaRowText {
            response_hours: base.response_hours.to_string(),
            resolution_days: base.resolution_days.to_string(),
            ..SlaRowText::default()
        };
        let row = rules.with_untracked(Vec::len);
        rules.update(|r| r.push(SlaRow::new(text)));
        errors.clear();
        focus_later(RULES.cell_id(row, "category"));
    };
    let remove = move |row: usize| {
        rules.update(|r| {
            r.remove(row);
        });
        // The server's row numbers no longer match the page.
        errors.clear();
        let left = rules.with_untracked(Vec::len);
        focus_later(if left == 0 { "sla-add-rule".to_owned() } else { RULES.cell_id(row.min(left - 1), "category") });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        let rule_texts: Vec<SlaRowText> = rules.with_untracked(|r| r.iter().map(SlaRow::text).collect());
        let default_texts: Vec<SlaRowText> = defaults.with_value(|d| d.iter().map(SlaRow::text).collect());
        let input = match sla_input(&rule_texts, &default_texts) {
            Ok(input) => input,
            Err(fields) => return errors.show(refused(fields)),
        };
        busy.set(true);
        spawn_local(async move {
            match supervise_api::save_sla(input).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("sla-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let rule_table = move || {
        let rows = rules.get();
        if rows.is_empty() {
            return view! { <p id="sla-rules">{i18n.tr("deadlines.sla.no_rules")}</p> }.into_any();
        }
        let lines = rows.into_iter().enumerate().map(|(i, row)| rule_line(i, row, errors, remove)).collect_view();
        view! {
            <div class="table-wrap" tabindex="0">
                <table class="table table--stack" id="sla-rules">
                    <thead><tr>
                        <th scope="col">{i18n.tr("field.sla.category")}</th>
                        <th scope="col">{i18n.tr("field.sla.urgency")}</th>
                        <th scope="col">{i18n.tr("field.sla.response_hours")}</th>
                        <th scope="col">{i18n.tr("field.sla.resolution_days")}</th>
                        <th scope="col"><span class="visually-hidden">{i18n.tr("deadlines.actions")}</span></th>
                    </tr></thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        }
        .into_any()
    };
    let default_lines = defaults.with_value(|d| d.clone()).into_iter().enumerate().map(|(i, row)| {
        let name = move || default_name(i18n.lang(), i);
        let cell = |column: &'static str, value| {
            let label = Signal::derive(move || DEFAULTS.cell_label(i18n.lang(), i, column));
            view! {
                <CellInput id=DEFAULTS.cell_id(i, column) label column=field_key(column) value
                    error=errors.cell(&DEFAULTS, i, column) inputmode="numeric"/>
            }
        };
        view! {
            <tr>
                <th scope="row">{name}</th>
                {cell("response_hours", row.response_hours)}
                {cell("resolution_days", row.resolution_days)}
            </tr>
        }
    });
    let default_lines = default_lines.collect_view();
    view! {
        <Saved id="sla-status" text=Signal::derive(move || saved.get().then(|| i18n.lang().text("deadlines.saved")))/>
        <ErrorSummary items=errors.summary(TABLES) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <h3>{i18n.tr("deadlines.sla.rules")}</h3>
            <p class="hint">{i18n.tr("deadlines.sla.rules_hint")}</p>
            {rule_table}
            <div class="button-row">
                <button type="button" id="sla-add-rule" class="button button--secondary" on:click=add>
                    {i18n.tr("deadlines.sla.add_rule")}
                </button>
            </div>
            <h3>{i18n.tr("deadlines.sla.defaults")}</h3>
            <p class="hint">{i18n.tr("deadlines.sla.defaults_hint")}</p>
            <div class="table-wrap" tabindex="0">
                <table class="table table--stack" id="sla-defaults">
                    <thead><tr>
                        <th scope="col">{i18n.tr("field.sla.urgency")}</th>
                        <th scope="col">{i18n.tr("field.sla.response_hours")}</th>
                        <th scope="col">{i18n.tr("field.sla.resolution_days")}</th>
                    </tr></thead>
                    <tbody>{default_lines}</tbody>
                </table>
            </div>
            <button type="submit" id="save-sla" class="button" disabled=move || busy.get()>
                {i18n.tr("deadlines.sla.save")}
            </button>
        </form>
    }
}

/// The column heading's translation key.
fn field_key(column: &str) -> &'static str {
    match column {
        "category" => "field.sla.category",
        "urgency" => "field.sla.urgency",
        "response_hours" => "field.sla.response_hours",
        _ => "field.sla.resolution_days",
    }
}

fn rule_line(
    i: usize,
    row: SlaRow,
    errors: TableErrors,
    remove: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let label = move |column: &'static str| Signal::derive(move || RULES.cell_label(i18n.lang(), i, column));
    let urgencies = Signal::derive(move || {
        let lang = i18n.lang();
        std::iter::once((String::new(), urgency_name(lang, None)))
            .chain(Urgency::ALL.into_iter().map(|u| (u.as_str().to_owned(), lang.text(&urgency_key(u)))))
            .collect::<Vec<_>>()
    });
    let remove_label = move || i18n.lang().fill("deadlines.sla.remove_named", &[("n", &(i + 1).to_string())]);
    let category = row.category;
    view! {
        <tr>
            <CellInput id=RULES.cell_id(i, "category") label=label("category") column="field.sla.category"
                value=category error=errors.cell(&RULES, i, "category") inputmode="decimal">
                <span class="hint">
                    {move || category.with(|c| if c.trim().is_empty() {
                        Some(i18n.lang().text("deadlines.sla.any_category"))
                    } else {
                        category_name(setup, c)
                    })}
                </span>
            </CellInput>
            <CellSelect id=RULES.cell_id(i, "urgency") label=label("urgency") column="field.sla.urgency"
                options=urgencies value=row.urgency error=errors.cell(&RULES, i, "urgency")/>
            <CellInput id=RULES.cell_id(i, "response_hours") label=label("response_hours") column="field.sla.response_hours"
                value=row.response_hours error=errors.cell(&RULES, i, "response_hours") inputmode="numeric"/>
            <CellInput id=RULES.cell_id(i, "resolution_days") label=label("resolution_days")
                column="field.sla.resolution_days" value=row.resolution_days
                error=errors.cell(&RULES, i, "resolution_days") inputmode="numeric"/>
            <td data-label=i18n.tr("deadlines.actions")>
                <button type="button" id=format!("sla-remove-{i}") class="button button--secondary button--small"
                    aria-label=remove_label on:click=move |_| remove(i)>
                    {i18n.tr("deadlines.remove")}
                </button>
            </td>
        </tr>
    }
}
