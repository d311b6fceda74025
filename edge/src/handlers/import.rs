//! Bulk import of legacy tickets (NDJSON, one `ImportRowInput` per line).
//!
//! Admins only (the route policy); `cargo xtask dev` uses it to seed the demo city.

use super::respond;
use crate::clock;
use crate::config::{AppState, DB_BINDING};
use crate::error::ApiError;
use crate::http::header;
use crate::store::{ImportedTicket, Store};
use shared::error::FieldErrors;
use shared::ids::{TicketId, TrackingNo};
use shared::import::{ImportReport, ImportRow, ImportRowInput, RowError, MAX_ROWS};
use std::collections::{BTreeMap, HashSet};
use worker::{Request, Response, Result, RouteContext};

const MAX_IMPORT_BYTES: usize = 16 * 1024 * 1024;

pub async fn tickets(mut req: Request, ctx: RouteContext<AppState>) -> Result<Response> {
    respond(tickets_inner(&mut req, &ctx).await)
}

fn row_errors(row: usize, fields: FieldErrors) -> impl Iterator<Item = RowError> {
    fields.0.into_iter().map(move |(field, e)| RowError { row, field, message: e.message })
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
    let content_type = header(req, "Content-Type").unwrap_or_default().to_ascii_lowercase();
    if !content_type.starts_with("application/x-ndjson") {
        return Err(ApiError::UnsupportedMediaType);
    }
    let body = req.text().await.map_err(|_| ApiError::Malformed { field: None, message: "unreadable body".into() })?;
    if body.len() > MAX_IMPORT_BYTES {
        return Err(ApiError::PayloadTooLarge { limit: MAX_IMPORT_BYTES });
    }

    let mut report = ImportReport::default();
    let mut rows = Vec::new();
    for (index, line) in body.lines().filter(|l| !l.trim().is_empty()).enumerate() {
        let row_no = index + 1;
        if row_no > MAX_ROWS {
            report.errors.push(RowError {
                row: row_no,
                field: "row".into(),
                message: format!("at most {MAX_ROWS} rows per call"),
            });
            break;
        }
        let de = &mut serde_json::Deserializer::from_str(line);
        let input: ImportRowInput = match serde_path_to_error::deserialize(de) {
            Ok(input) => input,
            Err(e) => {
                let field = e.path().to_string();
                report.errors.push(RowError { row: row_no, field, message: e.into_inner().to_string() });
                continue;
            }
        };
        match ImportRow::parse(&input, state.catalogue, &state.city) {
            Ok(row) => rows.push(row),
            Err(fields) => report.errors.extend(row_errors(row_no, fields)),
        }
    }

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
