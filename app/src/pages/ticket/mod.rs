//! `/track/{no}`: one request's status and history. With `#token=…` in the address (the
//! reporter's private link) the private view adds the reporter's own contact data and the
//! exact location, and the two follow-up forms; the token goes in the `Authorization` header,
//! never in a URL we request.

mod follow_up;
mod progress;
mod rating;

pub(crate) use progress::{row, SummaryList, Value};

use crate::api::{self, ApiError};
use crate::app::{page_title, use_setup};
use crate::components::load_error::LoadError;
use crate::components::map::Tiles;
use crate::components::ticket_map::TicketMap;
use crate::components::timeline::Timeline;
use crate::dom;
use crate::i18n::{channel_key, kind_key, use_i18n};
use crate::links;
use follow_up::follow_up;
use leptos::either::EitherOf3;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_params_map};
use progress::progress;
use rating::rating;
use shared::error::ErrorCode;
use shared::ids::{AccessToken, TrackingNo};
use shared::request::Contact;
use shared::status::Status;
use shared::ticket::{PrivateTicketView, PublicTicketView, TicketView};

/// What the page keeps across reloads of the view: the token, the confirmation of the
/// reporter's last follow-up (shown, and focused, once the reloaded view is in), and the rating
/// sent in this visit.
#[derive(Clone, Copy)]
struct Reload {
    done: RwSignal<Option<&'static str>>,
    run: Callback<()>,
    rated: RwSignal<Option<crate::rating_api::Answer>>,
    /// Just rated: focus the answer once the reloaded view is in.
    fresh: RwSignal<bool>,
}

#[component]
pub fn TicketPage() -> impl IntoView {
    let i18n = use_i18n();
    let params = use_params_map();
    let location = use_location();
    let no = move || params.with(|p| p.get("no")).and_then(|n| TrackingNo::parse(&n));
    // The Worker wrote the public view into the page: drawn at once, and for anyone without the
    // private link that is all there is to ask. The reporter's view replaces it when it comes.
    let seeded = api::embedded_ticket().filter(|v| Some(&v.public_part().tracking_no) == untrack(no).as_ref());
    let private_link = links::token_from_hash(&location.hash.get_untracked()).is_some();
    let mut skip_first = seeded.is_some() && !private_link;
    let ticket: RwSignal<Option<Result<Option<TicketView>, ApiError>>> = RwSignal::new(seeded.map(|v| Ok(Some(v))));
    // Only the latest load may answer (a quick second navigation must not be overwritten).
    let latest = StoredValue::new(0u32);
    let load = move |no: Option<TrackingNo>, token: Option<AccessToken>| {
        latest.update_value(|n| *n += 1);
        let this = latest.get_value();
        leptos::task::spawn_local(async move {
            let answer = match no {
                Some(no) => api::ticket(&no, token.as_ref()).await.map(Some),
                None => Ok(None),
            };
            if latest.get_value() == this {
                ticket.set(Some(answer));
            }
        });
    };
    Effect::new(move |_| {
        let (no, token) = (no(), links::token_from_hash(&location.hash.get()));
        if !std::mem::take(&mut skip_first) {
            load(no, token);
        }
    });
    let reload = Reload {
        done: RwSignal::new(None),
        run: Callback::new(move |_| load(untrack(no), links::token_from_hash(&location.hash.get_untracked()))),
        rated: RwSignal::new(None),
        fresh: RwSignal::new(false),
    };
    page_title(move || {
        ticket
            .get()
            .and_then(|r| r.ok().flatten())
            .map(|v| v.public_part().title.clone())
            .unwrap_or_else(|| i18n.t("ticket.heading").to_owned())
    });

    view! {
        <div class="page">
            {move || match ticket.get() {
                None => view! { <p class="loading" role="status">{i18n.tr("common.loading")}</p> }.into_any(),
                Some(Ok(Some(view))) => {
                    let token = links::token_from_hash(&location.hash.get_untracked());
                    view! { <TicketDetails view token reload/> }.into_any()
                }
                Some(Ok(None)) => view! {
                    <Problem message=i18n.tr("track.invalid") href="/track".to_owned() link=i18n.tr("ticket.search_again")/>
                }
                .into_any(),
                Some(Err(error)) => view! { <TicketError error no=untrack(no) retry=reload.run/> }.into_any(),
            }}
        </div>
    }
}

