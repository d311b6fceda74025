//! The staff part of the API. The session cookie travels by itself (same origin); changes
//! carry the session's CSRF token, kept in sessionStorage so it dies with the tab.

use crate::api::{call, decode, ApiError};
use crate::dom;
use serde::de::DeserializeOwned;
use serde::Serialize;
use shared::org::{
    AuditEntry, Department, DepartmentInput, LoginInput, LoginResponse, MeResponse, PasswordChangeInput, StaffInput,
    StaffUser, TokenInfo, TokenInput,
};

const CSRF_KEY: &str = "huiyin.csrf";

pub fn remember_csrf(token: &str) {
    dom::session_set(CSRF_KEY, token);
}

pub fn forget_csrf() {
    dom::session_remove(CSRF_KEY);
}

fn body<T: Serialize>(value: &T) -> Result<String, ApiError> {
    serde_json::to_string(value).map_err(|_| ApiError::Unexpected { status: 0 })
}

async fn send(method: &str, path: &str, json: Option<String>) -> Result<String, ApiError> {
    let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
    call(method, path, &[("X-CSRF-Token", csrf.as_str())], json).await
}

async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
    decode(&call("GET", path, &[], None).await?)
}

pub async fn login(username: String, password: String) -> Result<LoginResponse, ApiError> {
    let input = LoginInput { username: Some(username), password: Some(password) };
    let answer: LoginResponse = decode(&call("POST", "/api/v1/auth/login", &[], Some(body(&input)?)).await?)?;
    remember_csrf(&answer.csrf_token);
    Ok(answer)
}

pub async fn me() -> Result<StaffUser, ApiError> {
    let me: MeResponse = get("/api/v1/auth/me").await?;
    if let Some(token) = &me.csrf_token {
        remember_csrf(token);
    }
    Ok(me.user)
}

pub async fn logout() -> Result<(), ApiError> {
    let result = send("POST", "/api/v1/auth/logout", None).await.map(drop);
    forget_csrf();
    result
}

pub async fn revoke_all() -> Result<(), ApiError> {
    let result = send("POST", "/api/v1/auth/revoke-all", None).await.map(drop);
    forget_csrf();
    result
}

pub async fn change_password(current: String, new: String) -> Result<(), ApiError> {
    let input = PasswordChangeInput { current_password: Some(current), new_password: Some(new) };
    send("POST", "/api/v1/account/password", Some(body(&input)?)).await.map(drop)
}

pub async fn tokens() -> Result<Vec<TokenInfo>, ApiError> {
    get("/api/v1/account/tokens").await
}

pub async fn create_token(name: String) -> Result<TokenInfo, ApiError> {
    let input = TokenInput { name: Some(name), scopes: None };
    decode(&send("POST", "/api/v1/account/tokens", Some(body(&input)?)).await?)
}

pub async fn revoke_token(id: String) -> Result<(), ApiError> {
    send("DELETE", &format!("/api/v1/account/tokens/{id}"), None).await.map(drop)
}

pub async fn departments() -> Result<Vec<Department>, ApiError> {
    get("/api/v1/admin/departments").await
}

pub async fn create_department(input: DepartmentInput) -> Result<Department, ApiError> {
    decode(&send("POST", "/api/v1/admin/departments", Some(body(&input)?)).await?)
}

pub async fn channels() -> Result<Vec<shared::channels::ChannelView>, ApiError> {
    #[derive(serde::Deserialize)]
    struct List {
        channels: Vec<shared::channels::ChannelView>,
    }
    Ok(get::<List>("/api/v1/admin/channels").await?.channels)
}

pub async fn create_channel(input: shared::channels::ChannelInput) -> Result<shared::channels::ChannelKey, ApiError> {
    decode(&send("POST", "/api/v1/admin/channels", Some(body(&input)?)).await?)
}

pub async fn update_channel(code: &str, input: shared::channels::ChannelInput) -> Result<(), ApiError> {
    send("PUT", &format!("/api/v1/admin/channels/{code}"), Some(body(&input)?)).await.map(|_| ())
}

pub async fn rotate_channel_key(code: &str) -> Result<shared::channels::ChannelKey, ApiError> {
    decode(&send("POST", &format!("/api/v1/admin/channels/{code}/key"), Some("{}".into())).await?)
}

pub async fn staff() -> Result<Vec<StaffUser>, ApiError> {
    get("/api/v1/admin/staff").await
}

pub async fn create_staff(input: StaffInput) -> Result<StaffUser, ApiError> {
    decode(&send("POST", "/api/v1/admin/staff", Some(body(&input)?)).await?)
}

pub async fn update_staff(id: String, input: StaffInput) -> Result<StaffUser, ApiError> {
    decode(&send("PUT", &format!("/api/v1/admin/staff/{id}"), Some(body(&input)?)).await?)
}

/// The public boundaries as GeoJSON text, for the map and the list.
pub async fn areas() -> Result<serde_json::Value, ApiError> {
    get("/api/v1/areas").await
}

pub async fn import_areas(geojson: serde_json::Value) -> Result<serde_json::Value, ApiError> {
    decode(&send("POST", "/api/v1/admin/areas", Some(body(&geojson)?)).await?)
}

pub async fn audit(before: Option<i64>) -> Result<Vec<AuditEntry>, ApiError> {
    let path = match before {
        Some(id) => format!("/api/v1/admin/audit?limit=50&before={id}"),
        None => "/api/v1/admin/audit?limit=50".to_owned(),
    };
    get(&path).await
}
