//! The v1 API, same origin. Views never build URLs or parse bodies themselves.

use crate::i18n::{error_code_key, Lang};
use shared::error::{ApiErrorBody, ErrorCode};

#[derive(Debug, Clone, PartialEq)]
pub enum ApiError {
    /// No answer at all: offline, DNS, connection reset. The request may or may not have
    /// reached the server, which is why submissions retry with the same idempotency key.
    Network,
    /// The server answered with an error body.
    Api { status: u16, body: ApiErrorBody },
    /// The server answered something we cannot read (a proxy's HTML page, a new format).
    Unexpected { status: u16 },
}

impl ApiError {
    pub fn from_response(status: u16, text: &str) -> Self {
        match serde_json::from_str::<ApiErrorBody>(text) {
            Ok(body) => ApiError::Api { status, body },
            Err(_) => ApiError::Unexpected { status },
        }
    }

    pub fn code(&self) -> Option<ErrorCode> {
        match self {
            ApiError::Api { body, .. } => Some(body.code),
            _ => None,
        }
    }

    /// A sentence for the citizen; the English `message` of the body is for API users.
    pub fn describe(&self, lang: Lang) -> String {
        match self {
            ApiError::Network => lang.text("api.network"),
            ApiError::Api { body, .. } => lang.text(&error_code_key(body.code)),
            ApiError::Unexpected { status } => lang.fill("api.unexpected", &[("status", &status.to_string())]),
        }
    }
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use super::ApiError;
    #[cfg(feature = "track")]
    use crate::wire::WireTicket;
    use serde::de::DeserializeOwned;
    #[cfg(any(feature = "open", not(feature = "track")))]
    use shared::api::CategoriesResponse;
    use shared::api::PublicConfig;
    use shared::ids::{AccessToken, TrackingNo};
    #[cfg(feature = "track")]
    use shared::ticket::TicketView;
    #[cfg(any(feature = "staff", not(feature = "track")))]
    use shared::{api::IDEMPOTENCY_KEY_HEADER, request::NewRequestInput, ticket::SubmitResponse};
    use wasm_bindgen::{JsCast, JsValue};
    use wasm_bindgen_futures::JsFuture;
    use web_sys::{Headers, Request, RequestInit, Response};

