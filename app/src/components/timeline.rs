//! The history of a request, oldest first: the public entries, and for its reporter also what
//! they wrote after submitting (reopen reasons, added information).

use super::time::Time;
use crate::dom;
use crate::i18n::{channel_key, status_key, use_i18n, Lang};
use leptos::prelude::*;
use shared::ticket::{EventKind, TimelineEntry};

/// Why a case was listed or raised (`repeated`, `cross_level`, …), in words; an unknown code
/// from a newer server is shown as it is.
pub fn reason_text(lang: Lang, code: &str) -> String {
    lang.get(&format!("follow.reason.{code}")).map_or_else(|| code.to_owned(), str::to_owned)
}

/// The sentence for one entry; `None` for what the timeline leaves out.
fn describe(lang: Lang, kind: &EventKind) -> Option<String> {
    Some(match kind {
        EventKind::Submitted { channel } => {
            lang.fill("timeline.submitted", &[("channel", &lang.text(&channel_key(*channel)))])
        }
        EventKind::Imported { source } => lang.fill("timeline.imported", &[("source", source)]),
        EventKind::StatusChanged { from, to } => lang.fill(
            "timeline.status_changed",
            &[("from", &lang.text(&status_key(*from))), ("to", &lang.text(&status_key(*to)))],
        ),
        EventKind::Note { text, .. } => lang.fill("timeline.note", &[("text", text)]),
        EventKind::Dispatched { lead_name, .. } => lang.fill("timeline.dispatched", &[("department", lead_name)]),
        EventKind::Merged { master } => lang.fill("timeline.merged", &[("master", master)]),
        EventKind::DuplicateMerged { repeat_count, .. } => {
            lang.fill("timeline.duplicate_merged", &[("count", &repeat_count.to_string())])
        }
        EventKind::MeToo { count } => lang.fill("timeline.me_too", &[("count", &count.to_string())]),
        // A refused extension changes nothing the citizen was promised.
        EventKind::ExtensionDecided { approved: true, days, resolution_due } => match resolution_due {
            Some(due) => lang.fill(
                "timeline.extension_due",
                &[("days", &days.to_string()), ("due", &dom::format_datetime(due, lang))],
            ),
            None => lang.fill("timeline.extension", &[("days", &days.to_string())]),
        },
        EventKind::Replied { text, department_name, .. } => {
            lang.fill("timeline.replied", &[("department", department_name), ("text", text)])
        }
        EventKind::Reopened { reason } => lang.fill("timeline.reopened", &[("reason", reason)]),
        EventKind::InfoAdded { text } => lang.fill("timeline.info_added", &[("text", text)]),
        EventKind::Rated { satisfaction, resolved, .. } => lang.fill(
            "timeline.rated",
            &[
                ("satisfaction", &lang.text(&format!("rating.satisfaction.{}", satisfaction.as_str()))),
                (
                    "resolved",
                    &lang.text(if *resolved { "timeline.rated.resolved" } else { "timeline.rated.unresolved" }),
                ),
            ],
        ),
        EventKind::Listed { reason } => lang.fill("timeline.listed", &[("reason", &reason_text(lang, reason))]),
        EventKind::Escalated { reason, to } => {
            lang.fill("timeline.escalated", &[("to", to), ("reason", &reason_text(lang, reason))])
        }
        // Internal casework never reaches the citizen.
        _ => return None,
    })
}

/// Entries `describe` has a sentence for.
fn shown(kind: &EventKind) -> bool {
    use EventKind::*;
    match kind {
        ExtensionDecided { approved, .. } => *approved,
        Submitted { .. } | Imported { .. } | StatusChanged { .. } | Note { .. } | Dispatched { .. } => true,
        Merged { .. } | DuplicateMerged { .. } | Replied { .. } | Reopened { .. } | InfoAdded { .. } => true,
        Rated { .. } | MeToo { .. } => true,
        Listed { .. } | Escalated { .. } => true,
        _ => false,
    }
}

#[component]
pub fn Timeline(
    entries: Vec<TimelineEntry>,
    /// `timeline` unless the page shows two (a merged duplicate and its master).
    #[prop(default = "timeline")]
    id: &'static str,
) -> impl IntoView {
    let i18n = use_i18n();
    let items = entries
        .into_iter()
        .filter(|entry| shown(&entry.kind))
        .map(|entry| {
            let at = entry.at;
            let kind = entry.kind;
            let text = move || describe(i18n.lang(), &kind).unwrap_or_default();
            view! {
                <li class="timeline__item">
                    <Time at class="timeline__time"/>
                    <p class="timeline__text">{text}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ol id=id class="timeline">{items}</ol> }
}
