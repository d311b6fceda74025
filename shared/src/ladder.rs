//! The supervision ladder (跟踪问效): 催办 → 督办 → 挂牌督办 → 提级办理.
//!
//! A scheduled job looks at every open ticket, every hour, and asks which supervision steps are
//! due. The thresholds are data (`LadderSettings`), the clock and the working-day calendar are
//! passed in, and every step carries an idempotency key: the caller records the keys it has acted
//! on and hands them back, so running the job twice, or late, never reminds anyone twice.
//! A daily digest (每日一提醒) tells each department what is waiting for it.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::status::Status;
use chrono::{DateTime, Duration, FixedOffset, NaiveDate, SecondsFormat, Utc};
use serde::{Deserialize, Serialize};
use std::collections::HashSet;

/// The working-day calendar the ladder counts in. Implemented for the city's calendar elsewhere;
/// any `Fn(DateTime<Utc>, u32) -> DateTime<Utc>` is one too.
pub trait WorkingDays {
    /// The moment `n` working days after `from`: the same local time of day on the `n`th working
    /// day after `from`'s local date. `n == 0` is `from` itself.
    fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc>;
}

impl<F> WorkingDays for F
where
    F: Fn(DateTime<Utc>, u32) -> DateTime<Utc>,
{
    fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
        self(from, n)
    }
}

/// The rungs of the ladder, in the order they are climbed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// 催办: a reminder to the handling department.
    Urge,
    /// 督办: a supervisor steps in and sets a deadline.
    Supervise,
    /// 挂牌督办: publicly listed until resolved.
    List,
    /// 提级办理: handled one level up.
    Escalate,
}

impl Stage {
    pub const ALL: [Stage; 4] = [Stage::Urge, Stage::Supervise, Stage::List, Stage::Escalate];

    pub fn as_str(self) -> &'static str {
        match self {
            Stage::Urge => "urge",
            Stage::Supervise => "supervise",
            Stage::List => "list",
            Stage::Escalate => "escalate",
        }
    }
}

/// Why a step is due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Reason {
    /// Dispatched and not accepted by `response_due`.
    ResponseOverdue,
    /// Open past `resolution_due`.
    ResolutionOverdue,
    /// Overdue by at least `supervise_after_days` working days.
    LongOverdue,
    /// No progress note for at least `quiet_days` working days while being worked on.
    SlowProgress,
    /// At least `list_repeat_at` duplicates were merged into it.
    Repeated,
    /// Open for at least `list_unresolved_days` calendar days.
    Unresolved,
    /// Reopened at least `list_reopened_at` times.
    Reopened,
    CrossDepartment,
    CrossArea,
    CrossLevel,
}

impl Reason {
    pub const ALL: [Reason; 10] = [
        Reason::ResponseOverdue,
        Reason::ResolutionOverdue,
        Reason::LongOverdue,
        Reason::SlowProgress,
        Reason::Repeated,
        Reason::Unresolved,
        Reason::Reopened,
        Reason::CrossDepartment,
        Reason::CrossArea,
        Reason::CrossLevel,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Reason::ResponseOverdue => "response_overdue",
            Reason::ResolutionOverdue => "resolution_overdue",
            Reason::LongOverdue => "long_overdue",
            Reason::SlowProgress => "slow_progress",
            Reason::Repeated => "repeated",
            Reason::Unresolved => "unresolved",
            Reason::Reopened => "reopened",
            Reason::CrossDepartment => "cross_department",
            Reason::CrossArea => "cross_area",
            Reason::CrossLevel => "cross_level",
        }
    }
}

/// The thresholds a city tunes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LadderSettings {
    /// Hours after a due time before 催办.
    pub urge_grace_hours: u32,
    /// Working days overdue before 督办.
    pub supervise_after_days: u32,
    /// Working days the supervisor gives.
    pub supervise_due_days: u32,
    /// Working days without a progress note before 督办.
    pub quiet_days: u32,
    /// Merged duplicates before 挂牌督办.
    pub list_repeat_at: u32,
    /// Calendar days open since creation before 挂牌督办.
    pub list_unresolved_days: u32,
    /// Reopenings before 挂牌督办.
    pub list_reopened_at: u32,
    /// Distinct departments involved (lead and co-handlers) before 提级办理.
    pub escalate_departments_at: u32,
    /// Escalate when the departments involved serve more than one area.
    pub escalate_cross_area: bool,
    /// Escalate when the departments involved sit at more than one level.
    pub escalate_cross_level: bool,
}