    /// The one fetch routine; callers decode the text. Not generic over the body type, so
    /// the async state machine exists once in the wasm instead of once per endpoint.
    pub(crate) async fn call(
        method: &str,
        path: &str,
        headers: &[(&str, &str)],
        body: Option<String>,
    ) -> Result<String, ApiError> {
        let h = Headers::new().map_err(|_| ApiError::Network)?;
        let _ = h.set("Accept", "application/json");
        for (name, value) in headers {
            let _ = h.set(name, value);
        }
        let init = RequestInit::new();
        init.set_method(method);
        if let Some(body) = body {
            let _ = h.set("Content-Type", "application/json");
            init.set_body(&JsValue::from_str(&body));
        }
        init.set_headers(&h);
        let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Network)?;
        fetch_text(&request).await
    }

    /// Send a built request: its text when the answer is 2xx, else the API's error.
    pub(crate) async fn fetch_text(request: &Request) -> Result<String, ApiError> {
        let window = web_sys::window().ok_or(ApiError::Network)?;
        let response: Response =
            JsFuture::from(window.fetch_with_request(request)).await.map_err(|_| ApiError::Network)?.unchecked_into();
        let status = response.status();
        let text = match response.text() {
            Ok(promise) => JsFuture::from(promise).await.ok().and_then(|t| t.as_string()),
            Err(_) => None,
        }
        .ok_or(ApiError::Network)?;
        if response.ok() {
            Ok(text)
        } else {
            Err(ApiError::from_response(status, &text))
        }
    }

    pub(crate) fn decode<T: DeserializeOwned>(text: &str) -> Result<T, ApiError> {
        serde_json::from_str(text).map_err(|_| ApiError::Unexpected { status: 200 })
    }

    pub async fn config() -> Result<PublicConfig, ApiError> {
        decode(&call("GET", "/api/v1/config", &[], None).await?)
    }

    #[cfg(any(feature = "open", not(feature = "track")))]
    pub async fn categories() -> Result<CategoriesResponse, ApiError> {
        decode(&call("GET", "/api/v1/categories", &[], None).await?)
    }

    #[cfg(any(feature = "staff", not(feature = "track")))]
    pub async fn submit(input: &NewRequestInput, idempotency_key: &str) -> Result<SubmitResponse, ApiError> {
        let body = serde_json::to_string(input).map_err(|_| ApiError::Unexpected { status: 0 })?;
        let text = call("POST", "/api/v1/requests", &[(IDEMPOTENCY_KEY_HEADER, idempotency_key)], Some(body)).await?;
        decode(&text)
    }

    #[cfg(feature = "track")]
    pub async fn ticket(no: &TrackingNo, token: Option<&AccessToken>) -> Result<TicketView, ApiError> {
        let path = format!("/api/v1/requests/{}", no.as_str());
        let bearer = token.map(|t| format!("Bearer {}", t.as_str()));
        let headers: Vec<(&str, &str)> = bearer.iter().map(|b| ("Authorization", b.as_str())).collect();
        let wire: WireTicket = decode(&call("GET", &path, &headers, None).await?)?;
        wire.into_view().ok_or(ApiError::Unexpected { status: 200 })
    }

    /// The public view the Worker wrote into the tracking page (`shared::track_shell`), taken
    /// once: the page's first paint needs no request.
    #[cfg(feature = "track")]
    pub fn embedded_ticket() -> Option<TicketView> {
        let element = web_sys::window()?.document()?.get_element_by_id(shared::track_shell::DATA_ID)?;
        let json = element.text_content()?;
        element.remove();
        serde_json::from_str::<WireTicket>(&json).ok()?.into_view()
    }

    /// A POST through the reporter's private link, `/api/v1/requests/{no}/{action}`: the
    /// follow-ups (`reopen` with `{reason}`, `info` with `{text}`) and the rating. The token goes
    /// the way the private view is read. One routine for all, so its async state machine exists
    /// once; callers decode the answer, and the page reloads the view afterwards.
    /// Not generic over the body either: the JSON is made by the caller ([`to_json`]).
    pub async fn private_post(
        no: &TrackingNo,
        token: &AccessToken,
        action: &str,
        body: Result<String, ApiError>,
    ) -> Result<String, ApiError> {
        let path = format!("/api/v1/requests/{}/{action}", no.as_str());
        let bearer = format!("Bearer {}", token.as_str());
        call("POST", &path, &[("Authorization", bearer.as_str())], Some(body?)).await
    }

    pub fn to_json<T: serde::Serialize>(input: &T) -> Result<String, ApiError> {
        serde_json::to_string(input).map_err(|_| ApiError::Unexpected { status: 0 })
    }

    /// The public list of cases under listed supervision (挂牌督办), on a page of the
    /// transparency bundle.
    #[cfg(feature = "open")]
    pub async fn listed() -> Result<Vec<shared::handling::ListedCase>, ApiError> {
        #[derive(serde::Deserialize)]
        struct Listed {
            items: Vec<shared::handling::ListedCase>,
        }
        let list: Listed = decode(&call("GET", "/api/v1/listed", &[], None).await?)?;
        Ok(list.items)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn error_bodies_are_read_and_other_pages_are_not() {
        let e = ApiError::from_response(404, r#"{"code":"not_found","message":"no such request"}"#);
        assert_eq!(e.code(), Some(ErrorCode::NotFound));
        assert_eq!(e.describe(Lang::ZhHans), Lang::ZhHans.text("error.not_found"));
        let e = ApiError::from_response(502, "<html>Bad gateway</html>");
        assert_eq!(e, ApiError::Unexpected { status: 502 });
        assert!(e.describe(Lang::En).contains("502"));
    }
}
