//! Small HTTP helpers shared by the handlers.

use crate::error::ApiError;
use serde::Serialize;
use worker::{Request, Response};

/// Every API answer may carry personal data and is computed per request.
pub fn with_api_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    let _ = headers.set("Cache-Control", "no-store");
    let _ = headers.set("X-Content-Type-Options", "nosniff");
    let _ = headers.set("Referrer-Policy", "no-referrer");
    response
}

pub fn json<T: Serialize>(status: u16, body: &T) -> worker::Result<Response> {
    Ok(Response::from_json(body)?.with_status(status))
}

pub fn header(req: &Request, name: &str) -> Option<String> {
    req.headers().get(name).ok().flatten()
}

/// Read a JSON body within `limit` bytes, refusing other media types first.
pub async fn read_json_body(req: &mut Request, limit: usize) -> Result<Vec<u8>, ApiError> {
    let content_type = header(req, "Content-Type").unwrap_or_default();
    if !content_type.to_ascii_lowercase().starts_with("application/json") {
        return Err(ApiError::UnsupportedMediaType);
    }
    let declared = header(req, "Content-Length").and_then(|v| v.trim().parse::<usize>().ok());
    if declared.is_some_and(|n| n > limit) {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    let bytes = req.bytes().await.map_err(|_| ApiError::Malformed {
        field: None,
        message: "the body could not be read".into(),
    })?;
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(bytes)
}

/// Parse JSON, naming the field that failed.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::Malformed {
            field: (path != ".").then_some(path),
            message: e.into_inner().to_string(),
        }
    })
}