impl Default for LadderSettings {
    fn default() -> Self {
        Self {
            urge_grace_hours: 0,
            supervise_after_days: 3,
            supervise_due_days: 3,
            quiet_days: 5,
            list_repeat_at: 5,
            list_unresolved_days: 60,
            list_reopened_at: 2,
            escalate_departments_at: 3,
            escalate_cross_area: true,
            escalate_cross_level: true,
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LadderSettingsInput {
    #[serde(default)]
    pub urge_grace_hours: Option<u32>,
    #[serde(default)]
    pub supervise_after_days: Option<u32>,
    #[serde(default)]
    pub supervise_due_days: Option<u32>,
    #[serde(default)]
    pub quiet_days: Option<u32>,
    #[serde(default)]
    pub list_repeat_at: Option<u32>,
    #[serde(default)]
    pub list_unresolved_days: Option<u32>,
    #[serde(default)]
    pub list_reopened_at: Option<u32>,
    #[serde(default)]
    pub escalate_departments_at: Option<u32>,
    #[serde(default)]
    pub escalate_cross_area: Option<bool>,
    #[serde(default)]
    pub escalate_cross_level: Option<bool>,
}

fn in_range(errors: &mut FieldErrors, field: &str, v: Option<u32>, default: u32, min: u32, max: u32) -> u32 {
    let v = v.unwrap_or(default);
    if v < min || v > max {
        errors.add_with_limit(
            field,
            FieldErrorCode::OutOfRange,
            format!("{field} must be between {min} and {max}"),
            Some(if v < min { min } else { max }),
        );
    }
    v
}

impl LadderSettings {
    /// Absent fields keep their defaults; errors name the field and carry the bound crossed.
    pub fn parse(input: &LadderSettingsInput) -> Result<Self, FieldErrors> {
        let mut e = FieldErrors::new();
        let d = Self::default();
        let s = Self {
            urge_grace_hours: in_range(&mut e, "urge_grace_hours", input.urge_grace_hours, d.urge_grace_hours, 0, 168),
            supervise_after_days: in_range(
                &mut e,
                "supervise_after_days",
                input.supervise_after_days,
                d.supervise_after_days,
                1,
                60,
            ),
            supervise_due_days: in_range(
                &mut e,
                "supervise_due_days",
                input.supervise_due_days,
                d.supervise_due_days,
                1,
                30,
            ),
            quiet_days: in_range(&mut e, "quiet_days", input.quiet_days, d.quiet_days, 1, 60),
            list_repeat_at: in_range(&mut e, "list_repeat_at", input.list_repeat_at, d.list_repeat_at, 2, 100),
            list_unresolved_days: in_range(
                &mut e,
                "list_unresolved_days",
                input.list_unresolved_days,
                d.list_unresolved_days,
                1,
                365,
            ),
            list_reopened_at: in_range(&mut e, "list_reopened_at", input.list_reopened_at, d.list_reopened_at, 1, 20),
            escalate_departments_at: in_range(
                &mut e,
                "escalate_departments_at",
                input.escalate_departments_at,
                d.escalate_departments_at,
                2,
                20,
            ),
            escalate_cross_area: input.escalate_cross_area.unwrap_or(d.escalate_cross_area),
            escalate_cross_level: input.escalate_cross_level.unwrap_or(d.escalate_cross_level),
        };
        e.finish(|| s)
    }
}

/// A ticket as far as the ladder needs it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct CaseSnapshot<'a> {
    pub tracking_no: &'a str,
    pub status: Status,
    pub created_at: DateTime<Utc>,
    pub accepted_at: Option<DateTime<Utc>>,
    /// The latest progress note.
    pub last_progress_at: Option<DateTime<Utc>>,
    pub response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
    /// Duplicates merged into this ticket.
    pub repeat_count: u32,
    pub reopen_count: u32,
    /// Distinct departments involved, lead and co-handlers.
    pub departments: u32,
    /// Distinct areas served by those departments.
    pub areas: u32,
    /// Distinct `DepartmentLevel`s among those departments.
    pub levels: u32,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Step {
    pub stage: Stage,
    pub reason: Reason,
    /// The idempotency key: acting on two steps with one key is acting twice.
    pub key: String,
    /// For `Supervise`: the deadline the supervisor sets.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub due_at: Option<DateTime<Utc>>,
}

fn stamp(t: Option<DateTime<Utc>>) -> String {
    t.map_or_else(|| "none".to_owned(), |t| t.to_rfc3339_opts(SecondsFormat::Secs, true))
}

fn plus_hours(t: DateTime<Utc>, hours: u32) -> DateTime<Utc> {
    // Stored settings are not re-checked; an absurd grace means "never", not a panic.
    t.checked_add_signed(Duration::hours(i64::from(hours))).unwrap_or(DateTime::<Utc>::MAX_UTC)
}

/// Strictly past the deadline: due means due, as for whistle summonses.
fn past(now: DateTime<Utc>, due: DateTime<Utc>, grace_hours: u32) -> bool {
    now > plus_hours(due, grace_hours)
}

/// At least `n` working days after `from` (and after it at all).
fn working_days_since(days: &dyn WorkingDays, from: DateTime<Utc>, n: u32, now: DateTime<Utc>) -> bool {
    now > from && now >= days.add_working_days(from, n)
}

/// Steps due now, in ladder order (stage, then reason). Only open tickets get steps.
///
/// Keys, with times in RFC 3339 UTC seconds (`none` when absent):
/// - `urge:{no}:response` — once per ticket;
/// - `urge:{no}:resolution:{resolution_due}` — again after an approved extension moves the due time;
/// - `supervise:{no}:{reason}:{resolution_due}` — once per reason and resolution due time;
/// - `list:{no}` — once: a listed ticket stays listed;
/// - `escalate:{no}` — once.
pub fn due_steps(
    case: &CaseSnapshot,
    settings: &LadderSettings,
    days: &dyn WorkingDays,
    now: DateTime<Utc>,
) -> Vec<Step> {
    let mut steps = Vec::new();
    if !case.status.is_open() {
        return steps;
    }
    let no = case.tracking_no;
    let awaiting = case.status == Status::Dispatched;
    let step = |stage, reason, key: String, due_at| Step { stage, reason, key, due_at };

    // 催办
    if let Some(due) = case.response_due.filter(|_| awaiting) {
        if past(now, due, settings.urge_grace_hours) {
            steps.push(step(Stage::Urge, Reason::ResponseOverdue, format!("urge:{no}:response"), None));
        }
    }
    if let Some(due) = case.resolution_due {
        if past(now, due, settings.urge_grace_hours) {
            let key = format!("urge:{no}:resolution:{}", stamp(Some(due)));
            steps.push(step(Stage::Urge, Reason::ResolutionOverdue, key, None));
        }
    }

    // 督办: measured from the earliest deadline still owed.
    let supervise_key = |reason: Reason| format!("supervise:{no}:{}:{}", reason.as_str(), stamp(case.resolution_due));
    let supervisor_due = || Some(days.add_working_days(now, settings.supervise_due_days));
    let owed = if awaiting {
        [case.response_due, case.resolution_due].into_iter().flatten().min()
    } else {
        case.resolution_due
    };
    if owed.is_some_and(|due| working_days_since(days, due, settings.supervise_after_days, now)) {
        let reason = Reason::LongOverdue;
        steps.push(step(Stage::Supervise, reason, supervise_key(reason), supervisor_due()));
    }
    if matches!(case.status, Status::Accepted | Status::InProgress) {
        let last_note = case.last_progress_at.max(case.accepted_at);
        if last_note.is_some_and(|at| working_days_since(days, at, settings.quiet_days, now)) {
            let reason = Reason::SlowProgress;
            steps.push(step(Stage::Supervise, reason, supervise_key(reason), supervisor_due()));
        }
    }

    // 挂牌督办: the first reason that applies.
    let open_long =
        now.signed_duration_since(case.created_at) >= Duration::days(i64::from(settings.list_unresolved_days));
    let list = if case.repeat_count >= settings.list_repeat_at {
        Some(Reason::Repeated)
    } else if open_long {
        Some(Reason::Unresolved)
    } else if case.reopen_count >= settings.list_reopened_at {
        Some(Reason::Reopened)
    } else {
        None
    };
    if let Some(reason) = list {
        steps.push(step(Stage::List, reason, format!("list:{no}"), None));
    }

    // 提级办理: the first reason that applies.
    let escalate = if case.departments >= settings.escalate_departments_at {
        Some(Reason::CrossDepartment)
    } else if settings.escalate_cross_area && case.areas >= 2 {
        Some(Reason::CrossArea)
    } else if settings.escalate_cross_level && case.levels >= 2 {
        Some(Reason::CrossLevel)
    } else {
        None
    };
    if let Some(reason) = escalate {
        steps.push(step(Stage::Escalate, reason, format!("escalate:{no}"), None));
    }
    steps
}

/// Of `steps`, those whose key is not in `done` (the keys the caller already recorded), each key once.
pub fn fresh(steps: Vec<Step>, done: &HashSet<String>) -> Vec<Step> {
    let mut seen = HashSet::new();
    steps.into_iter().filter(|s| !done.contains(&s.key) && seen.insert(s.key.clone())).collect()
}

/// 每日一提醒: what one department has waiting on one local day. Lists are sorted tracking numbers.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct Digest {
    pub department: String,
    pub local_date: NaiveDate,
    /// Dispatched and not yet signed for.
    pub awaiting_acceptance: Vec<String>,
    /// A deadline still owed falls later today.
    pub due_today: Vec<String>,
    /// A deadline still owed has passed.
    pub overdue: Vec<String>,
    /// Open tickets in all.
    pub open: u32,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct DigestCase<'a> {
    pub tracking_no: &'a str,
    pub status: Status,
    pub response_due: Option<DateTime<Utc>>,
    pub resolution_due: Option<DateTime<Utc>>,
}

/// The department's digest for `now`'s local date, `None` when it has nothing open.
///
/// The deadlines owed are `response_due` while the ticket awaits acceptance and `resolution_due`
/// while it is open. A ticket is overdue when one of them has passed (strictly), otherwise due
/// today when one falls on today's local date.
pub fn digest<'a>(
    department: &str,
    cases: impl IntoIterator<Item = DigestCase<'a>>,
    now: DateTime<Utc>,
    offset: FixedOffset,
) -> Option<Digest> {
    let local_date = now.with_timezone(&offset).date_naive();
    let mut d = Digest { department: department.to_owned(), local_date, ..Default::default() };
    for c in cases.into_iter().filter(|c| c.status.is_open()) {
        d.open = d.open.saturating_add(1);
        let awaiting = c.status == Status::Dispatched;
        let owed: Vec<DateTime<Utc>> =
            [c.response_due.filter(|_| awaiting), c.resolution_due].into_iter().flatten().collect();
        let no = c.tracking_no.to_owned();
        if awaiting {
            d.awaiting_acceptance.push(no.clone());
        }
        if owed.iter().any(|due| now > *due) {
            d.overdue.push(no);
        } else if owed.iter().any(|due| due.with_timezone(&offset).date_naive() == local_date) {
            d.due_today.push(no);
        }
    }
    if d.open == 0 {
        return None;
    }
    for list in [&mut d.awaiting_acceptance, &mut d.due_today, &mut d.overdue] {
        list.sort();
        list.dedup();
    }
    Some(d)
}

/// The idempotency key of a department's digest for one local day.
pub fn digest_key(department: &str, local_date: NaiveDate) -> String {
    format!("digest:{department}:{local_date}")
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Datelike, TimeZone, Weekday};
    use proptest::prelude::*;

