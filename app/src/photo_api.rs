//! Photos over the API: the reporter's uploads (with the request's token) and, in the staff
//! bundle, handlers' uploads, the list with moderation state, hide and unhide.

use crate::api::{decode, ApiError};
use shared::ids::{AccessToken, TrackingNo};
use shared::photo::UploadedPhoto;
use web_sys::{Blob, Headers, Request, RequestInit};

/// POST the image as the body; the server decides its type from the bytes.
async fn send_blob(path: &str, headers: &[(&str, &str)], blob: &Blob) -> Result<String, ApiError> {
    let h = Headers::new().map_err(|_| ApiError::Network)?;
    let _ = h.set("Accept", "application/json");
    let _ = h.set("Content-Type", "image/jpeg");
    for (name, value) in headers {
        let _ = h.set(name, value);
    }
    let init = RequestInit::new();
    init.set_method("POST");
    init.set_body(blob);
    init.set_headers(&h);
    let request = Request::new_with_str_and_init(path, &init).map_err(|_| ApiError::Network)?;
    crate::api::fetch_text(&request).await
}

/// The reporter's photo of their request.
pub async fn upload(no: &TrackingNo, token: &AccessToken, blob: &Blob) -> Result<UploadedPhoto, ApiError> {
    let path = format!("/api/v1/requests/{}/photos", no.as_str());
    let bearer = format!("Bearer {}", token.as_str());
    decode(&send_blob(&path, &[("Authorization", bearer.as_str())], blob).await?)
}

#[cfg(feature = "staff")]
pub use staff::*;

#[cfg(feature = "staff")]
mod staff {
    use super::send_blob;
    use crate::api::{call, decode, ApiError};
    use crate::dom;
    use shared::photo::{HideInput, PhotoStage, StaffPhoto, StaffPhotos, UploadedPhoto};
    use web_sys::Blob;

    fn csrf() -> String {
        dom::session_get("huiyin.csrf").unwrap_or_default()
    }

    pub async fn list(no: &str) -> Result<Vec<StaffPhoto>, ApiError> {
        let list: StaffPhotos = decode(&call("GET", &format!("/api/v1/tickets/{no}/photos"), &[], None).await?)?;
        Ok(list.photos)
    }

    pub async fn upload_staff(no: &str, stage: PhotoStage, blob: &Blob) -> Result<UploadedPhoto, ApiError> {
        let path = format!("/api/v1/tickets/{no}/photos?stage={}", stage.as_str());
        let csrf = csrf();
        decode(&send_blob(&path, &[("X-CSRF-Token", csrf.as_str())], blob).await?)
    }

    /// Hide with a reason (`Some`) or show again (`None`).
    pub async fn moderate(id: &str, reason: Option<String>) -> Result<StaffPhoto, ApiError> {
        let csrf = csrf();
        let headers = [("X-CSRF-Token", csrf.as_str())];
        let text = match reason {
            Some(reason) => {
                let body = crate::api::to_json(&HideInput { reason: Some(reason) })?;
                call("POST", &format!("/api/v1/photos/{id}/hide"), &headers, Some(body)).await?
            }
            None => call("POST", &format!("/api/v1/photos/{id}/unhide"), &headers, Some("{}".to_owned())).await?,
        };
        decode(&text)
    }
}
