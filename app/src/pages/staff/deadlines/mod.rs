//! `/staff/deadlines`: the data every deadline is computed from. The SLA table (how soon a
//! request must be accepted and answered), the working-day calendar (holidays and 调休 make-up
//! days), the supervision ladder's thresholds and how long citizens may follow up on a reply.
//! Everyone who reads the responsibility list reads these; admins change them.

use super::dispatch::parts::focus_soon;
use crate::api::ApiError;
use crate::app::page_title;
use crate::components::error_summary::{ErrorSummary, SummaryItem};
use crate::components::field::{aria_invalid, has_error, InlineError, SelectField, TextField};
use crate::components::form_errors::FormErrors;
use crate::components::load_error::LoadError;
use crate::components::staff_shell::{use_staff, StaffShell};
use crate::dom;
use crate::i18n::{field_message, use_i18n, Lang};
use crate::supervise_api::{self, row_path};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::auth::Permission;
use shared::error::{ApiErrorBody, ErrorCode, FieldErrors};
use std::cell::RefCell;
use std::collections::HashSet;

mod calendar;
mod follow_up;
mod ladder;
mod sla;

use calendar::CalendarSection;
use follow_up::FollowUpSection;
use ladder::LadderSection;
use sla::SlaSection;

#[component]
pub fn DeadlinesPage() -> impl IntoView {
    let i18n = use_i18n();
    let session = use_staff();
    page_title(move || i18n.t("deadlines.heading").to_owned());
    let editable = Signal::derive(move || session.may(Permission::ManageRules));
    view! {
        <StaffShell>
            <h1>{i18n.tr("deadlines.heading")}</h1>
            <p class="hint">{i18n.tr("deadlines.lead")}</p>
            <SlaSection editable/>
            <CalendarSection editable/>
            <LadderSection editable/>
            <FollowUpSection editable/>
        </StaffShell>
    }
}

/// A list the server names cell by cell (`days[3].date`), and where its rows are on the page.
pub(super) struct Rows {
    /// The list's name in the API: `days`, `rules`, `defaults`.
    pub list: &'static str,
    /// Cell ids are `{id}-{row}-{column}`.
    pub id: &'static str,
    /// Labels and messages are those of `field.{label}.{column}` (e.g. `field.calendar_day.date`).
    pub label: &'static str,
    /// The editable columns, in the page's order.
    pub columns: &'static [&'static str],
    /// What a row is called in the error summary ("第 3 行").
    pub row_name: fn(Lang, usize) -> String,
}

impl Rows {
    pub fn cell_id(&self, row: usize, column: &str) -> String {
        format!("{}-{row}-{column}", self.id)
    }

    fn message(&self, lang: Lang, column: &str, error: &shared::error::FieldError) -> String {
        field_message(lang, &format!("{}.{column}", self.label), error)
    }

    /// "第 2 行：日期", the accessible name of a cell's control.
    pub fn cell_label(&self, lang: Lang, row: usize, column: &str) -> String {
        let column = lang.text(&format!("field.{}.{column}", self.label));
        lang.fill("deadlines.cell_label", &[("row", &(self.row_name)(lang, row)), ("column", &column)])
    }
}

/// Error summary links need `&'static str` ids, and a table's are made at run time. Each
/// distinct id is leaked once, so the cost is bounded by the largest table ever shown.
fn intern(id: String) -> &'static str {
    thread_local! {
        static IDS: RefCell<HashSet<&'static str>> = RefCell::default();
    }
    IDS.with(|ids| {
        let mut ids = ids.borrow_mut();
        if let Some(known) = ids.get(id.as_str()) {
            return *known;
        }
        let leaked: &'static str = Box::leak(id.into_boxed_str());
        ids.insert(leaked);
        leaked
    })
}

/// What the server refused in a table form: a message under each refused cell, and the same
/// in the summary with the row named, in the page's order. (`FormErrors` knows fixed fields.)
#[derive(Debug, Clone, Copy)]
pub(super) struct TableErrors {
    fields: RwSignal<FieldErrors>,
    general: RwSignal<Option<ApiError>>,
    /// Bumped on every failure so the summary takes focus again.
    pub attempt: RwSignal<u32>,
}

impl TableErrors {
    pub fn new() -> Self {
        Self { fields: RwSignal::new(FieldErrors::new()), general: RwSignal::new(None), attempt: RwSignal::new(0) }
    }

    pub fn clear(&self) {
        self.fields.set(FieldErrors::new());
        self.general.set(None);
    }

    pub fn show(&self, error: ApiError) {
        match &error {
            ApiError::Api { body, .. } if !body.fields.is_empty() => {
                self.fields.set(body.fields.clone());
                self.general.set(None);
            }
            _ => {
                self.fields.set(FieldErrors::new());
                self.general.set(Some(error));
            }
        }
        self.attempt.update(|n| *n += 1);
    }

    pub fn cell(&self, rows: &'static Rows, row: usize, column: &'static str) -> Signal<Option<String>> {
        let i18n = use_i18n();
        let fields = self.fields;
        let path = format!("{}[{row}].{column}", rows.list);
        Signal::derive(move || fields.with(|f| f.get(&path).map(|e| rows.message(i18n.lang(), column, e))))
    }

