//! Administration: departments, staff and the audit trail.

use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::crypto;
use crate::error::ApiError;
use crate::http::{json, json_input, query_param};
use crate::store::{NewStaff, Store, UpsertOutcome};
use shared::auth::Role;
use shared::error::{FieldErrorCode, FieldErrors};
use shared::org::{Department, DepartmentInput, StaffFields, StaffInput};
use shared::password::NewPassword;
use worker::{Request, Response, Result, RouteContext};

type Outcome = std::result::Result<Response, ApiError>;
const BODY_LIMIT: usize = 16 * 1024;

fn field_error(field: &str, code: FieldErrorCode, message: &str) -> ApiError {
    let mut errors = FieldErrors::new();
    errors.add(field, code, message);
    ApiError::Invalid(errors)
}

pub async fn list_departments(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(async { Ok(json(200, &Store::new(ctx.env.d1(DB_BINDING)?).departments().await?)?) }.await)
}

pub async fn create_department(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(save_department(&mut req, &ctx, None).await)
}

pub async fn update_department(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    let code = ctx.param("id").cloned();
    respond(save_department(&mut req, &ctx, code).await)
}

async fn save_department(req: &mut Request, ctx: &RouteContext<AppState>, code: Option<String>) -> Outcome {
    let input: DepartmentInput = json_input(req, BODY_LIMIT).await?;
    if code.is_some() && input.code.as_deref().is_some_and(|c| Some(c) != code.as_deref()) {
        return Err(field_error("code", FieldErrorCode::ReadOnly, "the code cannot be changed"));
    }
    let department = Department::parse(&input, code.as_deref()).map_err(ApiError::Invalid)?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    if code.is_some() && !store.department_exists(&department.code).await? {
        return Err(ApiError::NotFound);
    }
    let action = if code.is_some() { "department_updated" } else { "department_created" };
    let audit =
        ctx.data.audit(action, Some(department.code.clone()), serde_json::to_value(&department).unwrap_or_default());
    match store.upsert_department(&department, code.is_none(), &audit).await? {
        UpsertOutcome::Done => {
            // Dispatch checks departments against the intake cache: this isolate sees it now.
            crate::intake::invalidate();
            Ok(json(if code.is_some() { 200 } else { 201 }, &department)?)
        }
        UpsertOutcome::Exists => Err(field_error("code", FieldErrorCode::Taken, "a department has this code")),
        UpsertOutcome::MissingReference => {
            Err(field_error("parent", FieldErrorCode::UnknownValue, "no department has this code"))
        }
    }
}

pub async fn list_staff(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(async { Ok(json(200, &Store::new(ctx.env.d1(DB_BINDING)?).list_staff().await?)?) }.await)
}

fn password(input: &StaffInput, username: &str, errors: &mut FieldErrors) -> Option<NewPassword> {
    let raw = input.password.as_deref()?;
    match NewPassword::parse(raw, username, "password") {
        Ok(p) => Some(p),
        Err(e) => {
            errors.0.extend(e.0);
            None
        }
    }
}

async fn check_department(
    store: &Store,
    department: Option<&str>,
    errors: &mut FieldErrors,
) -> std::result::Result<(), ApiError> {
    if let Some(code) = department {
        if !store.department_exists(code).await? {
            errors.add("department", FieldErrorCode::UnknownValue, "no department has this code");
        }
    }
    Ok(())
}

pub async fn create_staff(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(create_staff_inner(&mut req, &ctx).await)
}

