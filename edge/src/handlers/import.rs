//! Bulk import of legacy tickets: NDJSON (`application/x-ndjson`, one `ImportRowInput` per
//! line) or CSV (`text/csv`, a header row naming the same keys; see `shared::import_csv`).
//! Both give the same report: a bad row never stops the good ones, and a row already stored
//! for (source, external_id) is skipped.
//!
//! Admins only (the route policy); `cargo xtask dev` uses it to seed the demo city.

use super::respond;
use crate::clock;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::header;
use crate::store::{ImportedTicket, Store};
use shared::error::{ApiErrorBody, ErrorCode, FieldErrors};
use shared::ids::{TicketId, TrackingNo};
use shared::import::{ImportReport, ImportRow, ImportRowInput, RowError, MAX_ROWS};
use shared::import_csv;
use std::collections::{BTreeMap, HashSet};
use worker::{Request, Response, Result, RouteContext};

const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

#[derive(Clone, Copy)]
enum Format {
    Ndjson,
    Csv,
}

/// The body's format from its media type; only UTF-8 is read (a `charset` other than UTF-8 is refused).
fn format_of(content_type: &str) -> Option<Format> {
    let lower = content_type.to_ascii_lowercase();
    let mut parts = lower.split(';');
    let media = parts.next().unwrap_or_default().trim();
    let utf8 = parts
        .filter_map(|p| p.trim().strip_prefix("charset="))
        .all(|c| matches!(c.trim().trim_matches('"'), "utf-8" | "utf8"));
    match media {
        "application/x-ndjson" if utf8 => Some(Format::Ndjson),
        "text/csv" if utf8 => Some(Format::Csv),
        _ => None,
    }
}

pub async fn tickets(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(tickets_inner(&mut req, &ctx).await)
}

fn row_errors(row: usize, fields: FieldErrors) -> impl Iterator<Item = RowError> {
    fields.0.into_iter().map(move |(field, e)| RowError { row, field, message: e.message })
}

/// An error answer in the API's shape, for refusals `ApiError` words for JSON bodies.
fn refuse(body: &ApiErrorBody, errors: &[RowError]) -> std::result::Result<Response, ApiError> {
    let mut value = serde_json::to_value(body).map_err(|e| ApiError::Store(e.to_string()))?;
    if let Some(object) = value.as_object_mut() {
        object.insert("errors".into(), serde_json::to_value(errors).map_err(|e| ApiError::Store(e.to_string()))?);
    }
    Ok(crate::http::json(body.code.http_status(), &value)?)
}

/// One NDJSON line as a row, or where it fails to be one.
fn ndjson_row(row: usize, line: &str) -> std::result::Result<ImportRowInput, Vec<RowError>> {
    let de = &mut serde_json::Deserializer::from_str(line);
    serde_path_to_error::deserialize(de).map_err(|e| {
        let field = e.path().to_string();
        vec![RowError { row, field, message: e.into_inner().to_string() }]
    })
}

/// Check each row read; at most `MAX_ROWS`, the first row beyond them is reported and ends the reading.
fn check_rows(
    rows: impl Iterator<Item = (usize, std::result::Result<ImportRowInput, Vec<RowError>>)>,
    state: &AppState,
    report: &mut ImportReport,
) -> Vec<ImportRow> {
    let mut checked = Vec::new();
    for (row_no, input) in rows {
        if row_no > MAX_ROWS {
            report.errors.push(RowError {
                row: row_no,
                field: "row".into(),
                message: format!("at most {MAX_ROWS} rows per call"),
            });
            break;
        }
        match input.map(|input| ImportRow::parse(&input, state.catalogue, &state.city)) {
            Ok(Ok(row)) => checked.push(row),
            Ok(Err(fields)) => report.errors.extend(row_errors(row_no, fields)),
            Err(errors) => report.errors.extend(errors),
        }
    }
    checked
}

async fn tickets_inner(req: &mut Request, ctx: &RouteContext<AppState>) -> std::result::Result<Response, ApiError> {
    let state = &ctx.data;
    let source = req
        .url()
        .ok()
        .and_then(|u| u.query_pairs().find(|(k, _)| k == "source").map(|(_, v)| v.trim().to_owned()))
        .filter(|s| !s.is_empty() && s.len() <= 50)
        .ok_or_else(|| {
            let mut f = FieldErrors::new();
            f.add(
                "source",
                shared::error::FieldErrorCode::Required,
                "?source=NAME names the system the rows come from",
            );
            ApiError::Invalid(f)
        })?;
    let Some(format) = format_of(&header(req, "Content-Type").unwrap_or_default()) else {
        let body = ApiErrorBody::new(
            ErrorCode::UnsupportedMediaType,
            "send the rows as application/x-ndjson or text/csv, in UTF-8",
        );
        return refuse(&body, &[]);
    };
    let bytes =
        req.bytes().await.map_err(|_| ApiError::Malformed { field: None, message: "unreadable body".into() })?;
    if bytes.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_IMPORT_BYTES });
    }
    let Ok(body) = String::from_utf8(bytes) else {
        let body = ApiErrorBody::new(
            ErrorCode::MalformedBody,
            "the body is not UTF-8 text: save the file as UTF-8 (GBK and other encodings are not read)",
        );
        return refuse(&body, &[]);
    };

    let mut report = ImportReport::default();
    let rows = match format {
        Format::Ndjson => {
            let lines = body.lines().filter(|l| !l.trim().is_empty()).enumerate();
            check_rows(lines.map(|(index, line)| (index + 1, ndjson_row(index + 1, line))), state, &mut report)
        }
        Format::Csv => match import_csv::read(&body) {
            Ok(rows) => check_rows(rows, state, &mut report),
            Err(refused) => {
                let mut fields = FieldErrors::new();
                fields.add(&refused.error.field, refused.code, refused.error.message.clone());
                let body = ApiErrorBody::with_fields(ErrorCode::MalformedBody, refused.error.message.clone(), fields);
                return refuse(&body, &[refused.error]);
            }
        },
    };

    let store = Store::new(ctx.env.d1(DB_BINDING)?);
    let ids: Vec<String> = rows.iter().map(|r| r.external_id.clone()).collect();
    let mut seen: HashSet<String> = store.existing_external_ids(&source, &ids).await?;
    let fresh: Vec<ImportRow> = rows.into_iter().filter(|r| seen.insert(r.external_id.clone())).collect();
    report.skipped = ids.len() - fresh.len();

    let offset = state.city.offset();
    let mut per_day: BTreeMap<_, u64> = BTreeMap::new();
    for row in &fresh {
        *per_day.entry(row.created_at.with_timezone(&offset).date_naive()).or_default() += 1;
    }
    let mut next = store.reserve_sequences(&per_day).await?;
    let mut tickets = Vec::with_capacity(fresh.len());
    for row in fresh {
        let day = row.created_at.with_timezone(&offset).date_naive();
        let sequence = next.get_mut(&day).ok_or_else(|| ApiError::Store("sequence missing".into()))?;
        let tracking_no = TrackingNo::new(day, *sequence);
        *sequence += 1;
        let id = TicketId::from_random(clock::random_16().map_err(|e| ApiError::Store(e.to_string()))?);
        let external_id = row.external_id.clone();
        let department = row.department.clone();
        let closed_at = row.closed_at;
        let (ticket, event) = row.into_ticket(id, tracking_no, &source);
        tickets.push(ImportedTicket { ticket, event, external_id, department, closed_at });
    }
    store.insert_imported(&source, &tickets).await?;
    report.imported = tickets.len();
    Ok(crate::http::json(200, &report)?)
}
