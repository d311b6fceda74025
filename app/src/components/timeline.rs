//! The public history of a request, oldest first.

use super::time::Time;
use crate::i18n::{channel_key, status_key, use_i18n};
use leptos::prelude::*;
use shared::ticket::{EventKind, TimelineEntry};

#[component]
pub fn Timeline(entries: Vec<TimelineEntry>) -> impl IntoView {
    let i18n = use_i18n();
    let items = entries
        .into_iter()
        .map(|entry| {
            let at = entry.at;
            let kind = entry.kind;
            let text = move || {
                let lang = i18n.lang();
                match &kind {
                    EventKind::Submitted { channel } => {
                        i18n.tf("timeline.submitted", &[("channel", &lang.text(&channel_key(*channel)))])
                    }
                    EventKind::Imported { source } => i18n.tf("timeline.imported", &[("source", source)]),
                    EventKind::StatusChanged { from, to } => i18n.tf(
                        "timeline.status_changed",
                        &[("from", &lang.text(&status_key(*from))), ("to", &lang.text(&status_key(*to)))],
                    ),
                    EventKind::Note { text } => i18n.tf("timeline.note", &[("text", text)]),
                    EventKind::Dispatched { lead_name, .. } => {
                        i18n.tf("timeline.dispatched", &[("department", lead_name)])
                    }
                    EventKind::Merged { master } => i18n.tf("timeline.merged", &[("master", master)]),
                    EventKind::DuplicateMerged { repeat_count, .. } => {
                        i18n.tf("timeline.duplicate_merged", &[("count", &repeat_count.to_string())])
                    }
                    // Internal casework never reaches the public timeline.
                    _ => String::new(),
                }
            };
            view! {
                <li class="timeline__item">
                    <Time at class="timeline__time"/>
                    <p class="timeline__text">{text}</p>
                </li>
            }
        })
        .collect_view();
    view! { <ol id="timeline" class="timeline">{items}</ol> }
}
