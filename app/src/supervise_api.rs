//! Supervision (督办) and the data deadlines run on: extension decisions, the ladder's record and
//! phone reminders for supervisors; the SLA table, the working-day calendar, the ladder's
//! thresholds and the follow-up window for admins; the webhook outbox. The pure parts (wire
//! codes, turning typed text into API input) build on the host so the unit tests cover them.

use serde_json::{Map, Value};
use shared::error::{FieldErrorCode, FieldErrors};
use shared::handling::OutboxView;
use shared::sla::{SlaRuleInput, SlaTableInput};

/// The ladder's rungs the record can be filtered by, in the filter's order: 督办 first, as the
/// stage a supervisor acts on. (Digests name no ticket, so they are not listed.)
pub const STAGES: [&str; 4] = ["supervise", "list", "escalate", "urge"];

/// Outbox states, each with an `outbox.state.*` translation.
pub const OUTBOX_STATES: [&str; 3] = ["dead", "pending", "delivered"];

/// A code from a newer server reads as "other" rather than as a bare key.
fn known_key(prefix: &str, known: &[&str], code: &str) -> String {
    if known.contains(&code) {
        format!("{prefix}.{code}")
    } else {
        format!("{prefix}.other")
    }
}

pub fn stage_key(stage: &str) -> String {
    known_key("ladder.stage", &STAGES, stage)
}

pub fn outbox_state_key(state: &str) -> String {
    known_key("outbox.state", &OUTBOX_STATES, state)
}

/// Dead letters first (they need someone), otherwise the server's order (newest first).
pub fn dead_first(items: &mut [OutboxView]) {
    items.sort_by_key(|m| m.state != "dead");
}

/// `rules[3].category` → `("rules", 3, "category")`: the server names a table's cells this way.
pub fn row_path(path: &str) -> Option<(&str, usize, &str)> {
    let (list, rest) = path.split_once('[')?;
    let (index, field) = rest.split_once("].")?;
    Some((list, index.parse().ok()?, field))
}

/// One row of the SLA form as typed.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct SlaRowText {
    pub category: String,
    pub urgency: String,
    pub response_hours: String,
    pub resolution_days: String,
}

impl SlaRowText {
    pub fn from_input(rule: &SlaRuleInput) -> Self {
        let number = |n: Option<i64>| n.map(|n| n.to_string()).unwrap_or_default();
        Self {
            category: rule.category.clone().unwrap_or_default(),
            urgency: rule.urgency.clone().unwrap_or_default(),
            response_hours: number(rule.response_hours),
            resolution_days: number(rule.resolution_days),
        }
    }
}

/// A whole number as typed: blank is absent (the server says it is required); anything else
/// that is not a number is refused here, since the server could not even read the body.
fn whole(text: &str, path: String, errors: &mut FieldErrors) -> Option<i64> {
    let text = text.trim();
    if text.is_empty() {
        return None;
    }
    let parsed = text.parse::<i64>().ok();
    if parsed.is_none() {
        errors.add(&path, FieldErrorCode::InvalidFormat, "");
    }
    parsed
}

/// The form's rows as the API's input, every row in the order shown so the server's
/// `rules[i]` and `defaults[i]` point at the rows on the page. Ranges are the server's to judge.
pub fn sla_input(rules: &[SlaRowText], defaults: &[SlaRowText]) -> Result<SlaTableInput, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut convert = |list: &str, rows: &[SlaRowText]| -> Vec<SlaRuleInput> {
        rows.iter()
            .enumerate()
            .map(|(i, row)| SlaRuleInput {
                category: Some(row.category.trim().to_owned()).filter(|c| !c.is_empty()),
                urgency: Some(row.urgency.trim().to_owned()).filter(|u| !u.is_empty()),
                response_hours: whole(&row.response_hours, format!("{list}[{i}].response_hours"), &mut errors),
                resolution_days: whole(&row.resolution_days, format!("{list}[{i}].resolution_days"), &mut errors),
            })
            .collect()
    };
    let input = SlaTableInput { rules: Some(convert("rules", rules)), defaults: Some(convert("defaults", defaults)) };
    errors.finish(|| input)
}

