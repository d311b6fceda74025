//! The scheduled supervision (跟踪问效), hourly: the ladder (催办 → 督办 → 挂牌督办, 提级办理) on
//! every open case, each department's daily digest (每日一提醒), and closing answered tickets
//! whose follow-up window has ended. `now` is the schedule's time, so a test can run the job at
//! any moment; every step is keyed, so a second run at the same moment does nothing.

use crate::handlers::workbench::{event, notice};
use crate::intake::Intake;
use crate::store::{OpenCase, ReminderRecord, StepRecord, Store, TicketChange};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde_json::json;
use shared::ladder::{digest, digest_key, due_steps, fresh, CaseSnapshot, DigestCase, Stage, Step};
use shared::status::Status;
use shared::ticket::EventKind;
use std::collections::BTreeMap;

const SYSTEM: &str = "system";
/// Open cases looked at per run, soonest deadline first.
const BATCH: u32 = 2000;

#[derive(Debug, Default, serde::Serialize)]
pub struct Summary {
    pub cases: usize,
    pub steps: usize,
    pub digests: usize,
    pub closed: usize,
    pub skipped: usize,
}

/// The whole job; `only` narrows the ladder and the closing to one ticket (an admin checking a
/// case now; tests that must not touch other tests' tickets). Digests always cover everything.
pub async fn run(
    store: &Store,
    intake: &Intake,
    offset: FixedOffset,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<Summary, String> {
    let mut summary = Summary::default();
    let cases = store.open_cases(BATCH, only).await.map_err(|e| e.0)?;
    summary.cases = cases.len();
    let done = store.done_steps(&(now - Duration::days(2))).await.map_err(|e| e.0)?;
    let calendar = &intake.clocks.calendar;
    let days = |from: DateTime<Utc>, n: u32| calendar.add_working_days(from, n, offset);
    let mut supervisors = store.supervisors_by_load().await.map_err(|e| e.0)?;
    let coordinator = store.coordinator().await.map_err(|e| e.0)?;
    for case in &cases {
        let snapshot = CaseSnapshot {
            tracking_no: &case.tracking_no,
            status: case.status,
            created_at: case.created_at,
            accepted_at: case.accepted_at,
            last_progress_at: case.last_progress_at,
            response_due: case.response_due,
            resolution_due: case.resolution_due,
            repeat_count: case.repeat_count,
            reopen_count: case.reopen_count,
            departments: u32::try_from(case.departments.len()).unwrap_or(u32::MAX),
            areas: case.areas,
            levels: case.levels,
        };
        for step in fresh(due_steps(&snapshot, &intake.clocks.ladder, &days, now), &done) {
            // Supervision goes to the least loaded supervisor, who then has one more.
            let supervisor = if step.stage == Stage::Supervise {
                supervisors.sort_by_key(|(_, name, load)| (*load, name.clone()));
                supervisors.first_mut().map(|(id, name, load)| {
                    *load += 1;
                    (id.clone(), name.clone())
                })
            } else {
                None
            };
            match take(store, intake, case, &step, supervisor, coordinator.as_deref(), now).await {
                Ok(()) => summary.steps += 1,
                Err(e) => {
                    // Most likely another run took this key first; the step is not lost.
                    worker::console_warn!("ladder step {} not taken: {e}", step.key);
                    summary.skipped += 1;
                }
            }
        }
    }
    if only.is_none() {
        summary.digests = digests(store, &cases, &done, offset, now).await?;
    }
    summary.closed = close_answered(store, intake, now, only).await?;
    Ok(summary)
}

async fn take(
    store: &Store,
    intake: &Intake,
    case: &OpenCase,
    step: &Step,
    supervisor: Option<(String, String)>,
    coordinator: Option<&str>,
    now: DateTime<Utc>,
) -> Result<(), String> {
    let fail = |e: crate::store::StoreError| e.0;
    let reason = step.reason.as_str();
    let lead = case.lead.clone().unwrap_or_default();
    let escalate_to = coordinator.filter(|c| *c != lead);
    let mut statements = vec![store
        .step_statement(&StepRecord {
            key: &step.key,
            ticket: Some(&case.id),
            stage: step.stage.as_str(),
            reason,
            at: &now,
            supervisor: supervisor.as_ref().map(|(_, name)| name.as_str()),
            due_at: step.due_at.as_ref(),
            department: if step.stage == Stage::Escalate { escalate_to } else { Some(lead.as_str()) },
        })
        .map_err(fail)?];
    let (kind, public) = match step.stage {
        Stage::Urge => {
            statements.push(
                store
                    .reminder_statement(
                        &case.id,
                        &ReminderRecord {
                            step_key: Some(&step.key),
                            department: &lead,
                            method: "letter",
                            by: SYSTEM,
                            at: &now,
                            outcome: "催办函已发送 / reminder letter sent",
                        },
                    )
                    .map_err(fail)?,
            );
            (EventKind::Urged { reason: reason.to_owned() }, false)
        }
        Stage::Supervise => (EventKind::Supervised { reason: reason.to_owned(), due_at: step.due_at }, false),
        Stage::List => {
            statements.push(store.list_statement(&case.id, reason, &now).map_err(fail)?);
            (EventKind::Listed { reason: reason.to_owned() }, true)
        }
        Stage::Escalate => {
            let Some(to) = escalate_to else {
                return Err("no coordinating department (level centre) to raise the case to".into());
            };
            statements.extend(store.escalate_statements(&case.id, to, &now).map_err(fail)?);
            (EventKind::Escalated { reason: reason.to_owned(), to: intake.department_name(to) }, true)
        }
    };
    statements.push(store.event_statement(&case.id, &event(now, kind, SYSTEM, public)).map_err(fail)?);
    let data = json!({ "stage": step.stage, "reason": step.reason, "due_at": step.due_at });
    let event_name = match step.stage {
        Stage::Urge => "ladder_urge",
        Stage::Supervise => "ladder_supervise",
        Stage::List => "ladder_list",
        Stage::Escalate => "ladder_escalate",
    };
    if !lead.is_empty() {
        let n = notice(&lead, event_name, &case.tracking_no, data.clone(), now).map_err(|e| format!("{e:?}"))?;
        statements.extend(store.notice_statements(&n).map_err(fail)?);
    }
    if let (Stage::Escalate, Some(to)) = (step.stage, escalate_to) {
        let n = notice(to, event_name, &case.tracking_no, data.clone(), now).map_err(|e| format!("{e:?}"))?;
        statements.extend(store.notice_statements(&n).map_err(fail)?);
    }
    if let Some((id, _)) = &supervisor {
        let n = crate::store::Notice {
            department: None,
            user: Some(id),
            event: event_name,
            tracking_no: Some(&case.tracking_no),
            data,
            at: now,
            id: crate::clock::random_id().map_err(|e| e.to_string())?,
        };
        statements.extend(store.notice_statements(&n).map_err(fail)?);
    }
    store.run_batch(statements).await.map_err(fail)
}

async fn digests(
    store: &Store,
    cases: &[OpenCase],
    done: &std::collections::HashSet<String>,
    offset: FixedOffset,
    now: DateTime<Utc>,
) -> Result<usize, String> {
    let mut by_department: BTreeMap<&str, Vec<&OpenCase>> = BTreeMap::new();
    for case in cases {
        for d in &case.departments {
            by_department.entry(d.as_str()).or_default().push(case);
        }
    }
    let mut sent = 0;
    for (department, cases) in by_department {
        let items = cases.iter().map(|c| DigestCase {
            tracking_no: &c.tracking_no,
            status: c.status,
            response_due: c.response_due,
            resolution_due: c.resolution_due,
        });
        let Some(d) = digest(department, items, now, offset) else { continue };
        let key = digest_key(department, d.local_date);
        if done.contains(&key) {
            continue;
        }
        let record = StepRecord {
            key: &key,
            ticket: None,
            stage: "digest",
            reason: "daily",
            at: &now,
            supervisor: None,
            due_at: None,
            department: Some(department),
        };
        let data = serde_json::to_value(&d).unwrap_or_default();
        let id = crate::clock::random_id().map_err(|e| e.to_string())?;
        let n = crate::store::Notice {
            department: Some(department),
            user: None,
            event: "daily_digest",
            tracking_no: None,
            data,
            at: now,
            id,
        };
        let mut statements = vec![store.step_statement(&record).map_err(|e| e.0)?];
        statements.extend(store.notice_statements(&n).map_err(|e| e.0)?);
        match store.run_batch(statements).await {
            Ok(()) => sent += 1,
            Err(e) => worker::console_warn!("digest {key} not sent: {}", e.0),
        }
    }
    Ok(sent)
}

/// Answered tickets nobody reopened within the window are closed (办结).
async fn close_answered(
    store: &Store,
    intake: &Intake,
    now: DateTime<Utc>,
    only: Option<&str>,
) -> Result<usize, String> {
    let window = Duration::days(i64::from(intake.clocks.follow_up.window_days));
    let due = store.replied_before(&(now - window), 200, only).await.map_err(|e| e.0)?;
    let mut closed = 0;
    for (id, _, version) in due {
        let events = [event(now, EventKind::StatusChanged { from: Status::Replied, to: Status::Closed }, SYSTEM, true)];
        let change = TicketChange { closed_at: Some(&now), ..Default::default() };
        let statements = store.guarded_change(&id, version, Status::Closed, &now, &change, &events).map_err(|e| e.0)?;
        if store.run_guarded(statements).await.map_err(|e| e.0)? {
            closed += 1;
        }
    }
    Ok(closed)
}
