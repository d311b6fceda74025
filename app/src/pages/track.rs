//! `/track`: find a request by its tracking number (as read out on the phone, or a pasted link).

use crate::app::page_title;
use crate::components::error_summary::{ErrorSummary, SummaryItem};
use crate::components::field::TextField;
use crate::i18n::use_i18n;
use crate::links;
use leptos::prelude::*;
use leptos_router::hooks::use_navigate;

#[component]
pub fn TrackPage() -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    page_title(move || i18n.t("track.heading").to_owned());
    let value = RwSignal::new(String::new());
    let invalid = RwSignal::new(false);
    let attempt = RwSignal::new(0u32);
    let error = Signal::derive(move || invalid.get().then(|| i18n.t("track.invalid").to_owned()));
    let summary = Signal::derive(move || {
        error.get().map(|text| vec![SummaryItem { target: Some("track-input"), text }]).unwrap_or_default()
    });
    let on_submit = move |ev: leptos::ev::SubmitEvent| {
        ev.prevent_default();
        match links::parse_track_input(&value.get_untracked()) {
            Some((no, token)) => {
                invalid.set(false);
                let path = match token {
                    Some(token) => links::private_path(&no, &token),
                    None => links::track_path(&no),
                };
                navigate(&path, Default::default());
            }
            None => {
                invalid.set(true);
                attempt.update(|n| *n += 1);
            }
        }
    };
    view! {
        <div class="page">
            <h1>{i18n.tr("track.heading")}</h1>
            <ErrorSummary items=summary attempt=attempt/>
            <form class="form" novalidate on:submit=on_submit>
                <TextField
                    id="track-input"
                    label=i18n.tr("track.label")
                    hint=i18n.tr("track.hint")
                    value
                    error
                    inputmode="numeric"
                    autocomplete="off"
                />
                <button type="submit" id="track-submit" class="button">{i18n.tr("track.button")}</button>
            </form>
        </div>
    }
}