/// The ladder's whole-number thresholds, in the form's order.
pub const LADDER_NUMBERS: [&str; 8] = [
    "urge_grace_hours",
    "supervise_after_days",
    "supervise_due_days",
    "quiet_days",
    "list_repeat_at",
    "list_unresolved_days",
    "list_reopened_at",
    "escalate_departments_at",
];

/// The ladder form as the API's body. Unlike elsewhere a blank is refused here: the server
/// would quietly put back the default, which is not what someone clearing a box means.
pub fn ladder_input(numbers: &[(&str, String)], cross_area: bool, cross_level: bool) -> Result<Value, FieldErrors> {
    let mut errors = FieldErrors::new();
    let mut body = Map::new();
    for (field, text) in numbers {
        match text.trim().parse::<u32>() {
            Ok(n) => {
                body.insert((*field).to_owned(), n.into());
            }
            Err(_) if text.trim().is_empty() => errors.add(field, FieldErrorCode::Required, ""),
            Err(_) => errors.add(field, FieldErrorCode::InvalidFormat, ""),
        }
    }
    body.insert("escalate_cross_area".into(), cross_area.into());
    body.insert("escalate_cross_level".into(), cross_level.into());
    errors.finish(|| Value::Object(body))
}

#[cfg(target_arch = "wasm32")]
pub use client::*;

#[cfg(target_arch = "wasm32")]
mod client {
    use crate::api::{call, decode, ApiError};
    use crate::dom;
    use chrono::{DateTime, Utc};
    use serde::de::DeserializeOwned;
    use serde::Deserialize;
    use serde_json::{json, Value};
    use shared::calendar::{CalendarDay, CalendarDayInput};
    use shared::handling::{ExtensionView, FollowUpSettings, OutboxView, StepView};
    use shared::ladder::LadderSettings;
    use shared::sla::{SlaTable, SlaTableInput};

    /// The sessionStorage key `staff_api` keeps the session's CSRF token under.
    const CSRF_KEY: &str = "huiyin.csrf";

    async fn send(method: &str, path: &str, body: Value) -> Result<String, ApiError> {
        let csrf = dom::session_get(CSRF_KEY).unwrap_or_default();
        call(method, path, &[("X-CSRF-Token", csrf.as_str())], Some(body.to_string())).await
    }

    async fn get<T: DeserializeOwned>(path: &str) -> Result<T, ApiError> {
        decode(&call("GET", path, &[], None).await?)
    }

    /// The `{items: [...]}` lists.
    #[derive(Deserialize)]
    struct Items<T> {
        items: Vec<T>,
    }

    /// Extension requests waiting for a decision, oldest first.
    pub async fn extensions() -> Result<Vec<ExtensionView>, ApiError> {
        Ok(get::<Items<ExtensionView>>("/api/v1/supervision/extensions?state=pending").await?.items)
    }

    /// What a decision did: the resolution deadline after it (moved when approved).
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    pub struct Decided {
        pub state: String,
        #[serde(default)]
        pub resolution_due: Option<DateTime<Utc>>,
    }

    pub async fn decide_extension(id: i64, approve: bool, note: Option<String>) -> Result<Decided, ApiError> {
        let body = json!({ "approve": approve, "note": note });
        decode(&send("POST", &format!("/api/v1/extensions/{id}/decision"), body).await?)
    }

    /// The ladder's steps on record at one rung, newest first.
    pub async fn steps(stage: String) -> Result<Vec<StepView>, ApiError> {
        Ok(get::<Items<StepView>>(&format!("/api/v1/supervision/steps?stage={stage}")).await?.items)
    }

