//! The working-day calendar (节假日安排): public holidays and 调休 make-up working days, one year
//! at a time. The State Council publishes next year's arrangement each autumn; until an admin
//! enters it (or a release ships it), that year counts plain Monday–Friday weeks.

use super::*;
use crate::supervise_api::CalendarYear;
use shared::calendar::{CalendarDay, CalendarDayInput, DayKind};
use std::collections::BTreeSet;

static DAYS: Rows =
    Rows { list: "days", id: "cal", label: "calendar_day", columns: &["date", "kind", "name"], row_name: day_name };

static TABLES: &[&Rows] = &[&DAYS];

fn day_name(lang: Lang, row: usize) -> String {
    lang.fill("deadlines.calendar.row", &[("n", &(row + 1).to_string())])
}

fn kind_key(kind: &str) -> String {
    format!("calendar.kind.{kind}")
}

/// The year asked for, with what the server answered for it.
type Loaded = LocalResource<(i32, Result<CalendarYear, ApiError>)>;

fn this_year() -> i32 {
    i32::try_from(js_sys::Date::new_0().get_full_year()).unwrap_or(2026)
}

#[component]
pub(super) fn CalendarSection(editable: Signal<bool>) -> impl IntoView {
    let i18n = use_i18n();
    let now = this_year();
    let year = RwSignal::new(now.to_string());
    let loaded: Loaded = LocalResource::new(move || {
        let year = year.get().parse::<i32>().unwrap_or(now);
        async move { (year, supervise_api::calendar(year).await) }
    });
    // Outside the editor, which is drawn afresh when the year reloads after a save.
    let saved = RwSignal::new(None::<i32>);
    let years = Signal::derive(move || {
        let mut years: BTreeSet<i32> = (now - 1..=now + 1).collect();
        if let Some((_, Ok(calendar))) = loaded.get() {
            years.extend(calendar.years);
        }
        years.into_iter().map(|y| (y.to_string(), y.to_string())).collect::<Vec<_>>()
    });
    let body = move || {
        loaded.get().map(|(year, result)| match result {
            Ok(calendar) if editable.get() => {
                view! { <CalendarEditor year days=calendar.days saved loaded/> }.into_any()
            }
            Ok(calendar) => calendar_facts(year, calendar.days).into_any(),
            Err(error) => view! { <LoadError error retry=Callback::new(move |_| loaded.refetch())/> }.into_any(),
        })
    };
    let status = Signal::derive(move || {
        let shown = loaded.with(|l| l.as_ref().map(|(y, _)| *y));
        saved
            .get()
            .filter(|y| Some(*y) == shown)
            .map(|y| i18n.lang().fill("deadlines.calendar.saved", &[("year", &y.to_string())]))
    });
    view! {
        <section aria-labelledby="calendar-heading">
            <h2 id="calendar-heading">{i18n.tr("deadlines.calendar.heading")}</h2>
            <p class="hint">{i18n.tr("deadlines.calendar.lead")}</p>
            <SelectField id="calendar-year" label=i18n.tr("deadlines.calendar.year") options=years value=year
                error=Signal::derive(|| None::<String>)/>
            <Saved id="calendar-status" text=status/>
            {move || loaded.get().is_none().then(|| view! { <p class="loading">{i18n.tr("common.loading")}</p> })}
            {body}
        </section>
    }
}

/// A year without entries: next year's arrangement is not published yet, or not entered.
fn empty_hint(year: i32) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <p class="notice" id="calendar-empty">
            {move || i18n.lang().fill("deadlines.calendar.empty", &[("year", &year.to_string())])}
        </p>
    }
}

fn calendar_facts(year: i32, days: Vec<CalendarDay>) -> impl IntoView {
    let i18n = use_i18n();
    if days.is_empty() {
        return empty_hint(year).into_any();
    }
    let lang = i18n.lang();
    let lines = days
        .into_iter()
        .map(|d| {
            view! {
                <tr>
                    <td data-label=lang.text("field.calendar_day.date")>{d.date.format("%Y-%m-%d").to_string()}</td>
                    <td data-label=lang.text("field.calendar_day.kind")>{lang.text(&kind_key(d.kind.as_str()))}</td>
                    <td data-label=lang.text("field.calendar_day.name")>{d.name}</td>
                </tr>
            }
        })
        .collect_view();
    view! {
        <div class="table-wrap" tabindex="0">
            <table class="table table--stack" id="calendar-days">
                <thead><tr>
                    <th scope="col">{i18n.tr("field.calendar_day.date")}</th>
                    <th scope="col">{i18n.tr("field.calendar_day.kind")}</th>
                    <th scope="col">{i18n.tr("field.calendar_day.name")}</th>
                </tr></thead>
                <tbody>{lines}</tbody>
            </table>
        </div>
    }
    .into_any()
}

/// A day as typed.
#[derive(Debug, Clone, Copy)]
struct DayRow {
    date: RwSignal<String>,
    kind: RwSignal<String>,
    name: RwSignal<String>,
}

impl DayRow {
    fn new(date: String, kind: &str, name: String) -> Self {
        Self { date: RwSignal::new(date), kind: RwSignal::new(kind.to_owned()), name: RwSignal::new(name) }
    }

