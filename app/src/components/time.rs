//! A timestamp shown in the reader's language and time zone, machine-readable underneath.

use crate::dom;
use crate::i18n::use_i18n;
use chrono::{DateTime, Utc};
use leptos::prelude::*;

#[component]
pub fn Time(at: DateTime<Utc>, #[prop(optional)] class: &'static str) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <time class=class datetime=dom::iso_datetime(&at)>{move || dom::format_datetime(&at, i18n.lang())}</time>
    }
}