    /// 电话催办: a call to the lead department, on record.
    pub async fn remind(no: String, outcome: String) -> Result<(), ApiError> {
        send("POST", &format!("/api/v1/tickets/{no}/reminders"), json!({ "outcome": outcome })).await.map(drop)
    }

    pub async fn sla() -> Result<SlaTable, ApiError> {
        get("/api/v1/admin/settings/sla").await
    }

    pub async fn save_sla(input: SlaTableInput) -> Result<SlaTable, ApiError> {
        let body = serde_json::to_value(&input).map_err(|_| ApiError::Unexpected { status: 0 })?;
        decode(&send("PUT", "/api/v1/admin/settings/sla", body).await?)
    }

    /// One year of the calendar, and every year that has entries.
    #[derive(Debug, Clone, PartialEq, Deserialize)]
    pub struct CalendarYear {
        pub years: Vec<i32>,
        pub days: Vec<CalendarDay>,
    }

    pub async fn calendar(year: i32) -> Result<CalendarYear, ApiError> {
        get(&format!("/api/v1/calendar?year={year}")).await
    }

    /// Replace the year's holidays and make-up working days with `days`.
    pub async fn save_calendar(year: i32, days: Vec<CalendarDayInput>) -> Result<(), ApiError> {
        let body = json!({ "days": days });
        send("PUT", &format!("/api/v1/admin/calendar/{year}"), body).await.map(drop)
    }

    pub async fn ladder() -> Result<LadderSettings, ApiError> {
        get("/api/v1/admin/settings/ladder").await
    }

    pub async fn save_ladder(body: Value) -> Result<LadderSettings, ApiError> {
        decode(&send("PUT", "/api/v1/admin/settings/ladder", body).await?)
    }

    pub async fn follow_up() -> Result<FollowUpSettings, ApiError> {
        get("/api/v1/admin/settings/follow-up").await
    }

    pub async fn save_follow_up(window_days: Option<i64>) -> Result<FollowUpSettings, ApiError> {
        decode(&send("PUT", "/api/v1/admin/settings/follow-up", json!({ "window_days": window_days })).await?)
    }

    /// Outbox messages in one state (`""`: all), newest first as the server lists them.
    pub async fn outbox(state: String) -> Result<Vec<OutboxView>, ApiError> {
        let path = match state.as_str() {
            "" => "/api/v1/admin/outbox".to_owned(),
            s => format!("/api/v1/admin/outbox?state={s}"),
        };
        Ok(get::<Items<OutboxView>>(&path).await?.items)
    }

    /// Send a dead letter again, from now, with a fresh count of attempts.
    pub async fn retry(id: String) -> Result<(), ApiError> {
        send("POST", &format!("/api/v1/admin/outbox/{id}/retry"), json!({})).await.map(drop)
    }

