//! `/followed/{no}`: the citizen now follows a request reported by someone else ("me too").
//! Their own link (the follower's token in the fragment, like the reporter's private link) is
//! shown here and nowhere else; it opens the public progress, marked as followed.

use crate::app::page_title;
use crate::components::copy_button::CopyButton;
use crate::dom;
use crate::i18n::use_i18n;
use crate::links::{self, TRACK_REL};
use crate::nearby_api::follower_session_key;
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ids::{AccessToken, TrackingNo};

#[component]
pub fn FollowedPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    page_title(move || i18n.t("followed.heading").to_owned());
    let no = params.with_untracked(|p| p.get("no")).and_then(|n| TrackingNo::parse(&n));
    let Some(no) = no else {
        return view! { <crate::pages::not_found::NotFound/> }.into_any();
    };
    // Kept for this tab's session by the "me too" button, so a reload still shows the link.
    let token = dom::session_get(&follower_session_key(&no)).and_then(|t| AccessToken::presented(&t));
    // Push or e-mail updates of the followed request, with the follower's token.
    let updates = token.clone().map(|t| crate::components::updates_optin::updates_optin(no.clone(), t));
    let link_block = match token {
        Some(token) => {
            let path = links::private_path(&no, &token);
            let absolute = format!("{}{}", dom::origin(), path);
            let copy_text = absolute.clone();
            view! {
                <p id="followed-link-hint">{i18n.tr("followed.link_hint")}</p>
                <p class="private-link">
                    <a id="followed-link" href=path.clone() rel=TRACK_REL aria-describedby="followed-link-hint">{absolute}</a>
                </p>
                <p class="actions">
                    <CopyButton text=copy_text id="copy-followed-link"/>
                </p>
                <p class="actions">
                    <a id="followed-progress" href=path class="button" rel=TRACK_REL>{i18n.tr("followed.view_progress")}</a>
                </p>
            }
            .into_any()
        }
        None => view! {
            <p>{i18n.tr("followed.link_gone")}</p>
            <p class="actions">
                <a id="followed-progress" href=links::track_path(&no) class="button" rel=TRACK_REL>{i18n.tr("followed.view_progress")}</a>
            </p>
        }
        .into_any(),
    };

    view! {
        <div class="page">
            <div class="panel panel--confirmation">
                <h1 class="panel__title">{i18n.tr("followed.heading")}</h1>
                <div class="panel__body">
                    <p>{i18n.tr("followed.number")}</p>
                    <p id="tracking-no" class="tracking-no">{no.as_str().to_owned()}</p>
                </div>
            </div>
            <p>{i18n.tr("followed.lead")}</p>
            {link_block}
            <div id="followed-updates" class="followed-updates">{updates}</div>
            <p class="actions">
                <a href="/">{i18n.tr("followed.file_new")}</a>
            </p>
        </div>
    }
    .into_any()
}
