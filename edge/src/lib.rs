//! Huiyin's Worker: the HTTP API under `/api/`. Handlers are thin: parse → `shared` → store.
#![cfg(target_arch = "wasm32")]

mod clock;
mod config;
mod error;
mod handlers;
mod http;
mod routes;
mod store;

use worker::{event, Context, Env, Request, Response, Result};

#[event(start)]
fn start() {
    console_error_panic_hook::set_once();
}

#[event(fetch)]
async fn fetch(req: Request, env: Env, _ctx: Context) -> Result<Response> {
    let response = match config::AppState::from_env(&env) {
        Ok(state) => routes::router(state).run(req, env).await,
        Err(e) => Ok(e.into_response()),
    };
    response.map(http::with_api_headers)
}