    pub fn summary(&self, tables: &'static [&'static Rows]) -> Signal<Vec<SummaryItem>> {
        let i18n = use_i18n();
        let (fields, general) = (self.fields, self.general);
        Signal::derive(move || {
            let lang = i18n.lang();
            let mut items: Vec<SummaryItem> =
                general.get().map(|e| SummaryItem { target: None, text: e.describe(lang) }).into_iter().collect();
            let mut cells = Vec::new();
            let mut rest = Vec::new();
            fields.with(|f| {
                for (path, e) in &f.0 {
                    let placed = row_path(path).and_then(|(list, row, column)| {
                        let (t, rows) = tables.iter().enumerate().find(|(_, r)| r.list == list)?;
                        let c = rows.columns.iter().position(|known| *known == column)?;
                        Some(((t, row, c), *rows, row, rows.columns[c]))
                    });
                    match placed {
                        Some((order, rows, row, column)) => {
                            let text = lang.fill(
                                "deadlines.row_error",
                                &[("row", &(rows.row_name)(lang, row)), ("message", &rows.message(lang, column, e))],
                            );
                            let target = Some(intern(rows.cell_id(row, column)));
                            cells.push((order, SummaryItem { target, text }));
                        }
                        // A whole list (`days`: too many) or a cell the page has no control for.
                        None => rest.push(SummaryItem { target: None, text: field_message(lang, path, e) }),
                    }
                }
            });
            cells.sort_by_key(|(order, _)| *order);
            items.extend(cells.into_iter().map(|(_, item)| item));
            items.extend(rest);
            items
        })
    }
}

/// A text box in a table cell: named for assistive technology ("第 2 行：日期"), with the
/// column's heading beside it on a phone (`data-label`) and its message above it.
#[component]
pub(super) fn CellInput(
    id: String,
    #[prop(into)] label: Signal<String>,
    /// Translation key of the column heading.
    column: &'static str,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
    #[prop(optional)] inputmode: Option<&'static str>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let describedby = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    view! {
        // One block beside the heading: the stacked phone layout is a two-column grid.
        <td data-label=i18n.tr(column)>
            <div>
                <label for=id.clone() class="visually-hidden">{label}</label>
                <InlineError id=error_id message=error/>
                <input id=id.clone() name=id type="text" class="input" class:input--error=has_error(error)
                    inputmode=inputmode autocomplete="off" aria-invalid=aria_invalid(error) aria-describedby=describedby
                    prop:value=value on:input=move |ev| value.set(event_target_value(&ev))/>
                {children.map(|c| c())}
            </div>
        </td>
    }
}

/// A `<select>` in a table cell, like [`CellInput`].
#[component]
pub(super) fn CellSelect(
    id: String,
    #[prop(into)] label: Signal<String>,
    column: &'static str,
    #[prop(into)] options: Signal<Vec<(String, String)>>,
    value: RwSignal<String>,
    #[prop(into)] error: Signal<Option<String>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let error_id = format!("{id}-error");
    let describedby = {
        let error_id = error_id.clone();
        move || error.with(Option::is_some).then(|| error_id.clone())
    };
    let choices = move || {
        options
            .get()
            .into_iter()
            .map(|(v, text)| {
                let selected = value.with_untracked(|current| *current == v);
                view! { <option value=v selected=selected>{text}</option> }
            })
            .collect_view()
    };
    view! {
        <td data-label=i18n.tr(column)>
            <div>
                <label for=id.clone() class="visually-hidden">{label}</label>
                <InlineError id=error_id message=error/>
                <select id=id.clone() name=id class="input select" class:input--error=has_error(error)
                    aria-invalid=aria_invalid(error) aria-describedby=describedby
                    prop:value=value on:change=move |ev| value.set(event_target_value(&ev))>
                    {choices}
                </select>
            </div>
        </td>
    }
}

/// Refusals found before sending, in the server's shape so they show the same way.
pub(super) fn refused(fields: FieldErrors) -> ApiError {
    ApiError::Api { status: 422, body: ApiErrorBody::with_fields(ErrorCode::ValidationFailed, String::new(), fields) }
}

/// Move focus to a control made at run time (a row just added), once it is drawn.
pub(super) fn focus_later(id: String) {
    request_animation_frame(move || {
        dom::focus_id(&id);
    });
}

/// "Saved", announced where focus moves after a successful save; empty until then.
#[component]
pub(super) fn Saved(id: &'static str, #[prop(into)] text: Signal<Option<String>>) -> impl IntoView {
    let shown = move || text.with(Option::is_some);
    view! {
        <div id=id role="status" tabindex="-1" class:notice=shown class:notice--success=shown>{text}</div>
    }
}

/// Facts for those who may read but not change: (label key, value).
pub(super) fn facts(id: &'static str, items: Vec<(&'static str, String)>) -> impl IntoView {
    let i18n = use_i18n();
    let items = items
        .into_iter()
        .map(|(key, value)| view! { <div><dt>{i18n.tr(key)}</dt><dd>{value}</dd></div> })
        .collect_view();
    view! { <dl class="facts" id=id>{items}</dl> }
}
