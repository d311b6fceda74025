//! A ticket's photos in the staff console: every one, hidden ones too, with whether the public
//! sees it. Dispatchers and supervisors hide a photo with a reason or show it again (moderation);
//! the handling departments add before / during / after photos, made small and stripped in the
//! browser like the citizens', and tick the ones their next public note or reply carries.

use crate::api::ApiError;
use crate::components::time::Time;
use crate::i18n::use_i18n;
use crate::photo_resize::{resize, ResizeError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::error::{ApiErrorBody, ErrorCode};
use shared::photo::{HideInput, PhotoStage, StaffPhoto, DEFAULT_MAX_SIDE};
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlInputElement};

/// The photos ticked for the next public note or reply (ids), shared with those forms.
#[derive(Debug, Clone, Copy)]
pub struct AttachedPhotos(pub RwSignal<Vec<String>>);

impl AttachedPhotos {
    pub fn new() -> Self {
        Self(RwSignal::new(Vec::new()))
    }

    /// What a note or reply sends; the ticks stay until it succeeded (`clear`).
    pub fn ids(self) -> Vec<String> {
        self.0.get_untracked()
    }

    pub fn clear(self) {
        self.0.set(Vec::new());
    }
}

impl Default for AttachedPhotos {
    fn default() -> Self {
        Self::new()
    }
}

const STAFF_STAGES: [PhotoStage; 3] = [PhotoStage::Before, PhotoStage::Progress, PhotoStage::After];

