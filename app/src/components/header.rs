//! The header on every page: the service's name, the two tasks, the public lists and the
//! language switch.

use crate::i18n::{use_i18n, Lang};
use crate::links::{SUBMIT_REL, TRACK_REL};
use leptos::prelude::*;
use leptos_router::hooks::use_location;

/// `rel` of the links to the transparency pages: in the citizens' bundle they are not routes
/// but another bundle, so the click must be a full page load (the router leaves
/// `rel="external"` links to the browser).
const TRANSPARENCY_REL: Option<&str> = if cfg!(feature = "open") { None } else { Some("external") };

/// Plain links: the router intercepts same-origin clicks anyway, and its `<A>` component
/// costs wasm for the one thing used here, `aria-current`.
#[component]
pub fn Header() -> impl IntoView {
    let i18n = use_i18n();
    let location = use_location();
    let current = move |is: fn(&str) -> bool| move || location.pathname.with(|p| is(p)).then_some("page");
    view! {
        <header class="site-header">
            <div class="site-header__inner">
                <a href="/" class="brand" rel=SUBMIT_REL>
                    <span class="brand__name">{i18n.tr("app.name")}</span>
                    <span class="brand__tagline">{i18n.tr("app.tagline")}</span>
                </a>
                <LangSelect/>
            </div>
            <nav class="site-nav" aria-label=i18n.tr("nav.label")>
                <a href="/" rel=SUBMIT_REL aria-current=current(|p| p == "/")>{i18n.tr("nav.submit")}</a>
                <a href="/track" rel=TRACK_REL aria-current=current(|p| p.starts_with("/track"))>
                    {i18n.tr("nav.track")}
                </a>
                <a href="/listed" id="nav-listed" rel=TRANSPARENCY_REL aria-current=current(|p| p == "/listed")>
                    {i18n.tr("nav.listed")}
                </a>
                <a
                    href="/open/dashboard"
                    id="nav-open-data"
                    rel=TRANSPARENCY_REL
                    aria-current=current(|p| p.starts_with("/open/"))
                >
                    {i18n.tr("nav.open_data")}
                </a>
            </nav>
        </header>
    }
}

/// Each option is written in its own language, so anyone can find theirs.
#[component]
fn LangSelect() -> impl IntoView {
    let i18n = use_i18n();
    let options = Lang::ALL
        .into_iter()
        .map(|lang| {
            // Every file names the three languages alike, so the compiled-in one has them all.
            let own_name = Lang::default().text(&format!("lang.{}", lang.tag()));
            view! {
                <option value=lang.tag() lang=lang.tag() selected=move || i18n.lang() == lang>
                    {own_name}
                </option>
            }
        })
        .collect_view();
    view! {
        <div class="lang-select">
            <label for="lang-select">{i18n.tr("header.language")}</label>
            <select
                id="lang-select"
                prop:value=move || i18n.lang().tag()
                on:change=move |ev| {
                    let Some(lang) = Lang::from_tag(&event_target_value(&ev)) else { return };
                    let select = event_target::<leptos::web_sys::HtmlSelectElement>(&ev);
                    leptos::task::spawn_local(async move {
                        // Offline, say: the page stays in its language, and the list says so.
                        if !i18n.switch(lang).await {
                            select.set_value(i18n.lang().tag());
                        }
                    });
                }
            >
                {options}
            </select>
        </div>
    }
}
