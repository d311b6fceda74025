//! A request's visible photos on its tracking page: the citizen's and the handlers' before,
//! during and after, each with what it shows and when. Loaded lazily, sized up front so the page
//! does not jump as they arrive.

use super::time::Time;
use crate::i18n::use_i18n;
use leptos::prelude::*;
use shared::photo::PublicPhoto;

#[component]
pub fn PhotoGallery(photos: Vec<PublicPhoto>) -> impl IntoView {
    let i18n = use_i18n();
    if photos.is_empty() {
        return None;
    }
    let items = photos
        .into_iter()
        .map(|p| {
            let key = format!("photos.stage.{}", p.stage.as_str());
            let alt = i18n.tr_key(key.clone());
            let link = p.url.clone();
            view! {
                <li class="photo-gallery__item">
                    <figure>
                        <a href=link>
                            <img src=p.url alt=alt loading="lazy" width=p.width height=p.height/>
                        </a>
                        <figcaption>{i18n.tr_key(key)} " · " <Time at=p.at/></figcaption>
                    </figure>
                </li>
            }
        })
        .collect_view();
    Some(view! {
        <section aria-labelledby="photos-heading">
            <h2 id="photos-heading">{i18n.tr("photos.heading")}</h2>
            <ul id="photo-gallery" class="photo-gallery">{items}</ul>
        </section>
    })
}