/// A request that cannot be shown: what went wrong and where to go from here.
#[component]
fn Problem(
    #[prop(into)] message: Signal<&'static str>,
    href: String,
    #[prop(into)] link: Signal<&'static str>,
) -> impl IntoView {
    let i18n = use_i18n();
    view! {
        <h1>{i18n.tr("ticket.heading")}</h1>
        <div class="notice notice--error" role="alert">
            <p>{message}</p>
        </div>
        <p><a href=href>{link}</a></p>
    }
}

#[component]
fn TicketError(error: ApiError, no: Option<TrackingNo>, retry: Callback<()>) -> impl IntoView {
    let i18n = use_i18n();
    let public = no.as_ref().map(links::track_path).unwrap_or_else(|| "/track".to_owned());
    match error.code() {
        Some(ErrorCode::NotFound) => EitherOf3::A(view! {
            <Problem message=i18n.tr("ticket.not_found") href="/track".to_owned() link=i18n.tr("ticket.search_again")/>
        }),
        Some(ErrorCode::InvalidToken) => EitherOf3::B(view! {
            <Problem message=i18n.tr("ticket.invalid_token") href=public link=i18n.tr("ticket.see_public")/>
        }),
        _ => EitherOf3::C(view! {
            <h1>{i18n.tr("ticket.heading")}</h1>
            <LoadError error retry/>
        }),
    }
}

/// Exact points to the metre; the public point is a ~100 m cell, so fewer digits.
fn coords(lat: f64, lng: f64, exact: bool) -> String {
    let digits = if exact { 5 } else { 4 };
    format!("{}, {}", dom::fixed(lat, digits), dom::fixed(lng, digits))
}

/// What the reporter may still do: add information while the work is open or within the
/// follow-up window; reopen within the window after a reply.
fn follow_up_allowed(v: &PrivateTicketView) -> (bool, bool) {
    let status = v.public.status;
    let in_window = v.follow_up_until.is_some_and(|until| until.timestamp_millis() as f64 > js_sys::Date::now());
    let can_reopen = in_window && matches!(status, Status::Replied | Status::Closed);
    let can_add = !status.is_final() && (status.is_open() || in_window);
    (can_add, can_reopen)
}

