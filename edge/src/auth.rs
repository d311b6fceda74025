//! Who is calling: a staff session (cookie + CSRF token) or an API token (Bearer), checked
//! against the route's entry in `shared::auth::ROUTES` before any handler runs.

use crate::clock;
use crate::error::ApiError;
use crate::http::header;
use crate::store::{Audit, Store};
use shared::auth::{Access, Method, Permission, Route};
use shared::ids::sha256_hex;
use shared::org::StaffUser;
use shared::session::SessionPolicy;
use worker::Request;

pub const SESSION_COOKIE: &str = "huiyin_session";
pub const CSRF_HEADER: &str = "X-CSRF-Token";
pub const API_TOKEN_PREFIX: &str = "hy_";

pub enum Credential {
    /// Signed in with a session cookie; changes need the session's CSRF token.
    Session {
        id_hash: String,
        csrf_token: String,
    },
    ApiToken,
}

pub struct Principal {
    pub user: StaffUser,
    /// What this call may do: the role's permissions, narrowed by an API token's scopes.
    pub permissions: Vec<Permission>,
    pub credential: Credential,
}

impl Principal {
    /// Who the audit trail names.
    pub fn actor(&self) -> String {
        self.user.username.as_str().to_owned()
    }

    pub fn session_hash(&self) -> Option<&str> {
        match &self.credential {
            Credential::Session { id_hash, .. } => Some(id_hash),
            Credential::ApiToken => None,
        }
    }
}

/// The caller's address as Cloudflare reports it.
pub fn client_ip(req: &Request) -> String {
    header(req, "CF-Connecting-IP").or_else(|| header(req, "X-Real-IP")).unwrap_or_else(|| "unknown".to_owned())
}

pub fn method_of(req: &Request) -> Option<Method> {
    match req.method() {
        worker::Method::Get => Some(Method::Get),
        worker::Method::Post => Some(Method::Post),
        worker::Method::Put => Some(Method::Put),
        worker::Method::Delete => Some(Method::Delete),
        _ => None,
    }
}

pub fn session_cookie(req: &Request) -> Option<String> {
    let cookies = header(req, "Cookie")?;
    cookies
        .split(';')
        .filter_map(|c| c.trim().split_once('='))
        .find(|(name, _)| *name == SESSION_COOKIE)
        .map(|(_, value)| value.trim().to_owned())
        .filter(|v| !v.is_empty())
}

pub fn set_session_cookie(value: &str, max_age_seconds: i64) -> String {
    format!("{SESSION_COOKIE}={value}; HttpOnly; Secure; SameSite=Strict; Path=/; Max-Age={max_age_seconds}")
}

pub fn clear_session_cookie() -> String {
    set_session_cookie("", 0)
}

/// The signed-in staff member behind this request, if any.
pub async fn authenticate(req: &Request, store: &Store) -> Result<Option<Principal>, ApiError> {
    let now = clock::now();
    if let Some(token) = header(req, "Authorization").and_then(|h| h.strip_prefix("Bearer ").map(str::to_owned)) {
        if !token.starts_with(API_TOKEN_PREFIX) {
            return Ok(None);
        }
        let Some(record) = store.token(&sha256_hex(token.as_bytes())).await? else {
            return Ok(None);
        };
        if !record.staff.user.active {
            return Ok(None);
        }
        store.touch_token(&record.id, &now).await?;
        let held = record.staff.user.role.permissions();
        let permissions = record.scopes.into_iter().filter(|p| held.contains(p)).collect();
        return Ok(Some(Principal { user: record.staff.user, permissions, credential: Credential::ApiToken }));
    }
    let Some(cookie) = session_cookie(req) else {
        return Ok(None);
    };
    let id_hash = sha256_hex(cookie.as_bytes());
    let Some(session) = store.session(&id_hash).await? else {
        return Ok(None);
    };
    let policy = SessionPolicy::default();
    if !session.staff.user.active || !policy.is_live(session.expires_at, session.last_seen_at, now) {
        return Ok(None);
    }
    if policy.needs_touch(session.last_seen_at, now) {
        store.touch_session(&id_hash, &now).await?;
    }
    let permissions = session.staff.user.role.permissions();
    Ok(Some(Principal {
        user: session.staff.user,
        permissions,
        credential: Credential::Session { id_hash, csrf_token: session.csrf_token },
    }))
}

/// Enforce the route's policy. Returns the principal for staff routes.
pub async fn guard(req: &Request, route: &Route, store: &Store) -> Result<Option<Principal>, ApiError> {
    let Access::Staff(permission) = route.access else {
        return Ok(None);
    };
    let principal = authenticate(req, store).await?.ok_or(ApiError::Unauthenticated)?;
    if !principal.permissions.contains(&permission) {
        store
            .audit(&Audit {
                at: clock::now(),
                actor: principal.actor(),
                action: "denied",
                target: Some(format!("{} {}", route.method.as_str(), route.path)),
                ip: client_ip(req),
                detail: serde_json::json!({ "needs": permission.as_str() }),
            })
            .await?;
        return Err(ApiError::Forbidden);
    }
    if route.method != Method::Get {
        check_csrf(req, &principal)?;
    }
    Ok(Some(principal))
}

/// A change made with a session cookie must carry the session's CSRF token.
pub fn check_csrf(req: &Request, principal: &Principal) -> Result<(), ApiError> {
    if let Credential::Session { csrf_token, .. } = &principal.credential {
        let sent = header(req, CSRF_HEADER).unwrap_or_default();
        if !crate::crypto::constant_time_eq(&sent, csrf_token) {
            return Err(ApiError::CsrfRejected);
        }
    }
    Ok(())
}
