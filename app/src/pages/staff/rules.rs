//! `/staff/rules`: the responsibility list (权责清单) — which department leads a request and
//! which co-handle, by category × area × kind — with its coverage report (pairs that no rule
//! covers, or where rules clash) and the casework settings that go with it. Dispatchers,
//! department heads and supervisors read it; admins change it.

pub(super) use super::dispatch::parts::{
    category_path, focus_soon, fold_indexed, join, DepartmentChecks as DeptChecks,
};
use crate::api::ApiError;
use crate::app::{page_title, use_setup};
use crate::components::error_summary::ErrorSummary;
use crate::components::field::{SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_form::nonblank;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::dispatch_api::{self, Coverage, RuleRow};
use crate::dom;
use crate::i18n::{use_i18n, Lang};
use crate::staff_api;
use crate::staff_menu::{gap_rows, kind_key};
use chrono::{DateTime, Utc};
use leptos::prelude::*;
use leptos::task::spawn_local;
use serde_json::json;
use shared::auth::Permission;
use shared::dispatch::Coordinators;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrorCode, FieldErrors};
use shared::org::Department;
use shared::request::RequestKind;
use shared::rules::RuleInput;
use shared::settings::CaseworkSettings;
use std::sync::Arc;

/// Coverage rows drawn at most; the count says how many there are in all.
const COVERAGE_ROWS: usize = 100;

/// Departments and areas by code, for showing names instead of codes.
#[derive(Debug, Clone, Default)]
pub(super) struct Names {
    departments: Arc<Vec<Department>>,
    areas: Arc<Vec<(String, String)>>,
}

impl Names {
    /// A department's name, or its code if it is unknown.
    pub(super) fn department(&self, code: &str) -> String {
        self.departments.iter().find(|d| d.code == code).map_or_else(|| code.to_owned(), |d| d.name.clone())
    }

    pub(super) fn departments_named(&self, codes: &[String], lang: Lang) -> String {
        join(lang, codes.iter().map(|c| self.department(c)))
    }

    pub(super) fn area(&self, code: &str) -> String {
        self.areas.iter().find(|(c, _)| c == code).map_or_else(|| code.to_owned(), |(_, n)| n.clone())
    }

    /// Active departments as (code, name), in the organisation's order, without `except`.
    pub(super) fn active(&self, except: &str) -> Vec<(String, String)> {
        self.departments
            .iter()
            .filter(|d| d.active && d.code != except)
            .map(|d| (d.code.clone(), d.name.clone()))
            .collect()
    }
}

/// Names are a courtesy: when they cannot be loaded the page shows codes rather than nothing.
pub(super) async fn load_names() -> Names {
    let (departments, areas) = futures::future::join(staff_api::departments(), staff_api::areas()).await;
    let areas = areas
        .ok()
        .and_then(|collection| {
            let features = collection.get("features")?.as_array()?.clone();
            Some(
                features
                    .iter()
                    .filter_map(|f| {
                        let p = f.get("properties")?;
                        Some((p.get("code")?.as_str()?.to_owned(), p.get("name")?.as_str()?.to_owned()))
                    })
                    .collect(),
            )
        })
        .unwrap_or_default();
    Names { departments: Arc::new(departments.unwrap_or_default()), areas: Arc::new(areas) }
}

/// A timestamp as the API wrote it, shown in the reader's language, or as written.
pub(super) fn when(lang: Lang, at: Option<&str>) -> String {
    match at.and_then(|t| DateTime::parse_from_rfc3339(t).ok()) {
        Some(t) => dom::format_datetime(&t.with_timezone(&Utc), lang),
        None => at.unwrap_or_default().to_owned(),
    }
}

/// Refusals found before sending, in the server's shape so they show the same way.
fn refused(fields: FieldErrors) -> ApiError {
    ApiError::Api {
        status: 422,
        body: ApiErrorBody { code: ErrorCode::ValidationFailed, message: String::new(), fields },
    }
}

type Rules = LocalResource<Result<Vec<RuleRow>, ApiError>>;
type CoverageResource = LocalResource<Result<Coverage, ApiError>>;

