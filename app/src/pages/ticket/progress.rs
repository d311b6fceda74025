//! Where a request stands: its status (and 挂牌督办), the department's reply, and the dates
//! the department signed for it and promised. Shown for the request itself and, for a merged
//! duplicate, for the request that carries the work.

use crate::components::time::Time;
use crate::i18n::{status_key, use_i18n};
use chrono::{DateTime, Utc};
use leptos::either::EitherOf3;
use leptos::prelude::*;
use shared::status::Status;
use shared::ticket::{EventKind, PublicTicketView};

/// One line of a summary list. The rows are data rendered by one loop: each distinct
/// `view!` shape costs wasm, so the pages have one row shape instead of a dozen.
pub(crate) enum Value {
    Text(String),
    /// A translation key chosen at run time (status, kind, channel).
    Key(String),
    /// A time; a date something is promised by says so in its label ("预计最迟答复").
    Time(DateTime<Utc>),
}

pub(crate) fn row(label: &'static str, value: Value) -> (&'static str, Value) {
    (label, value)
}

#[component]
pub(crate) fn SummaryList(
    rows: Vec<(&'static str, Value)>,
    #[prop(default = "summary-list")] class: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let rows = rows
        .into_iter()
        .map(|(label, value)| {
            let value = match value {
                Value::Text(text) => EitherOf3::A(text),
                Value::Key(key) => EitherOf3::B(i18n.tr_key(key)),
                Value::Time(at) => EitherOf3::C(view! { <Time at/> }),
            };
            view! {
                <div class="summary-list__row">
                    <dt>{i18n.tr(label)}</dt>
                    <dd>{value}</dd>
                </div>
            }
        })
        .collect_view();
    view! { <dl class=class>{rows}</dl> }
}

/// Signed for when, and the dates still ahead. The date to sign by matters only until the
/// department has signed; the date to answer by is a promise while work is owed and a record
/// afterwards.
fn dates(p: &PublicTicketView) -> Vec<(&'static str, Value)> {
    let mut rows = Vec::new();
    if let Some(at) = p.accepted_at {
        rows.push(row("ticket.accepted_at", Value::Time(at)));
    }
    if let Some(at) = p.response_due.filter(|_| matches!(p.status, Status::Dispatched | Status::Reopened)) {
        rows.push(row("ticket.response_due", Value::Time(at)));
    }
    if let Some(at) = p.resolution_due.filter(|_| !p.status.is_final()) {
        let label = if p.status.is_open() { "ticket.resolution_due" } else { "ticket.resolution_due_was" };
        rows.push((label, Value::Time(at)));
    }
    rows
}

/// Status line, the latest reply (prominent: it is what the citizen waited for) and the facts.
/// `prefix` keeps ids unique when a merged duplicate shows its master too.
///
/// A plain function with one fixed shape: the badge and the reply are `hidden` rather than
/// optional, as each optional part and each component costs the citizens' bundle its own
/// render code.
pub(crate) fn progress(p: &PublicTicketView, prefix: &'static str, rows: Vec<(&'static str, Value)>) -> impl IntoView {
    let i18n = use_i18n();
    let status = p.status;
    let mut rows = rows;
    rows.extend(dates(p));
    let reply = p.timeline.iter().rev().find_map(|e| match &e.kind {
        EventKind::Replied { text, department_name, .. } => Some((e.at, text.clone(), department_name.clone())),
        _ => None,
    });
    let no_reply = reply.is_none();
    let (at, text, department) = reply.unwrap_or((p.updated_at, String::new(), String::new()));
    view! {
        <p class="status-line">
            {i18n.tr("ticket.status")} " "
            <strong id=format!("{prefix}status") class=format!("status status--{}", status.as_str())>
                {i18n.tr_key(status_key(status))}
            </strong>
            " "
            <span id=format!("{prefix}listed") class="tag tag--urgent" hidden=!p.listed>
                {i18n.tr("ticket.listed")}
            </span>
        </p>
        <section class="notice notice--success" aria-labelledby=format!("{prefix}reply-heading") hidden=no_reply>
            <h2 id=format!("{prefix}reply-heading")>{i18n.tr("ticket.reply_heading")}</h2>
            <p id=format!("{prefix}reply-text") class="description">{text}</p>
            <p class="hint">{department} " · " <Time at/></p>
        </section>
        <SummaryList rows/>
    }
}
