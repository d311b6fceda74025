//! "Add photos" on the form: up to three, each made small and stripped of EXIF in the browser
//! (`photo_resize`) as soon as it is picked, shown as a thumbnail with its own remove button.
//! The photos wait in [`PendingPhotos`] until the request exists; the confirmation page
//! uploads them with the new request's token (`photo_uploads`), so submitting never waits.

use crate::i18n::use_i18n;
use crate::photo_resize::{resize, ResizeError};
use leptos::prelude::*;
use leptos::task::spawn_local;
use shared::photo::MAX_REPORT_PHOTOS;
use wasm_bindgen::JsCast;
use web_sys::{Blob, HtmlInputElement, Url};

/// A photo ready to upload, and its preview (an object URL of the same bytes).
#[derive(Debug, Clone)]
pub struct Pending {
    pub key: u32,
    pub blob: Blob,
    pub preview: String,
    pub width: u32,
    pub height: u32,
}

/// The form's photos until the confirmation page takes them.
#[derive(Debug, Clone, Copy)]
pub struct PendingPhotos(pub RwSignal<Vec<Pending>, LocalStorage>);

impl PendingPhotos {
    pub fn new() -> Self {
        Self(RwSignal::new_local(Vec::new()))
    }

    /// Hand the photos over (once): a second call finds none.
    pub fn take(&self) -> Vec<Pending> {
        let mut taken = Vec::new();
        self.0.update(|p| std::mem::swap(p, &mut taken));
        taken
    }
}

impl Default for PendingPhotos {
    fn default() -> Self {
        Self::new()
    }
}

#[component]
pub fn PhotoPicker(max_side: u32) -> impl IntoView {
    let i18n = use_i18n();
    let photos = use_context::<PendingPhotos>().unwrap_or_default().0;
    let busy = RwSignal::new(0u32);
    let problem = RwSignal::new(None::<&'static str>);
    let next_key = StoredValue::new(0u32);

    let on_change = move |ev: leptos::ev::Event| {
        let Some(input) = ev.target().and_then(|t| t.dyn_into::<HtmlInputElement>().ok()) else {
            return;
        };
        let Some(files) = input.files() else {
            return;
        };
        problem.set(None);
        let room = MAX_REPORT_PHOTOS.saturating_sub(photos.with_untracked(Vec::len) + busy.get_untracked() as usize);
        let picked: Vec<Blob> = (0..files.length()).filter_map(|i| files.get(i)).map(Blob::from).collect();
        if picked.len() > room {
            problem.set(Some("photos.too_many"));
        }
        for file in picked.into_iter().take(room) {
            busy.update(|n| *n += 1);
            spawn_local(async move {
                let outcome = resize(&file, max_side).await;
                busy.update(|n| *n = n.saturating_sub(1));
                match outcome {
                    Ok(r) => {
                        let key = next_key.get_value();
                        next_key.set_value(key + 1);
                        let preview = Url::create_object_url_with_blob(&r.blob).unwrap_or_default();
                        photos.update(|p| {
                            p.push(Pending { key, blob: r.blob, preview, width: r.width, height: r.height })
                        });
                    }
                    Err(ResizeError::NotAnImage) => problem.set(Some("photos.not_an_image")),
                    Err(ResizeError::TooLarge) => problem.set(Some("photos.too_large")),
                }
            });
        }
        // The same file may be picked again after it was removed.
        input.set_value("");
    };

    let remove = move |key: u32| {
        photos.update(|p| {
            if let Some(i) = p.iter().position(|x| x.key == key) {
                let gone = p.remove(i);
                let _ = Url::revoke_object_url(&gone.preview);
            }
        });
        crate::dom::focus_id("photos-add");
    };
    // The native file input cannot be styled or labelled well on every phone; a button opens it.
    let open_picker = move |_| {
        if let Some(input) = web_sys::window()
            .and_then(|w| w.document())
            .and_then(|d| d.get_element_by_id("photos"))
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        {
            input.click();
        }
    };

    let full = move || photos.with(Vec::len) + busy.get() as usize >= MAX_REPORT_PHOTOS;
    let thumbs = move || {
        let list = photos.get();
        let count = list.len().to_string();
        list.into_iter()
            .enumerate()
            .map(|(i, p)| {
                let n = (i + 1).to_string();
                let alt = i18n.tf("photos.thumb_alt", &[("n", &n), ("count", &count)]);
                let label = i18n.tf("photos.remove", &[("n", &n)]);
                let key = p.key;
                view! {
                    <li class="photo-thumb">
                        <img src=p.preview alt=alt width=p.width height=p.height/>
                        <button
                            type="button"
                            id=format!("photo-remove-{n}")
                            class="button button--secondary photo-thumb__remove"
                            on:click=move |_| remove(key)
                        >
                            {label}
                        </button>
                    </li>
                }
            })
            .collect_view()
    };

    view! {
        <fieldset class="field fieldset" id="photos-field">
            <legend class="label">{i18n.tr("photos.label")}</legend>
            <p id="photos-hint" class="hint">
                {move || i18n.tf("photos.hint", &[("max", &MAX_REPORT_PHOTOS.to_string())])}
            </p>
            <ul class="photo-thumbs" id="photo-thumbs">{thumbs}</ul>
            <p class="hint" role="status" aria-live="polite" id="photos-status">
                {move || (busy.get() > 0).then(|| i18n.t("photos.preparing"))}
            </p>
            <p class="field-error" id="photos-error" hidden=move || problem.with(Option::is_none)>
                {move || problem.get().map(|k| i18n.lang().text(k))}
            </p>
            <button
                type="button"
                id="photos-add"
                class="button button--secondary"
                aria-describedby="photos-hint photos-error"
                disabled=full
                on:click=open_picker
            >
                {i18n.tr("photos.add")}
            </button>
            <input
                type="file"
                id="photos"
                class="visually-hidden"
                tabindex="-1"
                aria-hidden="true"
                accept="image/*"
                multiple
                disabled=full
                on:change=on_change
            />
        </fieldset>
    }
}
