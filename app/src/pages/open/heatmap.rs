//! `/open/heatmap`: where requests come from, in cells no reporter can be found in.

use super::nav::OpenNav;
use crate::i18n::use_i18n;
use leptos::prelude::*;

#[component]
pub fn HeatMapPage() -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <div class="page page--wide">
            <OpenNav/>
            <h1>{i18n.tr("open.heatmap.heading")}</h1>
        </div>
    }
}
