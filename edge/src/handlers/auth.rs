//! Signing in and out, the current member, revoking every session, and the first admin.

use super::respond;
use crate::auth::{self, clear_session_cookie, set_session_cookie};
use crate::config::{AppState, DB_BINDING};
use crate::crypto;
use crate::error::ApiError;
use crate::http::{json, json_input, with_header};
use crate::store::{NewStaff, Store};
use shared::auth::{Role, Username};
use shared::error::{FieldErrorCode, FieldErrors};
use shared::ids::sha256_hex;
use shared::org::{BootstrapInput, LoginInput, LoginResponse, MeResponse};
use shared::password::NewPassword;
use shared::session::{LoginThrottle, SessionPolicy};
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;
const BODY_LIMIT: usize = 8 * 1024;

fn required(errors: &mut FieldErrors, field: &str, value: Option<&str>) -> Option<String> {
    match value.filter(|v| !v.is_empty()) {
        Some(v) => Some(v.to_owned()),
        None => {
            errors.add(field, FieldErrorCode::Required, format!("{field} is required"));
            None
        }
    }
}

pub async fn login(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(login_inner(&mut req, &ctx).await)
}

async fn login_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let state = &ctx.data;
    let input: LoginInput = json_input(req, BODY_LIMIT).await?;
    let mut errors = FieldErrors::new();
    let username = required(&mut errors, "username", input.username.as_deref()).map(|u| u.trim().to_lowercase());
    let password = required(&mut errors, "password", input.password.as_deref());
    let (Some(username), Some(password)) = (username, password) else {
        return Err(ApiError::Invalid(errors));
    };
    crate::limits::check(&ctx.env, state, crate::limits::Limit::Login).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let throttle = LoginThrottle::default();
    let mut audit = state.audit("login", Some(username.clone()), serde_json::Value::Null);
    audit.actor = username.clone();
    let (by_user, by_ip) = store.failures_since(&username, &state.ip, &throttle.window_start(audit.at)).await?;
    if let Err(retry_after) = throttle.check(by_user, by_ip) {
        audit.action = "login_throttled";
        store.audit(&audit).await?;
        return Err(ApiError::TooManyAttempts { retry_after });
    }
    let record = store.staff_by_username(&username).await?;
    let verified = crypto::verify_password(&password, record.as_ref().map(|r| r.password_hash.as_str()));
    let record = match record {
        Some(r) if verified && r.user.active => r,
        _ => {
            audit.action = "login_failed";
            store.record_failure(&username, &audit).await?;
            return Err(ApiError::Unauthenticated);
        }
    };
    let cookie = crypto::random_token("").map_err(ApiError::Store)?;
    let csrf_token = crypto::random_token("").map_err(ApiError::Store)?;
    let policy = SessionPolicy::default();
    let expires_at = policy.expires_at(audit.at);
    store
        .insert_session(&sha256_hex(cookie.as_bytes()), &record.user.id, &csrf_token, &expires_at, &state.ip, &audit)
        .await?;
    let body = LoginResponse { csrf_token, user: record.user, expires_at };
    Ok(with_header(json(200, &body)?, "Set-Cookie", &set_session_cookie(&cookie, policy.absolute.num_seconds()))?)
}

pub async fn logout(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(logout_inner(&req, &ctx).await)
}

async fn logout_inner(req: &Request, ctx: &RouteContext<AppState>) -> Outcome {
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    if let Some(principal) = auth::authenticate(req, &store).await? {
        auth::check_csrf(req, &principal)?;
        if let Some(id_hash) = principal.session_hash() {
            let mut audit = ctx.data.audit("logout", None, serde_json::Value::Null);
            audit.actor = principal.actor();
            store.revoke_session(id_hash, &audit).await?;
        }
    }
    Ok(with_header(Response::empty()?.with_status(204), "Set-Cookie", &clear_session_cookie())?)
}

pub async fn me(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond((|| {
        let principal = ctx.data.principal()?;
        let mut user = principal.user.clone();
        user.permissions = principal.permissions.clone();
        let csrf_token = match &principal.credential {
            auth::Credential::Session { csrf_token, .. } => Some(csrf_token.clone()),
            auth::Credential::ApiToken => None,
        };
        Ok(json(200, &MeResponse { user, csrf_token })?)
    })())
}

pub async fn revoke_all(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let principal = ctx.data.principal()?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            store
                .revoke_all_sessions(
                    &principal.user.id,
                    &ctx.data.audit("revoke_all_sessions", None, serde_json::Value::Null),
                )
                .await?;
            Ok(with_header(Response::empty()?.with_status(204), "Set-Cookie", &clear_session_cookie())?)
        }
        .await,
    )
}

pub async fn bootstrap(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(bootstrap_inner(&mut req, &ctx).await)
}

/// The first admin, with a one-time secret set as a Worker secret; refused once an admin exists.
async fn bootstrap_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let state = &ctx.data;
    let expected = state.bootstrap_secret.as_deref().ok_or(ApiError::NotFound)?;
    let input: BootstrapInput = json_input(req, BODY_LIMIT).await?;
    if !crypto::constant_time_eq(input.secret.as_deref().unwrap_or_default(), expected) {
        return Err(ApiError::Forbidden);
    }
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    if store.admin_exists().await? {
        return Err(ApiError::Conflict("an admin exists already; sign in as them".into()));
    }
    let mut errors = FieldErrors::new();
    let username = Username::parse_into(&mut errors, "username", input.username.as_deref());
    let display_name = shared::text::bounded(&mut errors, "display_name", input.display_name.as_deref(), 1, 60);
    let password = match NewPassword::parse(
        input.password.as_deref().unwrap_or_default(),
        username.as_ref().map_or("", |u| u.as_str()),
        "password",
    ) {
        Ok(p) => Some(p),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let (Some(username), Some(display_name), Some(password)) = (username, display_name, password) else {
        return Err(ApiError::Invalid(errors));
    };
    let mut audit = state.audit("bootstrap_admin", Some(username.as_str().to_owned()), serde_json::Value::Null);
    audit.actor = "bootstrap".into();
    let staff = NewStaff {
        id: crypto::base64url(&crypto::random_bytes::<16>().map_err(ApiError::Store)?),
        username,
        display_name,
        role: Role::Admin,
        department: None,
        password_hash: crypto::hash_password(password.as_str()).map_err(ApiError::Store)?,
        created_at: audit.at,
    };
    store.insert_staff(&staff, &audit).await?;
    let created = store.staff_by_id(&staff.id).await?.ok_or(ApiError::NotFound)?;
    Ok(json(201, &created.user)?)
}
