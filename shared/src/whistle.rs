//! Street whistle, departments report (街乡吹哨、部门报到).
//!
//! A street or township office can see a problem but often lacks the power to fix it; it
//! "blows the whistle" and summons the departments that have that power onto the ticket.
//! Each summoned department must report within a deadline, and a late or missing report is
//! what supervisors chase, so the deadline is fixed when the whistle is blown.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::text;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};

/// More would be a broadcast, not a summons.
pub const MAX_DEPARTMENTS: usize = 20;
pub const DEFAULT_HOURS: u32 = 24;

/// A checked list of department codes under `field`: at least one, none twice, all known.
/// `except` (the summoner itself, say) may not be on it.
pub(crate) fn department_list(
    errors: &mut FieldErrors,
    field: &str,
    raw: Option<&[String]>,
    except: Option<&str>,
    department_exists: &dyn Fn(&str) -> bool,
) -> Vec<String> {
    let raw = raw.unwrap_or_default();
    if raw.is_empty() {
        errors.add(field, FieldErrorCode::Required, "name at least one department");
    } else if raw.len() > MAX_DEPARTMENTS {
        errors.add_with_limit(
            field,
            FieldErrorCode::TooLong,
            format!("at most {MAX_DEPARTMENTS} departments"),
            u32::try_from(MAX_DEPARTMENTS).ok(),
        );
    }
    let mut list: Vec<String> = Vec::with_capacity(raw.len());
    for (i, d) in raw.iter().enumerate() {
        let at = format!("{field}[{i}]");
        let d = d.trim();
        if d.is_empty() {
            errors.add(&at, FieldErrorCode::Required, "department is required");
        } else if list.iter().any(|x| x == d) {
            errors.add(&at, FieldErrorCode::Taken, format!("{d} is named twice"));
        } else if Some(d) == except {
            errors.add(&at, FieldErrorCode::OutOfRange, format!("{d} cannot be named here"));
        } else if !department_exists(d) {
            errors.add(&at, FieldErrorCode::UnknownValue, format!("no department {d}"));
        } else {
            list.push(d.to_owned());
        }
    }
    list
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct WhistleInput {
    #[serde(default)]
    pub departments: Option<Vec<String>>,
    /// Hours each department has to report; default 24.
    #[serde(default)]
    pub hours: Option<u32>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Whistle {
    pub departments: Vec<String>,
    pub hours: u32,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Whistle {
    /// `summoner` is the street office blowing the whistle; it cannot summon itself.
    pub fn parse(
        input: &WhistleInput,
        summoner: &str,
        department_exists: &dyn Fn(&str) -> bool,
    ) -> Result<Whistle, FieldErrors> {
        let mut errors = FieldErrors::new();
        let departments = department_list(
            &mut errors,
            "departments",
            input.departments.as_deref(),
            Some(summoner),
            department_exists,
        );
        let hours = input.hours.unwrap_or(DEFAULT_HOURS);
        if !(1..=72).contains(&hours) {
            let limit = if hours < 1 { 1 } else { 72 };
            errors.add_with_limit("hours", FieldErrorCode::OutOfRange, "hours must be between 1 and 72", Some(limit));
        }
        let note = text::optional(&mut errors, "note", input.note.as_deref(), 500);
        errors.finish(|| Whistle { departments, hours, note })
    }

    /// One summons per department, all due `hours` after `at`.
    pub fn summonses(&self, at: DateTime<Utc>) -> Vec<Summons> {
        let due_at = at.checked_add_signed(Duration::hours(i64::from(self.hours))).unwrap_or(DateTime::<Utc>::MAX_UTC);
        self.departments
            .iter()
            .map(|d| Summons { department: d.clone(), summoned_at: at, due_at, reported_at: None })
            .collect()
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Summons {
    pub department: String,
    pub summoned_at: DateTime<Utc>,
    pub due_at: DateTime<Utc>,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub reported_at: Option<DateTime<Utc>>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum SummonsStatus {
    Pending,
    Reported,
    ReportedLate,
    Overdue,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ReportRefusal {
    /// The first report stands; a second would move its time.
    AlreadyReported,
}

impl Summons {
    /// Due means due: reporting at `due_at` exactly is on time.
    pub fn status(&self, now: DateTime<Utc>) -> SummonsStatus {
        match self.reported_at {
            Some(r) if r <= self.due_at => SummonsStatus::Reported,
            Some(_) => SummonsStatus::ReportedLate,
            None if now > self.due_at => SummonsStatus::Overdue,
            None => SummonsStatus::Pending,
        }
    }

    pub fn report(&mut self, at: DateTime<Utc>) -> Result<(), ReportRefusal> {
        if self.reported_at.is_some() {
            return Err(ReportRefusal::AlreadyReported);
        }
        self.reported_at = Some(at);
        Ok(())
    }
}

/// Summonses still unreported after their deadline, longest overdue first.
pub fn overdue(summonses: &[Summons], now: DateTime<Utc>) -> Vec<&Summons> {
    let mut late: Vec<&Summons> = summonses.iter().filter(|s| s.status(now) == SummonsStatus::Overdue).collect();
    late.sort_by(|a, b| a.due_at.cmp(&b.due_at).then_with(|| a.department.cmp(&b.department)));
    late
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
    }

    fn exists(d: &str) -> bool {
        ["city.ecology", "city.urban-management", "a3.dongtang", "city.housing"].contains(&d)
    }

    fn input(departments: &[&str], hours: Option<u32>) -> WhistleInput {
        WhistleInput { departments: Some(departments.iter().map(|d| (*d).to_owned()).collect()), hours, note: None }
    }

    #[test]
    fn a_whistle_names_known_departments_once() {
        let w = Whistle::parse(&input(&["city.ecology", " city.housing "], None), "a3.dongtang", &exists).unwrap();
        assert_eq!(w.departments, vec!["city.ecology", "city.housing"]);
        assert_eq!(w.hours, 24);
        let bad = input(&["city.ecology", "mars", "city.ecology", "a3.dongtang", ""], Some(24));
        let e = Whistle::parse(&bad, "a3.dongtang", &exists).unwrap_err();
        assert!(e.get("departments[0]").is_none());
        assert_eq!(e.get("departments[1]").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
        assert_eq!(e.get("departments[2]").map(|e| e.code), Some(FieldErrorCode::Taken));
        assert_eq!(e.get("departments[3]").map(|e| e.code), Some(FieldErrorCode::OutOfRange), "not itself");
        assert_eq!(e.get("departments[4]").map(|e| e.code), Some(FieldErrorCode::Required));
        let e = Whistle::parse(&WhistleInput::default(), "a3.dongtang", &exists).unwrap_err();
        assert_eq!(e.get("departments").map(|e| e.code), Some(FieldErrorCode::Required));
        let many: Vec<String> = (0..=MAX_DEPARTMENTS).map(|i| format!("d{i}")).collect();
        let e = Whistle::parse(&WhistleInput { departments: Some(many), ..Default::default() }, "x", &|_| true);
        assert_eq!(e.unwrap_err().get("departments").map(|e| e.code), Some(FieldErrorCode::TooLong));
    }

    #[test]
    fn hours_and_note_are_bounded() {
        for (hours, ok) in [(0, false), (1, true), (72, true), (73, false)] {
            let r = Whistle::parse(&input(&["city.ecology"], Some(hours)), "a3.dongtang", &exists);
            assert_eq!(r.is_ok(), ok, "{hours}");
        }
        let e = Whistle::parse(&input(&["city.ecology"], Some(73)), "a3.dongtang", &exists).unwrap_err();
        assert_eq!(e.get("hours").and_then(|e| e.limit), Some(72));
        let long = WhistleInput { note: Some("字".repeat(501)), ..input(&["city.ecology"], None) };
        let e = Whistle::parse(&long, "a3.dongtang", &exists).unwrap_err();
        assert_eq!(e.get("note").map(|e| e.code), Some(FieldErrorCode::TooLong));
    }

    #[test]
    fn status_follows_the_deadline_exactly() {
        let w = Whistle::parse(&input(&["city.ecology", "city.housing"], Some(24)), "a3.dongtang", &exists).unwrap();
        let mut s = w.summonses(t0());
        assert_eq!(s.len(), 2);
        let due = t0() + Duration::hours(24);
        assert_eq!(s[0].due_at, due);
        assert_eq!(s[0].status(due), SummonsStatus::Pending);
        assert_eq!(s[0].status(due + Duration::seconds(1)), SummonsStatus::Overdue);
        s[0].report(due).unwrap();
        assert_eq!(s[0].status(due + Duration::days(9)), SummonsStatus::Reported);
        assert_eq!(s[0].report(due), Err(ReportRefusal::AlreadyReported));
        s[1].report(due + Duration::seconds(1)).unwrap();
        assert_eq!(s[1].status(due), SummonsStatus::ReportedLate);
        assert_eq!(serde_json::to_value(SummonsStatus::ReportedLate).unwrap(), "reported_late");
    }

    #[test]
    fn supervisors_see_the_longest_overdue_first() {
        let w = Whistle { departments: vec!["b".into(), "a".into()], hours: 1, note: None };
        let mut all = w.summonses(t0() + Duration::hours(5));
        all.extend(w.summonses(t0()));
        all[3].reported_at = Some(t0());
        let now = t0() + Duration::hours(6);
        let late: Vec<(&str, DateTime<Utc>)> =
            overdue(&all, now).iter().map(|s| (s.department.as_str(), s.summoned_at)).collect();
        assert_eq!(late, vec![("b", t0())], "reported and not-yet-due are left out");
        let later = t0() + Duration::hours(7);
        let names: Vec<&str> = overdue(&all, later).iter().map(|s| s.department.as_str()).collect();
        assert_eq!(names, vec!["b", "a", "b"]);
    }
}