#[component]
pub fn RulesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("rules.heading").to_owned());
    let rules: Rules = LocalResource::new(dispatch_api::rules);
    let coverage: CoverageResource = LocalResource::new(dispatch_api::coverage);
    let names = LocalResource::new(load_names);
    let may_edit = move || session.may(Permission::ManageRules);
    view! {
        <StaffShell>
            <h1>{i18n.tr("rules.heading")}</h1>
            <p class="hint">{i18n.tr("rules.lead")}</p>
            <RuleList rules coverage names/>
            <Show when=may_edit>
                <NewRule rules coverage names/>
            </Show>
            <CoverageReport coverage names/>
            <Settings names/>
        </StaffShell>
    }
}

#[component]
fn RuleList(rules: Rules, coverage: CoverageResource, names: LocalResource<Names>) -> impl IntoView {
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
                    <div class="table-wrap">
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

const RULE_CONTROLS: &[(&str, &str)] = &[
    ("category", "rule-category"),
    ("area", "rule-area"),
    ("kind", "rule-kind"),
    ("lead", "rule-lead"),
    ("co_handlers", "rule-co-0"),
];

#[component]
fn NewRule(rules: Rules, coverage: CoverageResource, names: LocalResource<Names>) -> impl IntoView {
    let i18n = use_i18n();
    let setup = use_setup();
    let [category, area, kind, lead]: [RwSignal<String>; 4] = std::array::from_fn(|_| RwSignal::new(String::new()));
    let co_handlers = RwSignal::new(Vec::<String>::new());
    let errors = FormErrors::new();
    let saved = RwSignal::new(None::<String>);
    let busy = RwSignal::new(false);
    let areas = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("rules.any_area"))];
        options.extend(names.get().unwrap_or_default().areas.iter().cloned());
        options
    });
    let kinds = Signal::derive(move || {
        let lang = i18n.lang();
        vec![
            (String::new(), lang.text("rules.any_kind")),
            ("citizen".to_owned(), lang.text(&kind_key(RequestKind::Citizen))),
            ("enterprise".to_owned(), lang.text(&kind_key(RequestKind::Enterprise))),
        ]
    });
    let leads = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.choose"))];
        options.extend(names.get().unwrap_or_default().active(""));
        options
    });
    let co_options = Signal::derive(move || names.get().unwrap_or_default().active(&lead.get()));
    // What the typed category resolves to, as the server will read it.
    let resolved = move || {
        let lang = i18n.lang();
        let typed = category.get();
        let typed = typed.trim();
        if typed.is_empty() {
            return lang.text("rules.any_category");
        }
        let catalogue = setup.get().and_then(Result::ok).map(|s| s.catalogue.clone());
        match catalogue.as_ref().and_then(|c| c.resolve(typed)) {
            Some(code) => format!("{} ({})", category_path(setup, &code), code.as_str()),
            None => lang.text("rules.category.unknown"),
        }
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(None);
        let input = RuleInput {
            category: nonblank(category),
            area: nonblank(area),
            kind: nonblank(kind),
            lead: nonblank(lead),
            co_handlers: Some(co_handlers.get_untracked().into_iter().filter(|c| *c != lead.get_untracked()).collect()),
        };
        let lead_name = names.get_untracked().unwrap_or_default().department(&lead.get_untracked());
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::create_rule(input).await {
                Ok(_) => {
                    saved.set(Some(lead_name));
                    for s in [category, area, kind, lead] {
                        s.set(String::new());
                    }
                    co_handlers.set(Vec::new());
                    rules.refetch();
                    coverage.refetch();
                    focus_soon("rule-status");
                }
                Err(e) => errors.show(fold_indexed(e)),
            }
            busy.set(false);
        });
    };
    view! {
        <section aria-labelledby="new-rule-heading">
            <h2 id="new-rule-heading">{i18n.tr("rules.new")}</h2>
            <div id="rule-status" role="status" tabindex="-1"
                class:notice=move || saved.with(Option::is_some) class:notice--success=move || saved.with(Option::is_some)>
                {move || saved.get().map(|lead| i18n.lang().fill("rules.added", &[("lead", &lead)]))}
            </div>
            <ErrorSummary items=errors.summary(RULE_CONTROLS) attempt=errors.attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField id="rule-category" label=i18n.tr("field.category") hint=i18n.tr("rules.category.hint")
                    value=category error=errors.field("category") autocomplete="off"
                    extra_described_by="rule-category-resolved"/>
                <p id="rule-category-resolved" class="hint" aria-live="polite">{resolved}</p>
                <SelectField id="rule-area" label=i18n.tr("rules.field.area") options=areas value=area error=errors.field("area")/>
                <SelectField id="rule-kind" label=i18n.tr("rules.field.kind") options=kinds value=kind error=errors.field("kind")/>
                <SelectField id="rule-lead" label=i18n.tr("field.lead") options=leads value=lead error=errors.field("lead")/>
                <DeptChecks id="rule-co" legend=i18n.tr("field.co_handlers") options=co_options chosen=co_handlers
                    error=errors.field("co_handlers")/>
                <button type="submit" id="create-rule" class="button" disabled=move || busy.get()>{i18n.tr("rules.create")}</button>
            </form>
        </section>
    }
}