#[component]
fn TicketDetails(view: TicketView, token: Option<AccessToken>, reload: Reload) -> impl IntoView {
    let i18n = use_i18n();
    let tiles = use_setup().get_untracked().and_then(Result::ok).map(|s| Tiles::of(&s.config)).unwrap_or_default();
    let private = match &view {
        TicketView::Private(p) => Some(p.clone()),
        TicketView::Public(_) => None,
    };
    let p: PublicTicketView = view.public_part().clone();
    let category = p.category.path.join(" › ");
    let category = if category.is_empty() { p.category.code.to_string() } else { category };
    let description = private.as_ref().map(|v| v.original_description.clone()).unwrap_or_else(|| p.description.clone());
    let rows = vec![
        row("ticket.tracking_no", Value::Text(p.tracking_no.as_str().to_owned())),
        row("field.category", Value::Text(category)),
        row("ticket.kind", Value::Key(kind_key(p.kind))),
        row("ticket.channel", Value::Key(channel_key(p.channel))),
        row("ticket.created", Value::Time(p.created_at)),
        row("ticket.updated", Value::Time(p.updated_at)),
    ];

    let (map_point, exact) = match private.as_ref().and_then(|v| v.location) {
        Some(exact) => (Some(exact), true),
        None => (p.approximate_location, false),
    };
    let location_block = map_point.map(|pt| {
        view! {
            <h2>{i18n.tr("ticket.location")}</h2>
            <TicketMap tiles lat=pt.lat lng=pt.lng exact/>
            <p class="hint">
                {if exact { i18n.tr("ticket.location_exact") } else { i18n.tr("ticket.location_approximate") }}
                " " {coords(pt.lat, pt.lng, exact)}
            </p>
        }
    });

    // A merged duplicate's reporter follows the master: its status, reply and history come
    // right after the status line, this request's own facts after them.
    let (own_rows, later_rows) = if p.master.is_some() { (Vec::new(), rows) } else { (rows, Vec::new()) };
    let master_block = p.master.clone().map(|m| {
        let no = m.tracking_no.as_str().to_owned();
        view! {
            <p class="notice" id="merged-into">{move || i18n.tf("ticket.merged_into", &[("master", &no)])}</p>
            <section aria-labelledby="master-heading">
                <h2 id="master-heading" class="ticket-title">{m.title.clone()}</h2>
                {progress(&m, "master-", vec![row("ticket.tracking_no", Value::Text(m.tracking_no.as_str().to_owned()))])}
                <h2>{i18n.tr("ticket.master_timeline")}</h2>
                <Timeline entries=m.timeline.clone() id="master-timeline"/>
            </section>
        }
    });

    let follow_up = private.as_ref().zip(token.clone()).and_then(|(v, token)| {
        let (can_add, can_reopen) = follow_up_allowed(v);
        (can_add || can_reopen).then(|| {
            follow_up(p.tracking_no.clone(), token, can_add, can_reopen, v.follow_up_until, reload.done, reload.run)
        })
    });

    // The reporter or a follower may ask for this request's updates.
    let updates = token
        .clone()
        .filter(|_| private.is_some() || p.following)
        .map(|t| crate::components::updates_optin::updates_optin(p.tracking_no.clone(), t));

    // The reply may be rated while the follow-up window after it is open.
    let rated_or_rateable =
        matches!(p.status, Status::Replied | Status::Closed) || reload.rated.with_untracked(Option::is_some);
    let rating_block = private
        .as_ref()
        .zip(token)
        .filter(|_| rated_or_rateable)
        .map(|(_, token)| rating(p.tracking_no.clone(), token, p.status, reload));

    let private_block = private.map(|v| {
        view! {
            <section class="private-box" aria-labelledby="private-heading">
                <h2 id="private-heading">{i18n.tr("ticket.private_heading")}</h2>
                <p class="hint">{i18n.tr("ticket.private_hint")}</p>
                <SummaryList rows=private_rows(&v)/>
            </section>
        }
    });

    // After a follow-up the view was reloaded: say it worked, where focus lands.
    if reload.done.get_untracked().is_some() {
        request_animation_frame(|| {
            dom::focus_id("follow-up-done");
        });
    }
    // Known when the view is built (the view is rebuilt by each reload); hidden again as soon as
    // the reporter sends something else.
    let done_key = reload.done.get_untracked().unwrap_or("follow.info.done");
    let done = view! {
        <p
            id="follow-up-done"
            class="notice notice--success"
            role="status"
            tabindex="-1"
            hidden=move || reload.done.with(Option::is_none)
        >
            {i18n.tr(done_key)}
        </p>
    };

    // Other citizens who said "me too", and whether this visitor is one of them.
    let me_too_count = p.me_too_count;
    let me_too = (me_too_count > 0).then(|| {
        view! {
            <p id="me-too-count">{move || i18n.tf("ticket.me_too_count", &[("count", &me_too_count.to_string())])}</p>
        }
    });
    let following = p.following.then(|| view! { <p id="following" class="notice">{i18n.tr("ticket.following")}</p> });

    view! {
        <p class="caption">{i18n.tr("ticket.heading")}</p>
        <h1 class="ticket-title">{p.title.clone()}</h1>
        {done}
        {following}
        {me_too}
        {progress(&p, "", own_rows)}
        {master_block}
        <SummaryList rows=later_rows/>
        <h2>{i18n.tr("field.description")}</h2>
        <p class="description">{description}</p>
        <crate::components::photo_gallery::PhotoGallery photos=p.photos.clone()/>
        {location_block}
        {rating_block}
        {private_block}
        {follow_up}
        {updates}
        <h2>{i18n.tr("ticket.timeline")}</h2>
        <Timeline entries=p.timeline/>
    }
}

/// What only the reporter sees: the address and their own contact details.
fn private_rows(v: &PrivateTicketView) -> Vec<(&'static str, Value)> {
    let mut rows = Vec::new();
    if let Some(address) = &v.address {
        rows.push(row("field.location.address", Value::Text(address.clone())));
    }
    let contact = v.contact.clone().unwrap_or_default();
    if v.anonymous || contact == Contact::default() {
        let key = if v.anonymous { "ticket.anonymous" } else { "ticket.no_contact" };
        rows.push(row("contact.heading", Value::Key(key.to_owned())));
    }
    for (label, value) in [
        ("field.contact.name", contact.name),
        ("field.contact.phone", contact.phone),
        ("field.contact.email", contact.email),
    ] {
        if let Some(value) = value {
            rows.push((label, Value::Text(value)));
        }
    }
    rows
}
