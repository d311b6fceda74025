//! "附近已有相同问题": once the form has a category and a point, the open requests of the same
//! family close by, each with a "me too" button. Only a suggestion: if the search fails the
//! list simply stays away, and filing a new request is always possible.

use crate::api::ApiError;
use crate::components::time::Time;
use crate::dom;
use crate::i18n::{status_key, use_i18n};
use crate::links::{self, idempotency_key};
use crate::nearby_api::{self, band_key, follower_session_key};
use leptos::prelude::*;
use leptos::task::spawn_local;
use leptos_router::hooks::use_navigate;
use shared::catalogue::CategoryRef;
use shared::error::ErrorCode;
use shared::ids::TrackingNo;
use shared::nearby::NearbyItem;
use std::collections::HashMap;
use std::time::Duration;

/// Typing on the map (arrow keys, several taps) settles before the search is sent.
const DEBOUNCE: Duration = Duration::from_millis(400);

#[component]
pub fn NearbyList(category: RwSignal<Option<CategoryRef>>, point: RwSignal<Option<(f64, f64)>>) -> impl IntoView {
    let i18n = use_i18n();
    let navigate = use_navigate();
    let items = RwSignal::new(Vec::<NearbyItem>::new());
    // Only the newest search may fill the list: an older answer arriving late is dropped.
    let generation = StoredValue::new(0u64);
    Effect::new(move |_| {
        let query = category.get().map(|c| c.code).zip(point.get());
        let this = generation.get_value() + 1;
        generation.set_value(this);
        let Some((code, (lat, lng))) = query else {
            items.set(Vec::new());
            return;
        };
        // `try_`: the citizen may have sent the form (and left this component) meanwhile.
        set_timeout(
            move || {
                if generation.try_get_value() != Some(this) {
                    return;
                }
                spawn_local(async move {
                    // A failed search shows nothing: it must never stand between the citizen and filing.
                    let found = nearby_api::nearby(&code, lat, lng).await.map(|r| r.items).unwrap_or_default();
                    if generation.try_get_value() == Some(this) {
                        items.set(found);
                    }
                });
            },
            DEBOUNCE,
        );
    });

    // One key per request followed, kept across retries until the answer is in.
    let keys = StoredValue::new(HashMap::<String, String>::new());
    let busy = RwSignal::new(None::<TrackingNo>);
    let failed = RwSignal::new(None::<(TrackingNo, ApiError)>);
    let follow = move |no: TrackingNo| {
        if busy.get_untracked().is_some() {
            return;
        }
        busy.set(Some(no.clone()));
        failed.set(None);
        let key = keys
            .try_update_value(|k| {
                k.entry(no.as_str().to_owned()).or_insert_with(|| idempotency_key(dom::random_bytes())).clone()
            })
            .unwrap_or_default();
        let lang = i18n.lang().tag();
        let navigate = navigate.clone();
        spawn_local(async move {
            let result = nearby_api::me_too(&no, &key, lang).await;
            busy.set(None);
            match result {
                Ok(answer) => {
                    dom::session_set(&follower_session_key(&answer.tracking_no), answer.token.as_str());
                    keys.update_value(|k| {
                        k.remove(no.as_str());
                    });
                    navigate(&format!("/followed/{}", answer.tracking_no.as_str()), Default::default());
                }
                Err(e) => {
                    // Another body under the key cannot happen from here; a fresh key is safe.
                    if e.code() == Some(ErrorCode::IdempotencyKeyReused) {
                        keys.update_value(|k| {
                            k.remove(no.as_str());
                        });
                    }
                    failed.set(Some((no, e)));
                }
            }
        });
    };
    let follow = StoredValue::new_local(follow);

    let card = move |item: NearbyItem| {
        let no = item.tracking_no.clone();
        let id = no.as_str().to_owned();
        let title_id = format!("nearby-title-{id}");
        let error_id = format!("nearby-error-{id}");
        let category = item.category.path.last().cloned().unwrap_or_else(|| item.category.code.to_string());
        let count = item.me_too_count;
        let (mine, mine_busy) = (no.clone(), no.clone());
        let error = Signal::derive(move || {
            failed.with(|f| f.as_ref().filter(|(n, _)| n == &mine).map(|(_, e)| e.describe(i18n.lang())))
        });
        let is_busy = Signal::derive(move || busy.with(|b| b.as_ref() == Some(&mine_busy)));
        let on_click = {
            let no = no.clone();
            move |_| follow.with_value(|f| f(no.clone()))
        };
        view! {
            <li class="card nearby__item">
                <p id=title_id.clone() class="card__title">{item.title.clone()}</p>
                <p class="queue__meta">
                    <span class="tag">{i18n.tr_key(status_key(item.status))}</span>
                    <span>{i18n.tr_key(band_key(item.distance))}</span>
                    <span>{category}</span>
                    <Time at=item.created_at/>
                </p>
                {(count > 0).then(|| view! {
                    <p class="hint">{move || i18n.tf("nearby.me_too_count", &[("count", &count.to_string())])}</p>
                })}
                <p class="hint">
                    <a href=links::track_path(&no) rel=links::TRACK_REL aria-describedby=title_id.clone()>{i18n.tr("nearby.view")}</a>
                </p>
                <p id=error_id.clone() class="error-message" role="alert" hidden=move || error.with(Option::is_none)>
                    {error}
                </p>
                <button
                    type="button"
                    id=format!("me-too-{id}")
                    class="button button--secondary"
                    aria-describedby=title_id
                    disabled=is_busy
                    aria-busy=move || is_busy.get().then_some("true")
                    on:click=on_click
                >
                    {move || if is_busy.get() { i18n.t("nearby.me_too_sending") } else { i18n.t("nearby.me_too") }}
                </button>
            </li>
        }
    };

    view! {
        <section id="nearby" class="nearby notice" aria-labelledby="nearby-heading" hidden=move || items.with(Vec::is_empty)>
            <h2 id="nearby-heading">{i18n.tr("nearby.heading")}</h2>
            <p class="hint">{i18n.tr("nearby.hint")}</p>
            <ul id="nearby-list" class="cards">
                {move || items.get().into_iter().map(card).collect_view()}
            </ul>
            <p class="hint">{i18n.tr("nearby.file_anyway")}</p>
        </section>
    }
}
