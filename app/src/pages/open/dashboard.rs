//! `/open/dashboard`: the public overview of requests.

use super::nav::OpenNav;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn DashboardPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page page--wide">
            <OpenNav/>
            <h1>{i18n.tr("open.dashboard.heading")}</h1>
        </div>
    }
}
