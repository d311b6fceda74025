//! `/submitted/{no}`: the confirmation. The private link (with the token) is shown here and
//! nowhere else, so the page says plainly to keep it.

use crate::app::{page_title, LastSubmission};
use crate::components::copy_button::CopyButton;
use crate::components::time::Time;
use crate::dom;
use crate::i18n::{status_key, use_i18n};
use crate::links::{self, TRACK_REL};
use leptos::prelude::*;
use leptos_router::hooks::use_params_map;
use shared::ids::{AccessToken, TrackingNo};
use shared::ticket::SubmitResponse;

fn session_key(no: &TrackingNo) -> String {
    format!("huiyin.token.{}", no.as_str())
}

/// Keep the token for this tab's session, so a reload of the confirmation page still shows
/// the private link. Only the token: the rest is in the URL or can be fetched.
pub fn remember_token(no: &TrackingNo, token: &AccessToken) {
    dom::session_set(&session_key(no), token.as_str());
}

/// The submission's answer if this visit made it; after a reload only the token survives.
fn find(no: &TrackingNo) -> (Option<SubmitResponse>, Option<AccessToken>) {
    let in_memory = use_context::<LastSubmission>()
        .and_then(|LastSubmission(s)| s.get_untracked())
        .filter(|r| &r.tracking_no == no);
    let token = in_memory
        .as_ref()
        .map(|r| r.token.clone())
        .or_else(|| dom::session_get(&session_key(no)).and_then(|t| AccessToken::presented(&t)));
    (in_memory, token)
}

#[component]
pub fn SubmittedPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    page_title(move || i18n.t("submitted.heading").to_owned());
    let no = params.with_untracked(|p| p.get("no")).and_then(|n| TrackingNo::parse(&n));
    let Some(no) = no else {
        return view! { <crate::pages::not_found::NotFound/> }.into_any();
    };
    let (response, token) = find(&no);
    let updates = token.clone().map(|t| crate::components::updates_optin::updates_optin(no.clone(), t));
    let public_path = links::track_path(&no);
    let private_path = token.as_ref().map(|t| links::private_path(&no, t));
    let photo_uploads = token.clone().map(|token| {
        view! { <crate::components::photo_uploads::PhotoUploads no=no.clone() token/> }
    });
    let created = response.as_ref().map(|r| r.created_at);
    let status = response.as_ref().map(|r| r.status);

    let private_block = match private_path {
        Some(path) => {
            let absolute = format!("{}{}", dom::origin(), path);
            let copy_text = absolute.clone();
            view! {
                <h2>{i18n.tr("submitted.private_heading")}</h2>
                <p id="private-link-hint">{i18n.tr("submitted.private_hint")}</p>
                <p class="private-link">
                    <a id="private-link" href=path.clone() rel=TRACK_REL aria-describedby="private-link-hint">{absolute}</a>
                </p>
                <p class="actions">
                    <CopyButton text=copy_text id="copy-private-link"/>
                </p>
                <div class="warning-text">
                    <strong>{i18n.tr("submitted.private_warning")}</strong>
                </div>
                <p class="actions">
                    <a href=path class="button" rel=TRACK_REL>{i18n.tr("submitted.view_progress")}</a>
                </p>
            }
            .into_any()
        }
        None => view! {
            <p>{i18n.tr("submitted.link_gone")}</p>
            <p class="actions">
                <a href=public_path.clone() class="button" rel=TRACK_REL>{i18n.tr("submitted.view_progress")}</a>
            </p>
        }
        .into_any(),
    };

    view! {
        <div class="page">
            <div class="panel panel--confirmation">
                <h1 class="panel__title">{i18n.tr("submitted.heading")}</h1>
                <div class="panel__body">
                    <p>{i18n.tr("submitted.your_number")}</p>
                    <p id="tracking-no" class="tracking-no">{no.as_str().to_owned()}</p>
                </div>
            </div>
            <p>
                {i18n.tr("submitted.number_hint")}
            </p>
            {status.map(|s| view! {
                <p>
                    {i18n.tr("ticket.status")} " "
                    <strong>{i18n.tr_key(status_key(s))}</strong>
                    {created.map(|at| view! {
                        " · " <Time at/>
                    })}
                </p>
            })}
            {photo_uploads}
            {private_block}
            {updates}
            <p class="actions">
                <a href="/">{i18n.tr("submitted.another")}</a>
            </p>
        </div>
    }
    .into_any()
}
