//! `/staff/alerts`: spike alerts for supervisors.

use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn AlertsPage() -> impl IntoView {
    let i18n = use_i18n();
    view! { <h1>{i18n.tr("staff.alerts.heading")}</h1> }
}
