//! `/unsubscribe/{token}`: the link in every update. One button ends the subscription; the page
//! does not act on load, because mail scanners and link previews open links nobody clicked
//! (e-mail clients use the one-click `List-Unsubscribe-Post` instead, RFC 8058).

use crate::api::ApiError;
use crate::app::page_title;
use crate::i18n::use_i18n;
use crate::links;
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_params_map;
use shared::error::ErrorCode;
use shared::ids::TrackingNo;

#[component]
pub fn UnsubscribePage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    page_title(move || i18n.t("unsubscribe.heading").to_owned());
    let token = params.with_untracked(|p| p.get("token")).filter(|t| shared::subscription::is_token(t));
    let sending = RwSignal::new(false);
    // The request the subscription followed, once it has ended.
    let ended: RwSignal<Option<String>> = RwSignal::new(None);
    let failed: RwSignal<Option<ApiError>> = RwSignal::new(None);

    let Some(token) = token else {
        return view! {
            <div class="page">
                <h1>{i18n.tr("unsubscribe.heading")}</h1>
                <div class="notice notice--error" role="alert"><p>{i18n.tr("unsubscribe.invalid")}</p></div>
            </div>
        }
        .into_any();
    };

    let confirm = move |_| {
        if sending.get_untracked() {
            return;
        }
        sending.set(true);
        failed.set(None);
        let token = token.clone();
        spawn_local(async move {
            let result = crate::updates_api::unsubscribe(&token).await;
            sending.set(false);
            match result {
                Ok(answer) => {
                    ended.set(Some(answer.tracking_no));
                    request_animation_frame(|| {
                        crate::dom::focus_id("unsubscribe-done");
                    });
                }
                Err(e) => failed.set(Some(e)),
            }
        });
    };
    let error_text = move || {
        failed.get().map(|e| match e.code() {
            Some(ErrorCode::NotFound) => i18n.t("unsubscribe.invalid").to_owned(),
            _ => e.describe(i18n.lang()),
        })
    };
    let track_link = move || {
        ended.get().and_then(|no| TrackingNo::parse(&no)).map(|no| {
            view! { <p><a id="unsubscribe-track" href=links::track_path(&no)>{i18n.tr("unsubscribe.view")}</a></p> }
        })
    };

    view! {
        <div class="page">
            <h1>{i18n.tr("unsubscribe.heading")}</h1>
            <div hidden=move || ended.with(Option::is_some)>
                <p>{i18n.tr("unsubscribe.lead")}</p>
                <div class="notice notice--error" role="alert" hidden=move || failed.with(Option::is_none)>
                    <p id="unsubscribe-error">{error_text}</p>
                </div>
                <p class="actions">
                    <button type="button" id="unsubscribe-confirm" class="button" on:click=confirm disabled=sending aria-busy=move || sending.get().then_some("true")>
                        {i18n.tr_either(sending, "unsubscribe.sending", "unsubscribe.button")}
                    </button>
                </p>
            </div>
            <div hidden=move || ended.with(Option::is_none)>
                <p id="unsubscribe-done" class="notice notice--success" role="status" tabindex="-1">{i18n.tr("unsubscribe.done")}</p>
                {track_link}
            </div>
        </div>
    }
    .into_any()
}
