//! The signed-in member's own account: password and API tokens.

use super::respond;
use crate::auth::API_TOKEN_PREFIX;
use crate::config::{AppState, DB_BINDING};
use crate::crypto;
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::Store;
use shared::error::{FieldErrorCode, FieldErrors};
use shared::ids::sha256_hex;
use shared::org::{parse_token_input, PasswordChangeInput, TokenInfo, TokenInput};
use shared::password::NewPassword;
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;
const BODY_LIMIT: usize = 8 * 1024;

pub async fn change_password(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(change_password_inner(&mut req, &ctx).await)
}

async fn change_password_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let principal = ctx.data.principal()?;
    let input: PasswordChangeInput = json_input(req, BODY_LIMIT).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let record = store.staff_by_id(&principal.user.id).await?.ok_or(ApiError::Unauthenticated)?;
    let mut errors = FieldErrors::new();
    let current = input.current_password.unwrap_or_default();
    if !crypto::verify_password(&current, Some(&record.password_hash)) {
        errors.add("current_password", FieldErrorCode::InvalidFormat, "the current password is not right");
    }
    let new = input.new_password.unwrap_or_default();
    let new = match NewPassword::parse(&new, principal.user.username.as_str(), "new_password") {
        Ok(p) if p.as_str() != current => Some(p),
        Ok(_) => {
            errors.add("new_password", FieldErrorCode::Taken, "choose a password you have not been using");
            None
        }
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    };
    let Some(new) = new.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let hash = crypto::hash_password(new.as_str()).map_err(ApiError::Store)?;
    let audit = ctx.data.audit("password_changed", Some(principal.actor()), serde_json::Value::Null);
    store.change_password(&principal.user.id, &hash, principal.session_hash().unwrap_or_default(), &audit).await?;
    Ok(Response::empty()?.with_status(204))
}

pub async fn list_tokens(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let principal = ctx.data.principal()?;
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &store.list_tokens(&principal.user.id).await?)?)
        }
        .await,
    )
}

pub async fn create_token(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(create_token_inner(&mut req, &ctx).await)
}

async fn create_token_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let principal = ctx.data.principal()?;
    let input: TokenInput = json_input(req, BODY_LIMIT).await?;
    let (name, scopes) = parse_token_input(&input, principal.user.role).map_err(ApiError::Invalid)?;
    let token = crypto::random_token(API_TOKEN_PREFIX).map_err(ApiError::Store)?;
    let id = crypto::base64url(&crypto::random_bytes::<12>().map_err(ApiError::Store)?);
    let audit = ctx.data.audit("api_token_created", Some(id.clone()), serde_json::json!({ "name": name }));
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    store.insert_token(&id, &principal.user.id, &name, &sha256_hex(token.as_bytes()), &scopes, &audit).await?;
    let info = TokenInfo { id, name, scopes, created_at: audit.at, last_used_at: None, token: Some(token) };
    Ok(json(201, &info)?)
}

pub async fn revoke_token(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let principal = ctx.data.principal()?;
            let id = ctx.param("id").cloned().unwrap_or_default();
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit("api_token_revoked", Some(id.clone()), serde_json::Value::Null);
            if store.revoke_token(&principal.user.id, &id, &audit).await? {
                Ok(Response::empty()?.with_status(204))
            } else {
                Err(ApiError::NotFound)
            }
        }
        .await,
    )
}
