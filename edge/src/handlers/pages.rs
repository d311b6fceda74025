//! The one page the Worker writes (every other page is index.html as a static file):
//! `/track/{no}`, with the request's public view in its HTML (`shared::track_shell`). On a slow
//! phone the request shows before the wasm has arrived, and the app starts from the embedded
//! view instead of asking for it again. A number that is not found, or any failure here, serves
//! the plain page: the app then says what is wrong, as it always did.

use crate::config::{AppState, DB_BINDING};
use crate::store::Store;
use shared::ticket::TicketView;
use shared::track_shell::{self, LANGS};
use shared::translations::Texts;
use std::cell::RefCell;
use std::rc::Rc;
use worker::{Env, Fetcher, Request, Response, Result, RouteContext};

/// `[assets] binding` in wrangler.toml.
const ASSETS_BINDING: &str = "ASSETS";

/// The translation files the page's labels come from (as the app's tracking bundle reads them).
const LABEL_FILES: [&str; 3] =
    ["/locales/{lang}.txt", "/locales/citizen/track.{lang}.txt", "/locales/citizen/nearby.{lang}.txt"];

type Labels = Rc<Vec<(&'static str, Texts)>>;

thread_local! {
    /// The labels of every language, read once per isolate (a deploy starts new isolates).
    static LABELS: RefCell<Option<Labels>> = const { RefCell::new(None) };
}

pub async fn track(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let assets = ctx.env.assets(ASSETS_BINDING)?;
    let origin = req.url()?.origin().ascii_serialization();
    let plain = index(&assets, &origin).await?;
    let page = match written(&ctx, &assets, &origin, &plain).await {
        Ok(Some(page)) => page,
        Ok(None) => plain,
        Err(e) => {
            worker::console_error!("tracking page written plain: {e}");
            plain
        }
    };
    html(page)
}

/// index.html as the static files serve it: for an address under `/track/` that names no
/// request page (`/track/`, `/track/a/b`), where the app says what is wrong.
pub async fn plain(req: &Request, env: &Env) -> Result<Response> {
    let origin = req.url()?.origin().ascii_serialization();
    html(index(&env.assets(ASSETS_BINDING)?, &origin).await?)
}

async fn index(assets: &Fetcher, origin: &str) -> Result<String> {
    assets.fetch(format!("{origin}/"), None).await?.text().await
}

fn html(page: String) -> Result<Response> {
    let mut response = Response::from_html(page)?;
    let headers = response.headers_mut();
    // The static files' protections (public/_headers) do not reach a Worker's answer: the same
    // here. Current progress, so never from a cache.
    for (name, value) in PAGE_HEADERS {
        headers.set(name, value)?;
    }
    headers.set("Cache-Control", "no-cache")?;
    Ok(response)
}

/// The page with the request in it, or `None` when there is nothing to write ahead.
async fn written(
    ctx: &RouteContext<AppState>,
    assets: &Fetcher,
    origin: &str,
    plain: &str,
) -> std::result::Result<Option<String>, String> {
    let Ok(no) = super::tracking_no(ctx) else { return Ok(None) };
    let store = Store::new(ctx.env.d1(DB_BINDING).map_err(|e| e.to_string())?);
    let view = match super::requests::load_view(&store, ctx, &no, None).await {
        Ok(TicketView::Public(view)) => view,
        Ok(TicketView::Private(_)) | Err(crate::error::ApiError::NotFound) => return Ok(None),
        Err(e) => return Err(format!("{e:?}")),
    };
    if !track_shell::writable(&view) {
        return Ok(None);
    }
    let labels = labels(assets, origin).await?;
    let texts: Vec<(&str, &Texts)> = labels.iter().map(|(lang, texts)| (*lang, texts)).collect();
    Ok(Some(track_shell::fill(plain, &view, &texts, ctx.data.city.offset())))
}

async fn labels(assets: &Fetcher, origin: &str) -> std::result::Result<Labels, String> {
    if let Some(cached) = LABELS.with(|l| l.borrow().clone()) {
        return Ok(cached);
    }
    let mut all = Vec::new();
    for lang in LANGS {
        let mut sources = Vec::new();
        for file in LABEL_FILES {
            let path = file.replace("{lang}", lang);
            let mut answer = assets.fetch(format!("{origin}{path}"), None).await.map_err(|e| e.to_string())?;
            if answer.status_code() != 200 {
                return Err(format!("{path}: {}", answer.status_code()));
            }
            sources.push(answer.text().await.map_err(|e| e.to_string())?);
        }
        all.push((lang, Texts::from_sources(sources.iter().map(String::as_str))));
    }
    let labels = Rc::new(all);
    LABELS.with(|l| *l.borrow_mut() = Some(labels.clone()));
    Ok(labels)
}

/// public/_headers' rules for every page; a test compares the two.
const PAGE_HEADERS: [(&str, &str); 7] = [
    (
        "Content-Security-Policy",
        "default-src 'self'; script-src 'self' 'wasm-unsafe-eval'; style-src 'self'; img-src 'self' data: blob: https:; \
         connect-src 'self'; worker-src 'self'; manifest-src 'self'; object-src 'none'; base-uri 'none'; \
         form-action 'self'; frame-ancestors 'none'",
    ),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("Permissions-Policy", "geolocation=(self), camera=(), microphone=(), payment=(), usb=()"),
    ("Cross-Origin-Opener-Policy", "same-origin"),
];
