use crate::config::AppState;
use shared::api::CategoriesResponse;
use std::sync::OnceLock;
use worker::{Request, Response, Result, RouteContext};

pub async fn categories(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    // The catalogue is compiled in; serialise it once per isolate.
    static BODY: OnceLock<String> = OnceLock::new();
    let body = BODY.get_or_init(|| {
        serde_json::to_string(&CategoriesResponse { tree: ctx.data.catalogue.tree() }).unwrap_or_default()
    });
    let mut response = Response::ok(body.as_str())?;
    response.headers_mut().set("Content-Type", "application/json")?;
    Ok(response)
}
