//! First-contact responsibility (首接负责) and disputes (异议).
//!
//! The department a ticket is dispatched to owns it until someone decides otherwise: it may
//! dispute the dispatch once, within a short window, and keeps working meanwhile. A late or
//! repeated dispute would let a ticket bounce between departments while the citizen waits,
//! which is what the re-dispatch counts make visible. Who decides is the Worker's policy.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::text;
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DisputeSettings {
    /// Hours after dispatch during which the lead may dispute it.
    pub window_hours: u32,
}

impl Default for DisputeSettings {
    fn default() -> Self {
        Self { window_hours: 24 }
    }
}

impl DisputeSettings {
    /// The last moment a dispute is accepted.
    pub fn deadline(&self, dispatched_at: DateTime<Utc>) -> DateTime<Utc> {
        // Stored settings are not re-checked; an absurd window means "never closes", not a panic.
        dispatched_at
            .checked_add_signed(Duration::hours(i64::from(self.window_hours)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum DisputeRefusal {
    WindowClosed,
    /// Only the current lead owns the ticket, so only it may dispute.
    NotLead,
    AlreadyOpen,
}

impl DisputeRefusal {
    pub fn as_str(self) -> &'static str {
        match self {
            DisputeRefusal::WindowClosed => "window_closed",
            DisputeRefusal::NotLead => "not_lead",
            DisputeRefusal::AlreadyOpen => "already_open",
        }
    }
}

/// Whether a department may dispute now; the window is inclusive of its last second.
pub fn may_file(
    dispatched_at: DateTime<Utc>,
    now: DateTime<Utc>,
    settings: &DisputeSettings,
    department_is_current_lead: bool,
    already_open: bool,
) -> Result<(), DisputeRefusal> {
    if !department_is_current_lead {
        return Err(DisputeRefusal::NotLead);
    }
    if already_open {
        return Err(DisputeRefusal::AlreadyOpen);
    }
    if now > settings.deadline(dispatched_at) {
        return Err(DisputeRefusal::WindowClosed);
    }
    Ok(())
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DisputeInput {
    #[serde(default)]
    pub reason: Option<String>,
}

/// A checked dispute: why the department believes the ticket is not its own.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Dispute {
    pub reason: String,
}

impl Dispute {
    pub fn parse(input: &DisputeInput) -> Result<Dispute, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason = text::bounded(&mut errors, "reason", input.reason.as_deref(), 5, 500);
        match reason {
            Some(reason) if errors.is_empty() => Ok(Dispute { reason }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct DecisionInput {
    /// `uphold` or `reject`.
    #[serde(default)]
    pub decision: Option<String>,
    #[serde(default)]
    pub new_lead: Option<String>,
    #[serde(default)]
    pub co_handlers: Option<Vec<String>>,
    #[serde(default)]
    pub reason: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "decision", rename_all = "snake_case")]
pub enum Decision {
    /// The dispute is right: the ticket moves to `new_lead`.
    Uphold { new_lead: String, co_handlers: Vec<String> },
    /// The department keeps the ticket, and is told why.
    Reject { reason: String },
}

impl Decision {
    /// `disputing` is the lead that filed the dispute; upholding cannot hand the ticket back to it.
    pub fn parse(
        input: &DecisionInput,
        disputing: &str,
        department_exists: &dyn Fn(&str) -> bool,
    ) -> Result<Decision, FieldErrors> {
        let mut errors = FieldErrors::new();
        let decision = match input.decision.as_deref().map(str::trim) {
            None | Some("") => {
                errors.add("decision", FieldErrorCode::Required, "decision is required");
                return Err(errors);
            }
            Some(d) => d,
        };
        match decision {
            "uphold" => {
                let lead = input.new_lead.as_deref().map(str::trim).filter(|l| !l.is_empty());
                match lead {
                    None => errors.add("new_lead", FieldErrorCode::Required, "upholding needs a new lead"),
                    Some(l) if l == disputing => errors.add(
                        "new_lead",
                        FieldErrorCode::OutOfRange,
                        "the new lead must differ from the disputing department",
                    ),
                    Some(l) if !department_exists(l) => {
                        errors.add("new_lead", FieldErrorCode::UnknownValue, format!("no department {l}"))
                    }
                    Some(_) => {}
                }
                let mut co_handlers: Vec<String> = Vec::new();
                for (i, c) in input.co_handlers.iter().flatten().enumerate() {
                    let c = c.trim();
                    if !department_exists(c) {
                        errors.add(
                            &format!("co_handlers[{i}]"),
                            FieldErrorCode::UnknownValue,
                            format!("no department {c}"),
                        );
                    } else if Some(c) != lead && !co_handlers.iter().any(|x| x == c) {
                        co_handlers.push(c.to_owned());
                    }
                }
                match lead {
                    Some(l) if errors.is_empty() => Ok(Decision::Uphold { new_lead: l.to_owned(), co_handlers }),
                    _ => Err(errors),
                }
            }
            "reject" => {
                let reason = text::bounded(&mut errors, "reason", input.reason.as_deref(), 5, 500);
                match reason {
                    Some(reason) if errors.is_empty() => Ok(Decision::Reject { reason }),
                    _ => Err(errors),
                }
            }
            other => {
                errors.add("decision", FieldErrorCode::UnknownValue, format!("{other}: decide uphold or reject"));
                Err(errors)
            }
        }
    }
}

/// One change of a ticket's lead department, from the ticket's history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct LeadChange {
    pub ticket_id: String,
    /// `None` for the first dispatch.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub from: Option<String>,
    pub to: String,
    pub at: DateTime<Utc>,
}

/// How often tickets moved after their first dispatch: per ticket (the citizen's wait) and
/// per department that handed one on (where disputes or misrouting cluster).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct RedispatchCounts {
    pub per_ticket: BTreeMap<String, u32>,
    pub per_department: BTreeMap<String, u32>,
}

impl RedispatchCounts {
    pub fn from_events(events: &[LeadChange]) -> Self {
        let mut counts = Self::default();
        for e in events {
            // A first dispatch, or a change of co-handlers only, is not a re-dispatch.
            let Some(from) = e.from.as_ref().filter(|f| **f != e.to) else {
                continue;
            };
            *counts.per_ticket.entry(e.ticket_id.clone()).or_insert(0) += 1;
            *counts.per_department.entry(from.clone()).or_insert(0) += 1;
        }
        counts
    }

    pub fn ticket(&self, ticket_id: &str) -> u32 {
        self.per_ticket.get(ticket_id).copied().unwrap_or(0)
    }

    pub fn department(&self, code: &str) -> u32 {
        self.per_department.get(code).copied().unwrap_or(0)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn t0() -> DateTime<Utc> {
        Utc.with_ymd_and_hms(2026, 5, 1, 9, 0, 0).unwrap()
    }

    #[test]
    fn the_window_includes_its_last_second() {
        let s = DisputeSettings::default();
        let at_limit = t0() + Duration::hours(24);
        assert_eq!(may_file(t0(), at_limit, &s, true, false), Ok(()));
        assert_eq!(may_file(t0(), at_limit + Duration::seconds(1), &s, true, false), Err(DisputeRefusal::WindowClosed));
        assert_eq!(may_file(t0(), t0() - Duration::minutes(1), &s, true, false), Ok(()), "clock skew is forgiven");
        assert_eq!(s.deadline(t0()), at_limit);
    }

    #[test]
    fn only_the_lead_files_and_only_once() {
        let s = DisputeSettings::default();
        assert_eq!(may_file(t0(), t0(), &s, false, false), Err(DisputeRefusal::NotLead));
        assert_eq!(may_file(t0(), t0(), &s, true, true), Err(DisputeRefusal::AlreadyOpen));
        let late = t0() + Duration::days(3);
        assert_eq!(may_file(t0(), late, &s, false, true), Err(DisputeRefusal::NotLead), "who before when");
        assert_eq!(serde_json::to_value(DisputeRefusal::WindowClosed).unwrap(), "window_closed");
    }

    #[test]
    fn a_dispute_needs_a_reason() {
        let ok = Dispute::parse(&DisputeInput { reason: Some("  不属于本部门职责  ".into()) }).unwrap();
        assert_eq!(ok.reason, "不属于本部门职责");
        let e = Dispute::parse(&DisputeInput { reason: Some("不归我".into()) }).unwrap_err();
        assert_eq!(e.get("reason").map(|e| (e.code, e.limit)), Some((FieldErrorCode::TooShort, Some(5))));
        let e = Dispute::parse(&DisputeInput { reason: Some("字".repeat(501)) }).unwrap_err();
        assert_eq!(e.get("reason").map(|e| e.code), Some(FieldErrorCode::TooLong));
        assert!(Dispute::parse(&DisputeInput { reason: Some("字".repeat(500)) }).is_ok());
        let e = Dispute::parse(&DisputeInput::default()).unwrap_err();
        assert_eq!(e.get("reason").map(|e| e.code), Some(FieldErrorCode::Required));
    }

    fn exists(d: &str) -> bool {
        ["city.ecology", "city.urban-management", "a3.dongtang"].contains(&d)
    }

    #[test]
    fn decisions_are_checked() {
        let uphold = DecisionInput {
            decision: Some("uphold".into()),
            new_lead: Some("city.ecology".into()),
            co_handlers: Some(vec!["a3.dongtang".into(), "city.ecology".into(), "a3.dongtang".into()]),
            reason: None,
        };
        let d = Decision::parse(&uphold, "city.urban-management", &exists).unwrap();
        assert_eq!(d, Decision::Uphold { new_lead: "city.ecology".into(), co_handlers: vec!["a3.dongtang".into()] });
        assert_eq!(serde_json::to_value(&d).unwrap()["decision"], "uphold");

        let back = DecisionInput { new_lead: Some("city.urban-management".into()), ..uphold.clone() };
        let e = Decision::parse(&back, "city.urban-management", &exists).unwrap_err();
        assert_eq!(e.get("new_lead").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
        let unknown = DecisionInput { co_handlers: Some(vec!["mars".into()]), new_lead: None, ..uphold };
        let e = Decision::parse(&unknown, "city.urban-management", &exists).unwrap_err();
        assert_eq!(e.get("new_lead").map(|e| e.code), Some(FieldErrorCode::Required));
        assert_eq!(e.get("co_handlers[0]").map(|e| e.code), Some(FieldErrorCode::UnknownValue));

        let reject = DecisionInput {
            decision: Some("reject".into()),
            reason: Some("属于噪声污染".into()),
            ..Default::default()
        };
        assert_eq!(Decision::parse(&reject, "x", &exists).unwrap(), Decision::Reject { reason: "属于噪声污染".into() });
        let bare = DecisionInput { decision: Some("reject".into()), ..Default::default() };
        assert!(Decision::parse(&bare, "x", &exists).unwrap_err().get("reason").is_some());
        let e = Decision::parse(&DecisionInput { decision: Some("maybe".into()), ..Default::default() }, "x", &exists);
        assert_eq!(e.unwrap_err().get("decision").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
        let e = Decision::parse(&DecisionInput::default(), "x", &exists).unwrap_err();
        assert_eq!(e.get("decision").map(|e| e.code), Some(FieldErrorCode::Required));
    }

    #[test]
    fn redispatches_are_counted_per_ticket_and_per_department() {
        let ev = |t: &str, from: Option<&str>, to: &str| LeadChange {
            ticket_id: t.into(),
            from: from.map(str::to_owned),
            to: to.into(),
            at: t0(),
        };
        let events = vec![
            ev("t1", None, "a"),
            ev("t1", Some("a"), "b"),
            ev("t1", Some("b"), "a"),
            ev("t2", None, "a"),
            ev("t2", Some("a"), "a"),
            ev("t3", Some("a"), "c"),
        ];
        let c = RedispatchCounts::from_events(&events);
        assert_eq!((c.ticket("t1"), c.ticket("t2"), c.ticket("t3"), c.ticket("t9")), (2, 0, 1, 0));
        assert_eq!((c.department("a"), c.department("b"), c.department("c")), (2, 1, 0));
    }
}