#[component]
pub fn TicketPhotos(
    no: Memo<String>,
    /// Reloads the list when it changes (the ticket's version after a note or reply).
    #[prop(into)]
    watch: Signal<i64>,
    /// Hide and show again (dispatchers, supervisors, admins).
    #[prop(optional)]
    moderate: bool,
    /// Add photos and attach them to notes and replies (the handling departments).
    #[prop(optional)]
    handle: bool,
) -> impl IntoView {
    let i18n = use_i18n();
    let bump = RwSignal::new(0u32);
    let photos = LocalResource::new(move || {
        let (no, _, _) = (no.get(), watch.get(), bump.get());
        async move { crate::photo_api::list(&no).await }
    });
    let done = RwSignal::new(None::<&'static str>);
    let attached = use_context::<AttachedPhotos>();

    let list = move || {
        photos.get().map(|result| match result {
            Err(error) => {
                view! { <p class="notice notice--error" role="alert">{move || error.describe(i18n.lang())}</p> }
                    .into_any()
            }
            Ok(list) if list.is_empty() => {
                view! { <p class="hint" id="staff-photos-none">{i18n.tr("staff_photos.none")}</p> }.into_any()
            }
            Ok(list) => view! {
                <ul class="photo-gallery" id="staff-photos">
                    {list
                        .into_iter()
                        .enumerate()
                        .map(|(i, p)| {
                            view! { <PhotoItem n=i + 1 photo=p moderate handle attached bump done/> }
                        })
                        .collect_view()}
                </ul>
            }
            .into_any(),
        })
    };

    view! {
        <section aria-labelledby="staff-photos-heading" class="panel-section">
            <h2 id="staff-photos-heading">{i18n.tr("staff_photos.heading")}</h2>
            <p id="staff-photos-status" role="status" tabindex="-1"
                class:notice=move || done.with(Option::is_some) class:notice--success=move || done.with(Option::is_some)>
                {move || done.get().map(|k| i18n.t(k))}
            </p>
            {list}
            {handle.then(|| view! { <AddPhoto no bump done/> })}
        </section>
    }
}

#[component]
fn PhotoItem(
    n: usize,
    photo: StaffPhoto,
    moderate: bool,
    handle: bool,
    attached: Option<AttachedPhotos>,
    bump: RwSignal<u32>,
    done: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let stage_key = format!("photos.stage.{}", photo.stage.as_str());
    let id = photo.id.as_str().to_owned();
    let who = if photo.uploader == "reporter" { None } else { Some(photo.uploader.clone()) };
    let state = match &photo.hidden {
        Some(h) => {
            let (by, reason) = (h.by.clone(), h.reason.clone());
            view! { <p class="tag tag--urgent">{move || i18n.tf("staff_photos.hidden", &[("by", &by), ("reason", &reason)])}</p> }
                .into_any()
        }
        None if photo.published => view! { <p class="tag tag--normal">{i18n.tr("staff_photos.public")}</p> }.into_any(),
        None => view! { <p class="tag tag--normal">{i18n.tr("staff_photos.not_public")}</p> }.into_any(),
    };
    let attach = (handle && !photo.published && photo.stage != PhotoStage::Report).then(|| {
        let box_id = format!("photo-attach-{n}");
        let photo_id = id.clone();
        let checked = {
            let photo_id = photo_id.clone();
            move || attached.is_some_and(|a| a.0.with(|ids| ids.contains(&photo_id)))
        };
        view! {
            <div class="checkbox">
                <input type="checkbox" id=box_id.clone() prop:checked=checked on:change=move |ev| {
                    let on = event_target_checked(&ev);
                    if let Some(a) = attached {
                        a.0.update(|ids| {
                            ids.retain(|x| x != &photo_id);
                            if on {
                                ids.push(photo_id.clone());
                            }
                        });
                    }
                }/>
                <label for=box_id>{i18n.tr("staff_photos.attach")}</label>
            </div>
        }
    });
    let moderation = moderate.then(|| view! { <Moderate n id=id.clone() hidden=photo.hidden.is_some() bump done/> });
    let caption_key = stage_key.clone();
    let link = photo.url.clone();
    view! {
        <li class="photo-gallery__item" id=format!("staff-photo-{n}")>
            <figure>
                <a href=link>
                    <img src=photo.url alt=i18n.tr_key(stage_key) loading="lazy" width=photo.width height=photo.height/>
                </a>
                <figcaption>
                    {i18n.tr_key(caption_key)} " · " <Time at=photo.at/>
                    {who.map(|who| view! { " · " {move || i18n.tf("staff_photos.uploader", &[("who", &who)])} })}
                </figcaption>
            </figure>
            {state}
            {attach}
            {moderation}
        </li>
    }
}

/// Hide with a reason, or show again.
#[component]
fn Moderate(
    n: usize,
    id: String,
    hidden: bool,
    bump: RwSignal<u32>,
    done: RwSignal<Option<&'static str>>,
) -> impl IntoView {
    let i18n = use_i18n();
    let reason = RwSignal::new(String::new());
    let busy = RwSignal::new(false);
    let failed = RwSignal::new(None::<ApiError>);
    let send = move |_| {
        if busy.get_untracked() {
            return;
        }
        failed.set(None);
        // The same rule as the server's, checked before anything is sent.
        let why = if hidden {
            None
        } else {
            match (HideInput { reason: Some(reason.get_untracked()) }).parse() {
                Ok(why) => Some(why),
                Err(errors) => {
                    let body = ApiErrorBody::with_fields(ErrorCode::ValidationFailed, "", errors);
                    failed.set(Some(ApiError::Api { status: 422, body }));
                    crate::dom::focus_id(&format!("photo-reason-{n}"));
                    return;
                }
            }
        };
        busy.set(true);
        let id = id.clone();
        spawn_local(async move {
            match crate::photo_api::moderate(&id, why).await {
                Ok(_) => {
                    done.set(Some(if hidden { "staff_photos.shown_done" } else { "staff_photos.hidden_done" }));
                    bump.update(|b| *b += 1);
                    crate::dom::focus_id("staff-photos-status");
                }
                Err(e) => failed.set(Some(e)),
            }
            busy.set(false);
        });
    };
    let reason_id = format!("photo-reason-{n}");
    let error_id = format!("photo-error-{n}");
    let message = move || {
        failed.get().map(|e| match &e {
            ApiError::Api { body, .. } if body.fields.get("reason").is_some() => {
                i18n.t("staff_photos.reason_required").to_owned()
            }
            _ => e.describe(i18n.lang()),
        })
    };
    let reason_field = (!hidden).then(|| {
        view! {
            <label for=reason_id.clone() class="label">{i18n.tr("staff_photos.reason")}</label>
            <input type="text" class="input" id=reason_id.clone() aria-describedby=error_id.clone()
                prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))/>
        }
    });
    let label_key = if hidden { "staff_photos.unhide" } else { "staff_photos.hide" };
    let button_id = format!("photo-{}-{n}", if hidden { "unhide" } else { "hide" });
    view! {
        <div class="field">
            {reason_field}
            <p class="field-error" id=error_id role="alert" hidden=move || failed.with(Option::is_none)>{message}</p>
            <button type="button" class="button button--secondary" id=button_id disabled=move || busy.get() on:click=send>
                {move || i18n.tf(label_key, &[("n", &n.to_string())])}
            </button>
        </div>
    }
}