    /// Where a department's system receives its notices; both blank turns them off.
    pub async fn set_webhook(department: String, url: String, secret: String) -> Result<(), ApiError> {
        let body = json!({ "url": url, "secret": secret });
        send("PUT", &format!("/api/v1/admin/departments/{department}/webhook"), body).await.map(drop)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::Lang;
    use chrono::{TimeZone, Utc};
    use shared::ladder::{LadderSettings, LadderSettingsInput, Reason};
    use shared::sla::SlaTable;

    #[test]
    fn cell_paths_are_read_and_others_are_not() {
        assert_eq!(row_path("rules[3].category"), Some(("rules", 3, "category")));
        assert_eq!(row_path("days[12].date"), Some(("days", 12, "date")));
        assert_eq!(row_path("days"), None);
        assert_eq!(row_path("days[x].date"), None);
        assert_eq!(row_path("days[1]"), None);
    }

    #[test]
    fn the_sla_form_round_trips_and_refuses_what_is_not_a_number() {
        let table = SlaTable::standard();
        let input = table.to_input();
        let defaults: Vec<_> = input.defaults.iter().flatten().map(SlaRowText::from_input).collect();
        let rule = SlaRowText {
            category: " 11 ".into(),
            urgency: "urgent".into(),
            response_hours: "4".into(),
            resolution_days: "2".into(),
        };
        let sent = sla_input(std::slice::from_ref(&rule), &defaults).unwrap();
        let parsed = SlaTable::parse(&sent).unwrap();
        assert_eq!(parsed.default_by_urgency, table.default_by_urgency);
        assert_eq!(parsed.rules[0].category.as_deref(), Some("11"));

        let any = SlaRowText { category: " ".into(), urgency: String::new(), ..rule.clone() };
        let sent = sla_input(&[any], &[]).unwrap();
        let rules = sent.rules.unwrap();
        assert_eq!((rules[0].category.as_deref(), rules[0].urgency.as_deref()), (None, None), "blank is any");

        let bad = SlaRowText { response_hours: "四".into(), resolution_days: String::new(), ..rule };
        let errors = sla_input(&[SlaRowText::default(), bad], &defaults).unwrap_err();
        assert_eq!(errors.get("rules[1].response_hours").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert!(errors.get("rules[1].resolution_days").is_none(), "blank is the server's to name");
    }

    #[test]
    fn the_ladder_form_names_the_server_fields() {
        let d = LadderSettings::default();
        let values = [
            d.urge_grace_hours,
            d.supervise_after_days,
            d.supervise_due_days,
            d.quiet_days,
            d.list_repeat_at,
            d.list_unresolved_days,
            d.list_reopened_at,
            d.escalate_departments_at,
        ];
        let numbers: Vec<(&str, String)> =
            LADDER_NUMBERS.iter().zip(values).map(|(f, v)| (*f, v.to_string())).collect();
        let body = ladder_input(&numbers, true, true).unwrap();
        let input: LadderSettingsInput = serde_json::from_value(body).unwrap();
        assert_eq!(LadderSettings::parse(&input).unwrap(), d);

        let mut broken = numbers.clone();
        broken[3].1 = "五".into();
        broken[4].1 = " ".into();
        let errors = ladder_input(&broken, false, false).unwrap_err();
        assert_eq!(errors.get("quiet_days").map(|e| e.code), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(errors.get("list_repeat_at").map(|e| e.code), Some(FieldErrorCode::Required));
    }

    #[test]
    fn dead_letters_come_first() {
        let at = Utc.with_ymd_and_hms(2026, 11, 2, 8, 0, 0).unwrap();
        let message = |id: &str, state: &str| OutboxView {
            id: id.into(),
            event: "dispatched".into(),
            department: "city.housing".into(),
            url: "https://example.cn/hook".into(),
            state: state.into(),
            attempts: 1,
            next_at: at,
            created_at: at,
            last_error: None,
        };
        let mut items =
            [message("a", "delivered"), message("b", "dead"), message("c", "pending"), message("d", "dead")];
        dead_first(&mut items);
        let ids: Vec<_> = items.iter().map(|m| m.id.as_str()).collect();
        assert_eq!(ids, ["b", "d", "a", "c"]);
    }

    #[test]
    fn every_code_shown_is_translated() {
        let mut keys: Vec<String> = STAGES.iter().map(|s| stage_key(s)).collect();
        keys.push(stage_key("digest"));
        keys.extend(OUTBOX_STATES.iter().map(|s| outbox_state_key(s)));
        keys.push(outbox_state_key("sending"));
        keys.extend(Reason::ALL.iter().map(|r| crate::work_api::ladder_reason_key(r.as_str())));
        keys.extend(LADDER_NUMBERS.iter().map(|f| format!("field.{f}")));
        keys.extend(shared::calendar::DayKind::ALL.iter().map(|k| format!("calendar.kind.{}", k.as_str())));
        for lang in Lang::ALL {
            for key in &keys {
                assert!(lang.get(key).is_some(), "{lang:?} lacks {key}");
            }
        }
    }
}