#[component]
fn CoverageReport(coverage: CoverageResource, names: LocalResource<Names>) -> impl IntoView {
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
                        <div class="table-wrap">
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

/// The casework settings and the coordinators: a form for admins, facts for everyone else.
#[component]
fn Settings(names: LocalResource<Names>) -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    let casework = LocalResource::new(dispatch_api::casework_settings);
    let coordinators = LocalResource::new(dispatch_api::coordinators);
    let casework_body = move || {
        casework.get().map(|result| match result {
            Ok(settings) if session.may(Permission::ManageRules) => view! { <CaseworkForm settings/> }.into_any(),
            Ok(settings) => casework_facts(&settings).into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| casework.refetch())/> }.into_any(),
        })
    };
    let coordinators_body = move || {
        coordinators.get().map(|result| match result {
            Ok(current) if session.may(Permission::ManageRules) => {
                view! { <CoordinatorsForm current names/> }.into_any()
            }
            Ok(current) => {
                let names = names.get().unwrap_or_default();
                let lang = i18n.lang();
                let name =
                    |c: &Option<String>| c.as_deref().map_or_else(|| lang.text("common.none"), |c| names.department(c));
                view! {
                    <dl class="facts" id="coordinator-facts">
                        <div><dt>{i18n.tr("field.enterprise")}</dt><dd>{name(&current.enterprise)}</dd></div>
                        <div><dt>{i18n.tr("field.citizen")}</dt><dd>{name(&current.citizen)}</dd></div>
                    </dl>
                }
                .into_any()
            }
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| coordinators.refetch())/> }.into_any(),
        })
    };
    view! {
        <section aria-labelledby="casework-heading">
            <h2 id="casework-heading">{i18n.tr("rules.casework.heading")}</h2>
            <p class="hint">{i18n.tr("rules.casework.lead")}</p>
            {casework_body}
        </section>
        <section aria-labelledby="coordinators-heading">
            <h2 id="coordinators-heading">{i18n.tr("rules.coordinators.heading")}</h2>
            <p class="hint">{i18n.tr("rules.coordinators.lead")}</p>
            {coordinators_body}
        </section>
    }
}