    /// As typed: the server says what is wrong, and names the cell.
    fn input(&self) -> CalendarDayInput {
        CalendarDayInput {
            date: Some(self.date.get_untracked()),
            kind: Some(self.kind.get_untracked()),
            name: Some(self.name.get_untracked()),
        }
    }
}

/// The year's whole list: saving replaces the year, so a removed row is a removed day.
#[component]
fn CalendarEditor(year: i32, days: Vec<CalendarDay>, saved: RwSignal<Option<i32>>, loaded: Loaded) -> impl IntoView {
    let i18n = use_i18n();
    let rows: RwSignal<Vec<DayRow>> = RwSignal::new(
        days.iter()
            .map(|d| DayRow::new(d.date.format("%Y-%m-%d").to_string(), d.kind.as_str(), d.name.clone()))
            .collect(),
    );
    let errors = TableErrors::new();
    let busy = RwSignal::new(false);
    let add = move |_| {
        let row = rows.with_untracked(Vec::len);
        // The year is typed already; the month and day follow it.
        rows.update(|r| r.push(DayRow::new(format!("{year}-"), DayKind::Holiday.as_str(), String::new())));
        errors.clear();
        focus_later(DAYS.cell_id(row, "date"));
    };
    let remove = move |row: usize| {
        rows.update(|r| {
            r.remove(row);
        });
        // The server's row numbers no longer match the page.
        errors.clear();
        let left = rows.with_untracked(Vec::len);
        focus_later(if left == 0 { "calendar-add".to_owned() } else { DAYS.cell_id(row.min(left - 1), "date") });
    };
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        if busy.get_untracked() {
            return;
        }
        errors.clear();
        saved.set(None);
        let days: Vec<CalendarDayInput> = rows.with_untracked(|r| r.iter().map(DayRow::input).collect());
        busy.set(true);
        spawn_local(async move {
            match supervise_api::save_calendar(year, days).await {
                Ok(()) => {
                    saved.set(Some(year));
                    // The list as stored (sorted), and the year among those with entries.
                    loaded.refetch();
                    focus_soon("calendar-status");
                }
                Err(e) => errors.show(e),
            }
            busy.set(false);
        });
    };
    let kinds = Signal::derive(move || {
        let lang = i18n.lang();
        DayKind::ALL.iter().map(|k| (k.as_str().to_owned(), lang.text(&kind_key(k.as_str())))).collect::<Vec<_>>()
    });
    let table = move || {
        let lines =
            rows.get().into_iter().enumerate().map(|(i, row)| day_line(i, row, kinds, errors, remove)).collect_view();
        view! {
            <div class="table-wrap" tabindex="0">
                <table class="table table--stack" id="calendar-days">
                    <thead><tr>
                        <th scope="col">{i18n.tr("field.calendar_day.date")}</th>
                        <th scope="col">{i18n.tr("field.calendar_day.kind")}</th>
                        <th scope="col">{i18n.tr("field.calendar_day.name")}</th>
                        <th scope="col"><span class="visually-hidden">{i18n.tr("deadlines.actions")}</span></th>
                    </tr></thead>
                    <tbody>{lines}</tbody>
                </table>
            </div>
        }
    };
    view! {
        {days.is_empty().then(|| empty_hint(year))}
        <ErrorSummary items=errors.summary(TABLES) attempt=errors.attempt/>
        <form class="form" novalidate on:submit=on_submit>
            <p class="hint">{i18n.tr("deadlines.calendar.rules")}</p>
            {table}
            <div class="button-row">
                <button type="button" id="calendar-add" class="button button--secondary" on:click=add>
                    {i18n.tr("deadlines.calendar.add")}
                </button>
                <button type="submit" id="save-calendar" class="button" disabled=move || busy.get()>
                    {move || i18n.lang().fill("deadlines.calendar.save", &[("year", &year.to_string())])}
                </button>
            </div>
        </form>
    }
}

fn day_line(
    i: usize,
    row: DayRow,
    kinds: Signal<Vec<(String, String)>>,
    errors: TableErrors,
    remove: impl Fn(usize) + Copy + Send + Sync + 'static,
) -> impl IntoView {
    let i18n = use_i18n();
    let label = move |column: &'static str| Signal::derive(move || DAYS.cell_label(i18n.lang(), i, column));
    let remove_label = move || i18n.lang().fill("deadlines.calendar.remove_named", &[("n", &(i + 1).to_string())]);
    view! {
        <tr>
            <CellInput id=DAYS.cell_id(i, "date") label=label("date") column="field.calendar_day.date" value=row.date
                error=errors.cell(&DAYS, i, "date")/>
            <CellSelect id=DAYS.cell_id(i, "kind") label=label("kind") column="field.calendar_day.kind" options=kinds
                value=row.kind error=errors.cell(&DAYS, i, "kind")/>
            <CellInput id=DAYS.cell_id(i, "name") label=label("name") column="field.calendar_day.name" value=row.name
                error=errors.cell(&DAYS, i, "name")/>
            <td data-label=i18n.tr("deadlines.actions")>
                <button type="button" id=format!("cal-remove-{i}") class="button button--secondary button--small"
                    aria-label=remove_label on:click=move |_| remove(i)>
                    {i18n.tr("deadlines.remove")}
                </button>
            </td>
        </tr>
    }
}