/// A handler's photo: the stage, then the file; sent as soon as it is ready.
#[component]
fn AddPhoto(no: Memo<String>, bump: RwSignal<u32>, done: RwSignal<Option<&'static str>>) -> impl IntoView {
    let i18n = use_i18n();
    let stage = RwSignal::new(PhotoStage::Before);
    let busy = RwSignal::new(false);
    let problem = RwSignal::new(None::<String>);
    let max_side = crate::app::use_setup()
        .get_untracked()
        .and_then(Result::ok)
        .map_or(DEFAULT_MAX_SIDE, |s| s.config.photo_max_side);
    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else { return };
        let Some(file) = input.files().and_then(|f| f.get(0)) else { return };
        input.set_value("");
        let file = Blob::from(file);
        busy.set(true);
        problem.set(None);
        done.set(None);
        let (no, stage) = (no.get_untracked(), stage.get_untracked());
        spawn_local(async move {
            let lang = i18n.lang();
            match resize(&file, max_side).await {
                Ok(r) => match crate::photo_api::upload_staff(&no, stage, &r.blob).await {
                    Ok(_) => {
                        done.set(Some("staff_photos.added"));
                        bump.update(|b| *b += 1);
                    }
                    Err(e) => problem.set(Some(e.describe(lang))),
                },
                Err(ResizeError::NotAnImage) => problem.set(Some(lang.text("photos.not_an_image"))),
                Err(ResizeError::TooLarge) => problem.set(Some(lang.text("photos.too_large"))),
            }
            busy.set(false);
        });
    };
    let open_picker = move |_| {
        if let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("staff-photo-file"))
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            input.click();
        }
    };
    view! {
        <fieldset class="field fieldset">
            <legend class="label">{i18n.tr("staff_photos.add_heading")}</legend>
            <div class="radios">
                {STAFF_STAGES
                    .into_iter()
                    .map(|s| {
                        let id = format!("photo-stage-{}", s.as_str());
                        view! {
                            <div class="radio">
                                <input type="radio" id=id.clone() name="photo-stage" value=s.as_str()
                                    prop:checked=move || stage.get() == s on:change=move |_| stage.set(s)/>
                                <label for=id>{i18n.tr_key(format!("photos.stage.{}", s.as_str()))}</label>
                            </div>
                        }
                    })
                    .collect_view()}
            </div>
            // A button opens the hidden file input: it can be labelled, and reached with Tab.
            <button type="button" id="staff-photo-add" class="button button--secondary" aria-describedby="staff-photo-problem"
                disabled=move || busy.get() on:click=open_picker>
                {i18n.tr("staff_photos.file")}
            </button>
            <input type="file" id="staff-photo-file" class="visually-hidden" tabindex="-1" aria-hidden="true" accept="image/*"
                disabled=move || busy.get() on:change=on_change/>
            <p class="hint" role="status">{move || busy.get().then(|| i18n.t("staff_photos.adding"))}</p>
            <p class="field-error" id="staff-photo-problem" hidden=move || problem.with(Option::is_none)>{move || problem.get()}</p>
        </fieldset>
    }
}
