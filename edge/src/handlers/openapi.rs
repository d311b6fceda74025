//! `GET /api/v1/openapi.json`: the document generated from the `shared` types, for this origin.

use crate::config::AppState;
use crate::http::json;
use worker::{Request, Response, Result, RouteContext};

pub async fn document(req: Request, _ctx: RouteContext<AppState>) -> Result<Response> {
    // The origin the caller used, so "try it" tools call the same stack back.
    let mut server = req.url()?;
    server.set_path("/");
    server.set_query(None);
    server.set_fragment(None);
    json(200, &shared::openapi::document(server.as_str()))
}