    fn cst() -> FixedOffset {
        FixedOffset::east_opt(8 * 3600).unwrap()
    }

    /// Local (UTC+8) wall time.
    fn at(y: i32, m: u32, d: u32, h: u32) -> DateTime<Utc> {
        cst().with_ymd_and_hms(y, m, d, h, 0, 0).unwrap().with_timezone(&Utc)
    }

    /// Plain Monday to Friday in UTC+8.
    struct Weekdays;

    impl WorkingDays for Weekdays {
        fn add_working_days(&self, from: DateTime<Utc>, n: u32) -> DateTime<Utc> {
            let mut t = from.with_timezone(&cst());
            let mut left = n;
            while left > 0 {
                t += Duration::days(1);
                if t.weekday().number_from_monday() <= 5 {
                    left -= 1;
                }
            }
            t.with_timezone(&Utc)
        }
    }

    fn case(no: &str, status: Status, created_at: DateTime<Utc>) -> CaseSnapshot<'_> {
        CaseSnapshot {
            tracking_no: no,
            status,
            created_at,
            accepted_at: None,
            last_progress_at: None,
            response_due: None,
            resolution_due: None,
            repeat_count: 0,
            reopen_count: 0,
            departments: 1,
            areas: 1,
            levels: 1,
        }
    }

    fn keys(steps: &[Step]) -> Vec<&str> {
        steps.iter().map(|s| s.key.as_str()).collect()
    }

    #[test]
    fn the_test_calendar_skips_weekends() {
        assert_eq!(at(2026, 5, 8, 17).with_timezone(&cst()).weekday(), Weekday::Fri);
        assert_eq!(Weekdays.add_working_days(at(2026, 5, 8, 17), 1), at(2026, 5, 11, 17));
        assert_eq!(Weekdays.add_working_days(at(2026, 5, 8, 17), 3), at(2026, 5, 13, 17));
        assert_eq!(Weekdays.add_working_days(at(2026, 5, 9, 10), 0), at(2026, 5, 9, 10));
    }

    #[test]
    fn one_ticket_walks_up_the_ladder_on_a_simulated_clock() {
        let s = LadderSettings::default();
        let created = at(2026, 5, 4, 9); // Monday
        let response_due = at(2026, 5, 5, 9);
        let resolution_due = at(2026, 5, 8, 17); // Friday
        let mut c = case("A1", Status::Dispatched, created);
        c.response_due = Some(response_due);
        c.resolution_due = Some(resolution_due);

        // Not before the response deadline, and not at it: due means due.
        let mut t = created;
        while t <= response_due {
            assert!(due_steps(&c, &s, &Weekdays, t).is_empty(), "{t}");
            t += Duration::hours(1);
        }

        let mut done = HashSet::new();
        let mut log: Vec<(DateTime<Utc>, Step)> = Vec::new();
        let mut t = created;
        while t <= at(2026, 5, 16, 9) {
            // The department signs for it late, writes a note on Friday, then goes quiet.
            if t == at(2026, 5, 5, 12) {
                c.status = Status::Accepted;
                c.accepted_at = Some(t);
            }
            if t == at(2026, 5, 8, 15) {
                c.status = Status::InProgress;
                c.last_progress_at = Some(t);
            }
            for step in fresh(due_steps(&c, &s, &Weekdays, t), &done) {
                done.insert(step.key.clone());
                log.push((t, step));
            }
            t += Duration::hours(1);
        }
        let expected = vec![
            (at(2026, 5, 5, 10), Stage::Urge, Reason::ResponseOverdue, "urge:A1:response", None),
            (
                at(2026, 5, 8, 18),
                Stage::Urge,
                Reason::ResolutionOverdue,
                "urge:A1:resolution:2026-05-08T09:00:00Z",
                None,
            ),
            // Three working days overdue, across the weekend: Mon, Tue, Wed.
            (
                at(2026, 5, 13, 17),
                Stage::Supervise,
                Reason::LongOverdue,
                "supervise:A1:long_overdue:2026-05-08T09:00:00Z",
                Some(at(2026, 5, 18, 17)),
            ),
            // Five working days since Friday's note.
            (
                at(2026, 5, 15, 15),
                Stage::Supervise,
                Reason::SlowProgress,
                "supervise:A1:slow_progress:2026-05-08T09:00:00Z",
                Some(at(2026, 5, 20, 15)),
            ),
        ];
        let got: Vec<_> = log.iter().map(|(t, s)| (*t, s.stage, s.reason, s.key.as_str(), s.due_at)).collect();
        assert_eq!(got, expected);

        // Everything still due is already done; a reply ends the ladder.
        assert!(fresh(due_steps(&c, &s, &Weekdays, at(2026, 5, 16, 9)), &done).is_empty());
        assert_eq!(due_steps(&c, &s, &Weekdays, at(2026, 5, 16, 9)).len(), 3);
        c.status = Status::Replied;
        assert!(due_steps(&c, &s, &Weekdays, at(2026, 5, 20, 9)).is_empty());
    }

    #[test]
    fn grace_delays_the_urge() {
        let s = LadderSettings { urge_grace_hours: 2, ..Default::default() };
        let mut c = case("G", Status::Dispatched, at(2026, 5, 4, 9));
        c.response_due = Some(at(2026, 5, 5, 9));
        assert!(due_steps(&c, &s, &Weekdays, at(2026, 5, 5, 11)).is_empty());
        let later = at(2026, 5, 5, 11) + Duration::seconds(1);
        assert_eq!(keys(&due_steps(&c, &s, &Weekdays, later)), vec!["urge:G:response"]);
    }

    #[test]
    fn not_accepted_is_supervised_from_the_response_deadline() {
        let s = LadderSettings::default();
        let mut c = case("N", Status::Dispatched, at(2026, 5, 4, 9));
        c.response_due = Some(at(2026, 5, 5, 9));
        c.resolution_due = Some(at(2026, 5, 15, 17));
        let steps = due_steps(&c, &s, &Weekdays, at(2026, 5, 8, 9));
        assert_eq!(keys(&steps), vec!["urge:N:response", "supervise:N:long_overdue:2026-05-15T09:00:00Z"]);
        assert_eq!(steps[1].due_at, Some(at(2026, 5, 13, 9)));
        assert!(due_steps(&c, &s, &Weekdays, at(2026, 5, 8, 8)).len() == 1);
    }

    #[test]
    fn listing_takes_the_first_reason_and_happens_once() {
        let s = LadderSettings::default();
        let created = at(2026, 3, 2, 9);
        let now = at(2026, 3, 3, 9);
        let mut c = case("L", Status::Reopened, created);
        c.reopen_count = 1;
        assert!(due_steps(&c, &s, &Weekdays, now).is_empty());
        c.reopen_count = 2;
        let steps = due_steps(&c, &s, &Weekdays, now);
        assert_eq!(
            steps,
            vec![Step { stage: Stage::List, reason: Reason::Reopened, key: "list:L".into(), due_at: None }]
        );
        c.repeat_count = 5;
        assert_eq!(due_steps(&c, &s, &Weekdays, now)[0].reason, Reason::Repeated);

        // Sixty calendar days open, to the second.
        let mut c = case("U", Status::InProgress, created);
        c.last_progress_at = Some(created + Duration::days(59));
        let sixty = created + Duration::days(60);
        assert!(due_steps(&c, &s, &Weekdays, sixty - Duration::seconds(1)).is_empty());
        let steps = due_steps(&c, &s, &Weekdays, sixty);
        assert_eq!((steps[0].reason, keys(&steps)), (Reason::Unresolved, vec!["list:U"]));

        let mut done = HashSet::new();
        done.insert("list:L".to_owned());
        let mut c = case("L", Status::Reopened, created);
        c.reopen_count = 3;
        assert!(fresh(due_steps(&c, &s, &Weekdays, now), &done).is_empty(), "it stays listed");
    }

    #[test]
    fn cross_department_area_and_level_escalate() {
        let s = LadderSettings::default();
        let now = at(2026, 5, 4, 10);
        let mut c = case("E", Status::InProgress, at(2026, 5, 4, 9));
        c.departments = 2;
        assert!(due_steps(&c, &s, &Weekdays, now).is_empty());
        c.departments = 3;
        assert_eq!(
            due_steps(&c, &s, &Weekdays, now),
            vec![Step {
                stage: Stage::Escalate,
                reason: Reason::CrossDepartment,
                key: "escalate:E".into(),
                due_at: None
            }]
        );
        c.departments = 2;
        c.areas = 2;
        c.levels = 2;
        assert_eq!(due_steps(&c, &s, &Weekdays, now)[0].reason, Reason::CrossArea);
        let no_area = LadderSettings { escalate_cross_area: false, ..Default::default() };
        assert_eq!(due_steps(&c, &no_area, &Weekdays, now)[0].reason, Reason::CrossLevel);
        let neither = LadderSettings { escalate_cross_level: false, ..no_area };
        assert!(due_steps(&c, &neither, &Weekdays, now).is_empty());
    }

    #[test]
    fn steps_come_in_ladder_order() {
        let s = LadderSettings::default();
        let mut c = case("O", Status::Dispatched, at(2026, 1, 5, 9));
        c.response_due = Some(at(2026, 1, 6, 9));
        c.resolution_due = Some(at(2026, 1, 16, 17));
        c.reopen_count = 2;
        c.departments = 4;
        let steps = due_steps(&c, &s, &Weekdays, at(2026, 5, 4, 9));
        let order: Vec<(Stage, Reason)> = steps.iter().map(|s| (s.stage, s.reason)).collect();
        assert_eq!(
            order,
            vec![
                (Stage::Urge, Reason::ResponseOverdue),
                (Stage::Urge, Reason::ResolutionOverdue),
                (Stage::Supervise, Reason::LongOverdue),
                (Stage::List, Reason::Unresolved),
                (Stage::Escalate, Reason::CrossDepartment),
            ]
        );
        let mut sorted = order.clone();
        sorted.sort();
        assert_eq!(order, sorted);
    }

    #[test]
    fn finished_tickets_never_get_steps() {
        let s = LadderSettings::default();
        let created = at(2025, 1, 6, 9);
        for status in Status::ALL.into_iter().filter(|s| !s.is_open()) {
            let c = CaseSnapshot {
                accepted_at: Some(created),
                last_progress_at: Some(created),
                response_due: Some(created),
                resolution_due: Some(created),
                repeat_count: 99,
                reopen_count: 99,
                departments: 9,
                areas: 9,
                levels: 9,
                ..case("F", status, created)
            };
            assert!(due_steps(&c, &s, &Weekdays, at(2026, 5, 4, 9)).is_empty(), "{status:?}");
        }
        for status in [Status::Closed, Status::Replied, Status::Merged] {
            assert!(!status.is_open());
        }
    }

    #[test]
    fn an_extension_urges_again_under_a_new_key() {
        let s = LadderSettings::default();
        let mut c = case("X", Status::InProgress, at(2026, 5, 4, 9));
        c.last_progress_at = Some(at(2026, 5, 6, 9));
        c.resolution_due = Some(at(2026, 5, 6, 17));
        let mut done = HashSet::new();
        let first = fresh(due_steps(&c, &s, &Weekdays, at(2026, 5, 6, 18)), &done);
        assert_eq!(keys(&first), vec!["urge:X:resolution:2026-05-06T09:00:00Z"]);
        done.extend(first.into_iter().map(|s| s.key));

        c.resolution_due = Some(at(2026, 5, 8, 17)); // approved extension
        assert!(due_steps(&c, &s, &Weekdays, at(2026, 5, 7, 9)).is_empty());
        let again = fresh(due_steps(&c, &s, &Weekdays, at(2026, 5, 8, 18)), &done);
        assert_eq!(keys(&again), vec!["urge:X:resolution:2026-05-08T09:00:00Z"]);
    }

    #[test]
    fn fresh_drops_done_keys_and_repeats() {
        let step =
            |key: &str| Step { stage: Stage::Urge, reason: Reason::ResponseOverdue, key: key.into(), due_at: None };
        let done: HashSet<String> = ["a".to_owned()].into();
        let out = fresh(vec![step("a"), step("b"), step("b"), step("c")], &done);
        assert_eq!(keys(&out), vec!["b", "c"]);
    }

    #[test]
    fn a_closure_is_a_calendar() {
        let every_day = |from: DateTime<Utc>, n: u32| from + Duration::days(i64::from(n));
        let mut c = case("C", Status::InProgress, at(2026, 5, 8, 9));
        c.resolution_due = Some(at(2026, 5, 8, 17));
        c.last_progress_at = Some(at(2026, 5, 8, 10));
        let s = LadderSettings::default();
        let steps = due_steps(&c, &s, &every_day, at(2026, 5, 11, 17));
        assert_eq!(steps[1].reason, Reason::LongOverdue, "a Saturday counts in this calendar");
        assert_eq!(steps[1].due_at, Some(at(2026, 5, 14, 17)));
    }

    #[test]
    fn wire_names_are_snake_case() {
        for s in Stage::ALL {
            assert_eq!(serde_json::to_value(s).unwrap(), s.as_str());
        }
        for r in Reason::ALL {
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        let step = Step { stage: Stage::List, reason: Reason::Repeated, key: "list:A".into(), due_at: None };
        let json = serde_json::to_value(&step).unwrap();
        assert_eq!(json, serde_json::json!({"stage": "list", "reason": "repeated", "key": "list:A"}));
        assert_eq!(serde_json::from_value::<Step>(json).unwrap(), step);
    }

    #[test]
    fn settings_keep_defaults_and_name_bad_fields() {
        assert_eq!(LadderSettings::parse(&LadderSettingsInput::default()).unwrap(), LadderSettings::default());
        let input = LadderSettingsInput {
            supervise_after_days: Some(0),
            supervise_due_days: Some(31),
            quiet_days: Some(61),
            list_repeat_at: Some(1),
            list_unresolved_days: Some(366),
            list_reopened_at: Some(0),
            escalate_departments_at: Some(21),
            urge_grace_hours: Some(169),
            ..Default::default()
        };
        let e = LadderSettings::parse(&input).unwrap_err();
        let limits: Vec<(&str, Option<u32>)> = e.0.iter().map(|(f, e)| (f.as_str(), e.limit)).collect();
        assert_eq!(
            limits,
            vec![
                ("escalate_departments_at", Some(20)),
                ("list_reopened_at", Some(1)),
                ("list_repeat_at", Some(2)),
                ("list_unresolved_days", Some(365)),
                ("quiet_days", Some(60)),
                ("supervise_after_days", Some(1)),
                ("supervise_due_days", Some(30)),
                ("urge_grace_hours", Some(168)),
            ]
        );
        assert!(e.0.values().all(|e| e.code == FieldErrorCode::OutOfRange));
        let e = LadderSettings::parse(&LadderSettingsInput { supervise_after_days: Some(61), ..Default::default() });
        assert!(e.unwrap_err().get("supervise_after_days").unwrap().message.contains("between 1 and 60"));

        let ok = LadderSettingsInput {
            supervise_after_days: Some(60),
            urge_grace_hours: Some(0),
            escalate_cross_area: Some(false),
            ..Default::default()
        };
        let s = LadderSettings::parse(&ok).unwrap();
        assert_eq!((s.supervise_after_days, s.escalate_cross_area, s.quiet_days), (60, false, 5));
        let unknown = serde_json::from_str::<LadderSettingsInput>(r#"{"quiet_dayz": 3}"#);
        assert!(unknown.is_err());
    }

    fn dcase(
        no: &str,
        status: Status,
        response_due: Option<DateTime<Utc>>,
        resolution_due: Option<DateTime<Utc>>,
    ) -> DigestCase<'_> {
        DigestCase { tracking_no: no, status, response_due, resolution_due }
    }

    #[test]
    fn the_digest_sorts_tickets_by_what_is_owed_today() {
        // 23:30 local on Wednesday 6 May, which is still 15:30 UTC.
        let now = cst().with_ymd_and_hms(2026, 5, 6, 23, 30, 0).unwrap().with_timezone(&Utc);
        let later_today = cst().with_ymd_and_hms(2026, 5, 6, 23, 59, 0).unwrap().with_timezone(&Utc);
        // Same UTC date as now, but tomorrow locally.
        let just_after_midnight = cst().with_ymd_and_hms(2026, 5, 7, 0, 30, 0).unwrap().with_timezone(&Utc);
        let cases = vec![
            dcase("D5", Status::Dispatched, Some(just_after_midnight), Some(at(2026, 5, 12, 17))),
            dcase("D1", Status::Dispatched, Some(at(2026, 5, 6, 9)), Some(at(2026, 5, 12, 17))),
            dcase("D2", Status::Accepted, Some(at(2026, 5, 5, 9)), Some(later_today)),
            dcase("D3", Status::InProgress, None, Some(just_after_midnight)),
            dcase("D4", Status::Closed, None, Some(at(2026, 5, 1, 9))),
            dcase("D6", Status::Reopened, None, Some(at(2026, 5, 6, 9))),
            dcase("D7", Status::InProgress, None, Some(now)),
        ];
        let d = digest("city.housing", cases, now, cst()).unwrap();
        assert_eq!(
            d,
            Digest {
                department: "city.housing".into(),
                local_date: NaiveDate::from_ymd_opt(2026, 5, 6).unwrap(),
                awaiting_acceptance: vec!["D1".into(), "D5".into()],
                due_today: vec!["D2".into(), "D7".into()],
                overdue: vec!["D1".into(), "D6".into()],
                open: 6,
            }
        );
        assert_eq!(digest_key(&d.department, d.local_date), "digest:city.housing:2026-05-06");
    }

    #[test]
    fn no_digest_without_open_tickets() {
        let now = at(2026, 5, 6, 9);
        assert_eq!(digest("city.housing", Vec::new(), now, cst()), None);
        let finished = [Status::Closed, Status::Replied, Status::Merged, Status::RejectedUnreasonable]
            .map(|s| dcase("Z", s, Some(at(2026, 5, 1, 9)), Some(at(2026, 5, 1, 9))));
        assert_eq!(digest("city.housing", finished, now, cst()), None);
        let quiet = digest("city.housing", [dcase("Q", Status::InProgress, None, None)], now, cst()).unwrap();
        assert_eq!((quiet.open, quiet.due_today.len(), quiet.overdue.len()), (1, 0, 0));
    }

    const OPEN: [Status; 5] =
        [Status::Submitted, Status::Dispatched, Status::Accepted, Status::InProgress, Status::Reopened];

    proptest! {
        /// However often and however irregularly the job runs, with the ticket moving and its
        /// deadline extended meanwhile, each key is acted on once, and whatever is due at the end
        /// has been acted on.
        #[test]
        fn every_key_is_acted_on_once(
            gaps in proptest::collection::vec(0i64..6_000, 1..80),
            statuses in proptest::collection::vec(0usize..OPEN.len(), 1..80),
            response_h in 0i64..72,
            resolution_h in 0i64..400,
            extend_at in 0usize..80,
            extend_h in 1i64..200,
            progress_every in 1usize..30,
            counts in (0u32..7, 0u32..4, 1u32..5, 1u32..3, 1u32..3),
        ) {
            let s = LadderSettings::default();
            let created = at(2026, 5, 4, 9);
            let mut c = case("P", Status::Dispatched, created);
            c.response_due = Some(created + Duration::hours(response_h));
            c.resolution_due = Some(created + Duration::hours(resolution_h));
            (c.repeat_count, c.reopen_count, c.departments, c.areas, c.levels) = counts;
            let mut done = HashSet::new();
            let mut emitted: Vec<String> = Vec::new();
            let mut now = created;
            for (i, gap) in gaps.iter().enumerate() {
                now += Duration::minutes(*gap);
                c.status = OPEN[statuses[i % statuses.len()]];
                if c.status != Status::Dispatched && c.accepted_at.is_none() {
                    c.accepted_at = Some(now);
                }
                if i % progress_every == 0 {
                    c.last_progress_at = Some(now);
                }
                if i == extend_at {
                    c.resolution_due = c.resolution_due.map(|d| d + Duration::hours(extend_h));
                }
                for step in fresh(due_steps(&c, &s, &Weekdays, now), &done) {
                    prop_assert!(done.insert(step.key.clone()), "{} twice", step.key);
                    emitted.push(step.key);
                }
                // Running again at the same moment does nothing.
                prop_assert!(fresh(due_steps(&c, &s, &Weekdays, now), &done).is_empty());
            }
            let unique: HashSet<&String> = emitted.iter().collect();
            prop_assert_eq!(unique.len(), emitted.len());
            for step in due_steps(&c, &s, &Weekdays, now) {
                prop_assert!(done.contains(&step.key));
            }
        }
    }
}