fn casework_facts(s: &CaseworkSettings) -> impl IntoView {
    let i18n = use_i18n();
    let d = &s.duplicates;
    let facts = [
        ("field.dispute_window_hours", s.disputes.window_hours.to_string()),
        ("field.duplicates.radius_m", d.radius_m.to_string()),
        ("field.duplicates.days", d.days.to_string()),
        ("field.duplicates.min_similarity", d.min_similarity.to_string()),
        ("field.duplicates.family_level", d.family_level.to_string()),
    ];
    let items = facts
        .into_iter()
        .map(|(key, value)| view! { <div><dt>{i18n.tr(key)}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! { <dl class="facts" id="casework-facts">{items}</dl> }
}

const CASEWORK_CONTROLS: &[(&str, &str)] = &[
    ("dispute_window_hours", "set-window"),
    ("duplicates.radius_m", "set-radius"),
    ("duplicates.days", "set-days"),
    ("duplicates.min_similarity", "set-similarity"),
    ("duplicates.family_level", "set-family"),
];

#[component]
fn CaseworkForm(settings: CaseworkSettings) -> impl IntoView {
    let i18n = use_i18n();
    let d = &settings.duplicates;
    let window = RwSignal::new(settings.disputes.window_hours.to_string());
    let radius = RwSignal::new(d.radius_m.to_string());
    let days = RwSignal::new(d.days.to_string());
    let similarity = RwSignal::new(d.min_similarity.to_string());
    let family = RwSignal::new(d.family_level.to_string());
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        // Numbers are checked here for being numbers; the server checks their ranges.
        let mut bad = FieldErrors::new();
        let mut whole = |path: &str, value: RwSignal<String>| -> Option<u64> {
            let parsed = value.get_untracked().trim().parse::<u64>().ok();
            if parsed.is_none() {
                bad.add(path, FieldErrorCode::InvalidFormat, "");
            }
            parsed
        };
        let (w, r, n, f) = (
            whole("dispute_window_hours", window),
            whole("duplicates.radius_m", radius),
            whole("duplicates.days", days),
            whole("duplicates.family_level", family),
        );
        let s = similarity.get_untracked().trim().parse::<f64>().ok().filter(|s| s.is_finite());
        if s.is_none() {
            bad.add("duplicates.min_similarity", FieldErrorCode::InvalidFormat, "");
        }
        if !bad.is_empty() {
            errors.show(refused(bad));
            return;
        }
        let body = json!({
            "dispute_window_hours": w,
            "duplicates": { "radius_m": r, "days": n, "min_similarity": s, "family_level": f },
        });
        busy.set(true);
        spawn_local(async move {
            match dispatch_api::save_casework_settings(body).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("casework-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <div id="casework-status" role="status" tabindex="-1"
            class:notice=move || saved.get() class:notice--success=move || saved.get()>
            {move || saved.get().then(|| i18n.t("rules.settings_saved"))}
        </div>
        <ErrorSummary items=errors.summary(CASEWORK_CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <TextField id="set-window" label=i18n.tr("field.dispute_window_hours") hint=i18n.tr("rules.window.hint")
                value=window error=errors.field("dispute_window_hours") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-radius" label=i18n.tr("field.duplicates.radius_m") value=radius
                error=errors.field("duplicates.radius_m") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-days" label=i18n.tr("field.duplicates.days") value=days
                error=errors.field("duplicates.days") inputmode="numeric" autocomplete="off"/>
            <TextField id="set-similarity" label=i18n.tr("field.duplicates.min_similarity") hint=i18n.tr("rules.similarity.hint")
                value=similarity error=errors.field("duplicates.min_similarity") inputmode="decimal" autocomplete="off"/>
            <TextField id="set-family" label=i18n.tr("field.duplicates.family_level") hint=i18n.tr("rules.family.hint")
                value=family error=errors.field("duplicates.family_level") inputmode="numeric" autocomplete="off"/>
            <button type="submit" id="save-casework" class="button" disabled=move || busy.get()>
                {i18n.tr("rules.save_settings")}
            </button>
        </form>
    }
}

const COORDINATOR_CONTROLS: &[(&str, &str)] = &[("enterprise", "set-enterprise"), ("citizen", "set-citizen")];

#[component]
fn CoordinatorsForm(current: Coordinators, names: LocalResource<Names>) -> impl IntoView {
    let i18n = use_i18n();
    let enterprise = RwSignal::new(current.enterprise.unwrap_or_default());
    let citizen = RwSignal::new(current.citizen.unwrap_or_default());
    let errors = FormErrors::new();
    let saved = RwSignal::new(false);
    let busy = RwSignal::new(false);
    let options = Signal::derive(move || {
        let mut options = vec![(String::new(), i18n.lang().text("common.none"))];
        options.extend(names.get().unwrap_or_default().active(""));
        options
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(false);
        busy.set(true);
        let (e, c) = (nonblank(enterprise), nonblank(citizen));
        spawn_local(async move {
            match dispatch_api::save_coordinators(e, c).await {
                Ok(_) => {
                    saved.set(true);
                    focus_soon("coordinators-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    view! {
        <div id="coordinators-status" role="status" tabindex="-1"
            class:notice=move || saved.get() class:notice--success=move || saved.get()>
            {move || saved.get().then(|| i18n.t("rules.settings_saved"))}
        </div>
        <ErrorSummary items=errors.summary(COORDINATOR_CONTROLS) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <SelectField id="set-enterprise" label=i18n.tr("field.enterprise") options value=enterprise
                error=errors.field("enterprise")/>
            <SelectField id="set-citizen" label=i18n.tr("field.citizen") options value=citizen error=errors.field("citizen")/>
            <button type="submit" id="save-coordinators" class="button" disabled=move || busy.get()>
                {i18n.tr("rules.save_coordinators")}
            </button>
        </form>
    }
}
