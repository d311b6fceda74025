//! Deputies and observers (两代表一委员、民生观察员): their profile (the title published with their
//! grades, the contacts whose tickets they never grade), their weekly samples and grades.

use super::casework::invalid;
use super::respond;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::{json, json_input};
use crate::store::Store;
use serde::Deserialize;
use serde_json::json as value;
use shared::api::MAX_BODY_BYTES;
use shared::error::{FieldErrorCode, FieldErrors};
use shared::grading::{Grade, GradeInput};
use shared::sampling::reporter_key;
use worker::{Request, Response, Result, RouteContext};

pub const KINDS: [&str; 3] = ["npc_deputy", "cppcc_member", "people_observer"];

#[derive(Deserialize, Default)]
#[serde(deny_unknown_fields)]
struct ProfileInput {
    kind: Option<String>,
    #[serde(default)]
    phones: Vec<String>,
    #[serde(default)]
    emails: Vec<String>,
}

pub async fn set_profile(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: ProfileInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let mut errors = FieldErrors::new();
            let kind = match input.kind.as_deref() {
                Some(k) if KINDS.contains(&k) => k.to_owned(),
                None => {
                    errors.add("kind", FieldErrorCode::Required, KINDS.join(", "));
                    String::new()
                }
                Some(_) => {
                    errors.add("kind", FieldErrorCode::UnknownValue, KINDS.join(", "));
                    String::new()
                }
            };
            let mut keys = Vec::new();
            for (field, values) in [("phones", &input.phones), ("emails", &input.emails)] {
                if values.len() > 10 {
                    errors.add(field, FieldErrorCode::OutOfRange, "at most 10");
                }
                keys.extend(values.iter().filter_map(|v| reporter_key(v)));
            }
            if !errors.is_empty() {
                return Err(ApiError::Invalid(errors));
            }
            keys.sort();
            keys.dedup();
            let id = ctx.param("id").cloned().unwrap_or_default();
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let audit = ctx.data.audit("observer_profile_set", Some(id.clone()), value!({ "kind": kind }));
            if !store.set_observer_profile(&id, &kind, &keys, &audit).await? {
                return Err(ApiError::NotFound);
            }
            Ok(json(200, &value!({ "id": id, "kind": kind, "contacts": keys.len() }))?)
        }
        .await,
    )
}

pub async fn samples(_req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let observer = ctx.data.principal()?.user.id.as_str().to_owned();
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            Ok(json(200, &value!({ "samples": store.samples_of(&observer, 8).await? }))?)
        }
        .await,
    )
}

/// Grade one ticket of the observer's own sample; grading it again replaces the grade.
pub async fn grade(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(
        async {
            let input: GradeInput = json_input(&mut req, MAX_BODY_BYTES).await?;
            let grade = Grade::parse(&input).map_err(ApiError::Invalid)?;
            let sample: i64 = ctx
                .param("id")
                .and_then(|s| s.parse().ok())
                .ok_or_else(|| invalid("id", FieldErrorCode::InvalidFormat, "a sample number"))?;
            let no = super::tracking_no(&ctx)?;
            let observer = ctx.data.principal()?.user.id.as_str().to_owned();
            let store = Store::new(ctx.env.d1(DB_BINDING)?);
            let ticket = store.sampled_ticket(sample, &observer, no.as_str()).await?.ok_or(ApiError::NotFound)?;
            let public_comment = grade.comment.as_deref().map(shared::redact::public_text);
            let audit = ctx.data.audit(
                "ticket_graded",
                Some(no.as_str().to_owned()),
                value!({ "sample": sample, "mean": grade.mean() }),
            );
            store
                .run_batch(vec![
                    store.grade_statement(sample, &ticket, &observer, &grade, public_comment.as_deref(), &audit.at)?,
                    store.audit_statement(&audit)?,
                ])
                .await?;
            Ok(json(201, &value!({ "tracking_no": no, "grade": grade, "published_comment": public_comment }))?)
        }
        .await,
    )
}
