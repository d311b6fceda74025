//! The confirmation page sends the form's photos with the new request's token, one after the
//! other, and says how each went; a failed one can be sent again. The request itself is filed
//! already, so a slow or failed upload never costs the citizen their request.

use super::photo_picker::{Pending, PendingPhotos};
use crate::api::ApiError;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::ids::{AccessToken, TrackingNo};

#[derive(Debug, Clone, PartialEq)]
enum State {
    Waiting,
    Sending,
    Done,
    Failed(ApiError),
}

#[component]
pub fn PhotoUploads(no: TrackingNo, token: AccessToken) -> impl IntoView {
    let i18n = use_i18n();
    let pending = use_context::<PendingPhotos>().map(|p| p.take()).unwrap_or_default();
    if pending.is_empty() {
        return None;
    }
    let count = pending.len();
    let states: Vec<RwSignal<State>> = pending.iter().map(|_| RwSignal::new(State::Waiting)).collect();
    let photos = StoredValue::new_local(pending);

    let send_one = {
        let (no, token, states) = (no.clone(), token.clone(), states.clone());
        move |i: usize| {
            let (no, token) = (no.clone(), token.clone());
            let state = states[i];
            async move {
                let Some(blob) = photos.with_value(|p: &Vec<Pending>| p.get(i).map(|p| p.blob.clone())) else {
                    return;
                };
                state.set(State::Sending);
                match crate::photo_api::upload(&no, &token, &blob).await {
                    Ok(_) => state.set(State::Done),
                    Err(e) => state.set(State::Failed(e)),
                }
            }
        }
    };
    let send_one = StoredValue::new_local(send_one);
    // One at a time: a phone on a weak connection gets each photo through rather than three halves.
    spawn_local(async move {
        for i in 0..count {
            let upload = send_one.with_value(|send| send(i));
            upload.await;
        }
    });

    let items = states
        .iter()
        .enumerate()
        .map(|(i, state)| {
            let state = *state;
            let n = (i + 1).to_string();
            let preview = photos.with_value(|p| p.get(i).map(|p| (p.preview.clone(), p.width, p.height)));
            let (src, width, height) = preview.unwrap_or_default();
            let alt = i18n.tf("photos.thumb_alt", &[("n", &n), ("count", &count.to_string())]);
            let text = {
                let n = n.clone();
                move || {
                    let lang = i18n.lang();
                    match state.get() {
                        State::Waiting => lang.fill("photos.upload.waiting", &[("n", &n)]),
                        State::Sending => lang.fill("photos.upload.sending", &[("n", &n)]),
                        State::Done => lang.fill("photos.upload.done", &[("n", &n)]),
                        State::Failed(e) => {
                            lang.fill("photos.upload.failed", &[("n", &n), ("reason", &e.describe(lang))])
                        }
                    }
                }
            };
            let retry = move |_| {
                let upload = send_one.with_value(|send| send(i));
                spawn_local(upload);
            };
            let failed = move || !matches!(state.get(), State::Failed(_));
            let css = move || match state.get() {
                State::Done => "photo-upload photo-upload--done",
                State::Failed(_) => "photo-upload photo-upload--failed",
                _ => "photo-upload",
            };
            view! {
                <li class=css id=format!("photo-upload-{i}")>
                    <img src=src alt=alt width=width height=height class="photo-upload__thumb"/>
                    <span>{text}</span>
                    " "
                    <button type="button" class="button button--secondary" hidden=failed on:click=retry>
                        {i18n.tr("common.retry")}
                    </button>
                </li>
            }
        })
        .collect_view();

    Some(view! {
        <section aria-labelledby="photo-uploads-heading">
            <h2 id="photo-uploads-heading">{i18n.tr("photos.upload.heading")}</h2>
            <ul id="photo-uploads" class="photo-uploads" role="status" aria-live="polite">{items}</ul>
        </section>
    })
}
