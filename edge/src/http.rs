//! Small HTTP helpers shared by the handlers.

use crate::error::ApiError;
use serde::Serialize;
use worker::{Request, Response};

/// Every API answer may carry personal data and is computed per request.
pub fn with_api_headers(mut response: Response) -> Response {
    let headers = response.headers_mut();
    // Answers are private and change; a handler that serves something cacheable (a photo) says so itself.
    if !headers.has("Cache-Control").unwrap_or(false) {
        let _ = headers.set("Cache-Control", "no-store");
    }
    for (name, value) in SECURITY_HEADERS {
        let _ = headers.set(name, value);
    }
    response
}

/// The same protections as the static files' `public/_headers`, tightened for data: an API answer
/// is never a document that may run anything or be framed.
const SECURITY_HEADERS: [(&str, &str); 5] = [
    ("Content-Security-Policy", "default-src 'none'; frame-ancestors 'none'; base-uri 'none'"),
    ("Strict-Transport-Security", "max-age=63072000; includeSubDomains"),
    ("X-Content-Type-Options", "nosniff"),
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
];

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
    let bytes = req
        .bytes()
        .await
        .map_err(|_| ApiError::Malformed { field: None, message: "the body could not be read".into() })?;
    if bytes.len() > limit {
        return Err(ApiError::PayloadTooLarge { limit });
    }
    Ok(bytes)
}

/// Parse JSON, naming the field that failed.
pub fn parse_json<T: serde::de::DeserializeOwned>(bytes: &[u8]) -> Result<T, ApiError> {
    // serde would also read a struct from an array; the API only speaks objects.
    if bytes.iter().find(|b| !b.is_ascii_whitespace()) != Some(&b'{') {
        return Err(ApiError::Malformed { field: None, message: "the body must be a JSON object".into() });
    }
    let de = &mut serde_json::Deserializer::from_slice(bytes);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let path = e.path().to_string();
        ApiError::Malformed { field: (path != ".").then_some(path), message: e.into_inner().to_string() }
    })
}

/// Route parameters arrive percent-encoded ("20261128%200000019" for a typed space).
pub fn percent_decode(raw: &str) -> String {
    let bytes = raw.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        let hex = |b: u8| char::from(b).to_digit(16);
        match (bytes[i], bytes.get(i + 1).copied().and_then(hex), bytes.get(i + 2).copied().and_then(hex)) {
            (b'%', Some(hi), Some(lo)) => {
                out.push(u8::try_from(hi * 16 + lo).unwrap_or(b'?'));
                i += 3;
            }
            (b, _, _) => {
                out.push(b);
                i += 1;
            }
        }
    }
    String::from_utf8_lossy(&out).into_owned()
}

/// Read and parse a JSON body of at most `limit` bytes.
pub async fn json_input<T: serde::de::DeserializeOwned>(req: &mut Request, limit: usize) -> Result<T, ApiError> {
    let bytes = read_json_body(req, limit).await?;
    parse_json(&bytes)
}

/// A typed outcome with an extra header (Set-Cookie and the like).
pub fn with_header(mut response: Response, name: &str, value: &str) -> worker::Result<Response> {
    response.headers_mut().set(name, value)?;
    Ok(response)
}

pub fn query_param(req: &Request, name: &str) -> Option<String> {
    req.url().ok().and_then(|u| u.query_pairs().find(|(k, _)| k == name).map(|(_, v)| v.into_owned()))
}

/// The entity tag of a ticket version, as `GET` sends it and `If-Match` returns it.
pub fn etag(version: i64) -> String {
    format!("\"{version}\"")
}

/// A JSON answer about a ticket, tagged with the version it is now at.
pub fn json_tagged<T: Serialize>(status: u16, body: &T, version: i64) -> worker::Result<Response> {
    let mut response = json(status, body)?;
    response.headers_mut().set("ETag", &etag(version))?;
    Ok(response)
}

/// The version a change was made against: `If-Match` (an ETag from a read), or for older
/// clients a `version` in the body. Neither → 428; another version → 412.
pub fn expect_version(req: &Request, body_version: Option<i64>, current: i64) -> Result<(), ApiError> {
    let header = header(req, "If-Match");
    let claimed = match header.as_deref().map(str::trim) {
        Some("*") => Some(current),
        Some(raw) => {
            let raw = raw.strip_prefix("W/").unwrap_or(raw).trim_matches('"');
            Some(raw.parse::<i64>().map_err(|_| ApiError::BadHeader {
                header: "If-Match",
                message: "an ETag from a read of this ticket, like \"3\"",
            })?)
        }
        None => body_version,
    };
    match claimed {
        None => Err(ApiError::VersionRequired),
        Some(v) if v == current => Ok(()),
        Some(_) => Err(ApiError::Stale { current }),
    }
}
