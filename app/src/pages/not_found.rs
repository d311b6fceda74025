//! Any path the router does not know.

use crate::app::page_title;
use crate::i18n::use_i18n;
use crate::links::{SUBMIT_REL, TRACK_REL};
use leptos::prelude::*;

#[component]
pub fn NotFound() -> impl IntoView {
    let i18n = use_i18n();
    page_title(move || i18n.t("not_found.heading").to_owned());
    view! {
        <div class="page">
            <h1>{i18n.tr("not_found.heading")}</h1>
            <p>{i18n.tr("not_found.text")}</p>
            <ul class="link-list">
                <li><a href="/" rel=SUBMIT_REL>{i18n.tr("nav.submit")}</a></li>
                <li><a href="/track" rel=TRACK_REL>{i18n.tr("nav.track")}</a></li>
            </ul>
        </div>
    }
}
