//! The transparency pages' own menu: from the overview to the map, the hot issues and the
//! monthly assessment, all in this bundle.

use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos_router::hooks::use_location;

const PAGES: [(&str, &str); 4] = [
    ("/open/dashboard", "open.nav.dashboard"),
    ("/open/heatmap", "open.nav.heatmap"),
    ("/open/hot-issues", "open.nav.hot_issues"),
    ("/open/assessment", "open.nav.assessment"),
];

#[component]
pub fn OpenNav() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let links = PAGES
        .into_iter()
        .map(|(path, key)| {
            let current = move || location.pathname.with(|p| p == path).then_some("page");
            view! { <a href=path aria-current=current>{i18n.tr(key)}</a> }
        })
        .collect_view();
    view! { <nav class="open-nav" aria-label=i18n.tr("open.nav.label")>{links}</nav> }
}