async fn create_staff_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let input: StaffInput = json_input(req, BODY_LIMIT).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let (fields, mut errors) = match StaffFields::parse(&input, true) {
        Ok(f) => (Some(f), FieldErrors::new()),
        Err(e) => (None, e),
    };
    let username = fields.as_ref().and_then(|f| f.username.clone());
    let password = password(&input, username.as_ref().map_or("", |u| u.as_str()), &mut errors);
    if input.password.is_none() {
        errors.add("password", FieldErrorCode::Required, "an initial password is required");
    }
    let department = fields.as_ref().and_then(|f| f.department.clone().flatten());
    check_department(&store, department.as_deref(), &mut errors).await?;
    let (Some(fields), Some(username), Some(password)) = (fields, username, password) else {
        return Err(ApiError::Invalid(errors));
    };
    if !errors.is_empty() {
        return Err(ApiError::Invalid(errors));
    }
    let audit = ctx.data.audit(
        "staff_created",
        Some(username.as_str().to_owned()),
        serde_json::json!({ "role": fields.role.map(Role::as_str) }),
    );
    let staff = NewStaff {
        id: crypto::base64url(&crypto::random_bytes::<16>().map_err(ApiError::Store)?),
        username,
        display_name: fields.display_name.unwrap_or_default(),
        role: fields.role.unwrap_or(Role::Observer),
        department,
        password_hash: crypto::hash_password(password.as_str()).map_err(ApiError::Store)?,
        created_at: audit.at,
    };
    if !store.insert_staff(&staff, &audit).await? {
        return Err(field_error("username", FieldErrorCode::Taken, "this username is taken"));
    }
    let created = store.staff_by_id(&staff.id).await?.ok_or(ApiError::NotFound)?;
    Ok(json(201, &created.user)?)
}

pub async fn update_staff(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(update_staff_inner(&mut req, &ctx).await)
}

async fn update_staff_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> Outcome {
    let id = ctx.param("id").cloned().unwrap_or_default();
    let input: StaffInput = json_input(req, BODY_LIMIT).await?;
    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let existing = store.staff_by_id(&id).await?.ok_or(ApiError::NotFound)?;
    let (fields, mut errors) = match StaffFields::parse(&input, false) {
        Ok(f) => (Some(f), FieldErrors::new()),
        Err(e) => (None, e),
    };
    let password = password(&input, existing.user.username.as_str(), &mut errors);
    if let Some(Some(code)) = fields.as_ref().and_then(|f| f.department.clone()) {
        check_department(&store, Some(&code), &mut errors).await?;
    }
    // An admin cannot lock themselves out.
    let me = ctx.data.principal()?;
    if let Some(f) = &fields {
        if me.user.id == id && f.role.is_some_and(|r| r != Role::Admin) {
            errors.add("role", FieldErrorCode::ReadOnly, "you cannot change your own role");
        }
        if me.user.id == id && f.active == Some(false) {
            errors.add("active", FieldErrorCode::ReadOnly, "you cannot deactivate yourself");
        }
    }
    let Some(fields) = fields.filter(|_| errors.is_empty()) else {
        return Err(ApiError::Invalid(errors));
    };
    let hash = password.map(|p| crypto::hash_password(p.as_str())).transpose().map_err(ApiError::Store)?;
    let detail = serde_json::json!({
        "role": fields.role.map(Role::as_str), "active": fields.active, "password_reset": hash.is_some(),
        "department": fields.department,
    });
    let audit = ctx.data.audit("staff_updated", Some(existing.user.username.as_str().to_owned()), detail);
    store
        .update_staff(
            &id,
            fields.display_name.as_deref(),
            fields.role,
            fields.department.as_ref().map(|d| d.as_deref()),
            fields.active,
            hash.as_deref(),
            &audit,
        )
        .await?;
    let updated = store.staff_by_id(&id).await?.ok_or(ApiError::NotFound)?;
    Ok(json(200, &updated.user)?)
}

pub async fn audit(req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let before = query_param(&req, "before").and_then(|b| b.parse::<i64>().ok());
            let limit = query_param(&req, "limit").and_then(|l| l.parse::<u32>().ok()).unwrap_or(100).clamp(1, 500);
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &store.audit_entries(before, limit).await?)?)
        }
        .await,
    )
}
