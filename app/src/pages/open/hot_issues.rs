//! `/open/hot-issues`: similar requests from one place and time, ranked.

use super::nav::OpenNav;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn HotIssuesPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page page--wide">
            <OpenNav/>
            <h1>{i18n.tr("open.hot.heading")}</h1>
        </div>
    }
}
