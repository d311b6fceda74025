//! Huiyin's Worker: the HTTP API under `/api/`, Open311 and the tracking page. Handlers are thin:
//! parse → `shared` → store.
#![cfg(target_arch = "wasm32")]

mod auth;
mod clock;
mod config;
mod cron;
mod crypto;
mod deadlines;
mod deliver;
mod error;
mod handlers;
mod http;
mod insights;
mod intake;
mod limits;
mod mail;
mod notify_citizens;
mod routes;
mod sampling;
mod store;
mod supervise;

use worker::{event, Context, Env, Request, Response, Result, ScheduleContext, ScheduledEvent};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    // The tracking page sets a page's headers itself; everything else here is an API answer.
    let page = req.path().starts_with("/track/");
    let response = match prepare(&req, &env).await {
        Ok(state) => routes::router(state).run(req, env).await,
        // Any other address under /track/ is the app's to answer (its not-found page).
        Err(_) if page => handlers::pages::plain(&req, &env).await,
        Err(e) => Ok(e.into_response()),
    };
    if page {
        response
    } else {
        response.map(http::with_api_headers)
    }
}

/// Cron triggers (wrangler.toml `[triggers] crons`); `wrangler dev` fires one on
/// `GET /cdn-cgi/handler/scheduled?cron=…` (or `/__scheduled?cron=…` with `--test-scheduled`).
#[event(scheduled)]
async fn scheduled(event: ScheduledEvent, env: Env, _ctx: ScheduleContext) {
    cron::run(&event.cron(), event.schedule(), &env).await;
}

/// Find the route in the policy table (deny by default) and enforce it before any handler runs.
async fn prepare(req: &Request, env: &Env) -> std::result::Result<config::AppState, error::ApiError> {
    let mut state = config::AppState::from_env(env)?;
    let path = req.path();
    let route = auth::method_of(req).and_then(|m| shared::auth::find_route(m, &path));
    let Some(route) = route else {
        return Err(if shared::auth::path_exists(&path) {
            error::ApiError::MethodNotAllowed
        } else {
            error::ApiError::NotFound
        });
    };
    state.ip = auth::client_ip(req);
    let store = store::Store::new(env.d1(config::DB_BINDING)?);
    state.principal = auth::guard(req, route, &store).await?;
    Ok(state)
}
