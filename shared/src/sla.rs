//! Service-level deadlines as data: how soon a ticket must be answered and resolved, by
//! category (any level, matched by dotted prefix) and urgency, with a default per urgency so
//! every ticket has one.

use crate::calendar::WorkCalendar;
use crate::catalogue::CategoryCode;
use crate::dispatch::Urgency;
use crate::error::{FieldErrorCode, FieldErrors};
use chrono::{DateTime, Duration, FixedOffset, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;

/// Response within a month of hours at most.
pub const MAX_RESPONSE_HOURS: u32 = 720;
/// Resolution within ninety working days at most.
pub const MAX_RESOLUTION_DAYS: u32 = 90;
/// More rules than this is a catalogue copied into the table, not a policy.
pub const MAX_RULES: usize = 500;

/// How soon: first response in wall-clock hours, resolution in working days.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Sla {
    pub response_hours: u32,
    pub resolution_days: u32,
}

/// One rule. `category` is a dotted prefix ("11" covers "11.01.01"); `None` matches any
/// category, as `urgency: None` matches any urgency.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaRule {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub urgency: Option<Urgency>,
    pub response_hours: u32,
    /// Working days.
    pub resolution_days: u32,
}

impl SlaRule {
    pub fn sla(&self) -> Sla {
        Sla { response_hours: self.response_hours, resolution_days: self.resolution_days }
    }

    /// How many category levels the rule names (0 for any), if it applies at all.
    fn specificity(&self, category: &str, urgency: Urgency) -> Option<(usize, bool)> {
        if self.urgency.is_some_and(|u| u != urgency) {
            return None;
        }
        let levels = match self.category.as_deref() {
            None => 0,
            Some(prefix) => {
                let covers =
                    category == prefix || (category.starts_with(prefix) && category[prefix.len()..].starts_with('.'));
                if !covers {
                    return None;
                }
                prefix.split('.').count()
            }
        };
        Some((levels, self.urgency.is_some()))
    }
}

/// The SLA when no rule applies, one per urgency.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct SlaByUrgency {
    pub normal: Sla,
    pub urgent: Sla,
    pub very_urgent: Sla,
}

impl SlaByUrgency {
    pub fn get(&self, urgency: Urgency) -> Sla {
        match urgency {
            Urgency::Normal => self.normal,
            Urgency::Urgent => self.urgent,
            Urgency::VeryUrgent => self.very_urgent,
        }
    }

    fn set(&mut self, urgency: Urgency, sla: Sla) {
        match urgency {
            Urgency::Normal => self.normal = sla,
            Urgency::Urgent => self.urgent = sla,
            Urgency::VeryUrgent => self.very_urgent = sla,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SlaTable {
    pub rules: Vec<SlaRule>,
    pub default_by_urgency: SlaByUrgency,
}

impl Default for SlaTable {
    fn default() -> Self {
        Self::standard()
    }
}

impl SlaTable {
    /// The shipped table: no category rules, one default per urgency.
    ///
    /// Chinese 12345 hotlines commonly require a response (签收/首次联系) within one working
    /// day and resolution within 5–15 working days, with emergencies handled the same day.
    /// Hence:
    /// - `very_urgent`: respond within 2 hours, resolve within 1 working day: safety hazards
    ///   and the like, where a city expects action today.
    /// - `urgent`: respond within 12 hours, resolve within 3 working days.
    /// - `normal`: respond within 24 hours, resolve within 10 working days: the middle of
    ///   the usual 5–15 range.
    ///
    /// A city overrides any of these, and adds per-category rules, through [`SlaTable::parse`].
    pub fn standard() -> Self {
        Self {
            rules: Vec::new(),
            default_by_urgency: SlaByUrgency {
                normal: Sla { response_hours: 24, resolution_days: 10 },
                urgent: Sla { response_hours: 12, resolution_days: 3 },
                very_urgent: Sla { response_hours: 2, resolution_days: 1 },
            },
        }
    }

    /// The most specific rule: the longest matching category prefix wins; at equal length a
    /// rule naming the urgency beats one for any urgency; remaining ties go to the earlier
    /// rule. No rule → the default for the urgency.
    pub fn resolve(&self, category: &str, urgency: Urgency) -> Sla {
        let category = category.trim();
        let mut best: Option<((usize, bool), &SlaRule)> = None;
        for rule in &self.rules {
            if let Some(key) = rule.specificity(category, urgency) {
                if best.is_none_or(|(b, _)| key > b) {
                    best = Some((key, rule));
                }
            }
        }
        best.map(|(_, rule)| rule.sla()).unwrap_or_else(|| self.default_by_urgency.get(urgency))
    }

    /// The table as the edit form shows it.
    pub fn to_input(&self) -> SlaTableInput {
        let rule_input = |category: Option<&str>, urgency: Option<Urgency>, sla: Sla| SlaRuleInput {
            category: category.map(str::to_owned),
            urgency: urgency.map(|u| u.as_str().to_owned()),
            response_hours: Some(i64::from(sla.response_hours)),
            resolution_days: Some(i64::from(sla.resolution_days)),
        };
        SlaTableInput {
            rules: Some(self.rules.iter().map(|r| rule_input(r.category.as_deref(), r.urgency, r.sla())).collect()),
            defaults: Some(
                Urgency::ALL.iter().map(|u| rule_input(None, Some(*u), self.default_by_urgency.get(*u))).collect(),
            ),
        }
    }

    /// Errors name `rules[i].category`, `rules[i].urgency`, `rules[i].response_hours`,
    /// `rules[i].resolution_days`, the same under `defaults[i]`, or `rules` / `defaults` for
    /// the list as a whole. Absent `rules` means none; absent `defaults` keeps the standard
    /// defaults; given `defaults` must name each urgency exactly once, with no category.
    pub fn parse(input: &SlaTableInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();

        let rule_inputs = input.rules.as_deref().unwrap_or_default();
        if rule_inputs.len() > MAX_RULES {
            errors.add_with_limit(
                "rules",
                FieldErrorCode::TooLong,
                format!("at most {MAX_RULES} rules"),
                Some(MAX_RULES as u32),
            );
        }
        let mut rules = Vec::with_capacity(rule_inputs.len());
        let mut seen = BTreeSet::new();
        for (i, raw) in rule_inputs.iter().enumerate() {
            let path = format!("rules[{i}]");
            let category = parse_category(raw.category.as_deref(), &path, &mut errors);
            let urgency = parse_urgency(raw.urgency.as_deref(), &path, &mut errors);
            let sla = parse_sla(raw, &path, &mut errors);
            if let (Some(category), Some(urgency)) = (&category, urgency) {
                if !seen.insert((category.clone(), urgency)) {
                    errors.add(
                        &format!("{path}.category"),
                        FieldErrorCode::Taken,
                        "another rule already covers this category and urgency",
                    );
                }
            }
            if let (Some(category), Some(urgency), Some(sla)) = (category, urgency, sla) {
                rules.push(SlaRule {
                    category,
                    urgency,
                    response_hours: sla.response_hours,
                    resolution_days: sla.resolution_days,
                });
            }
        }

        let mut defaults = Self::standard().default_by_urgency;
        if let Some(default_inputs) = &input.defaults {
            let mut covered = BTreeSet::new();
            for (i, raw) in default_inputs.iter().enumerate() {
                let path = format!("defaults[{i}]");
                if raw.category.as_deref().is_some_and(|c| !c.trim().is_empty()) {
                    errors.add(
                        &format!("{path}.category"),
                        FieldErrorCode::InvalidFormat,
                        "a default applies to every category: leave the category empty",
                    );
                }
                let urgency = match parse_urgency(raw.urgency.as_deref(), &path, &mut errors) {
                    Some(Some(u)) => Some(u),
                    Some(None) => {
                        errors.add(&format!("{path}.urgency"), FieldErrorCode::Required, "a default names its urgency");
                        None
                    }
                    None => None,
                };
                if let Some(u) = urgency {
                    if !covered.insert(u) {
                        errors.add(
                            &format!("{path}.urgency"),
                            FieldErrorCode::Taken,
                            "this urgency already has a default",
                        );
                    }
                }
                if let (Some(u), Some(sla)) = (urgency, parse_sla(raw, &path, &mut errors)) {
                    defaults.set(u, sla);
                }
            }
            let missing: Vec<&str> =
                Urgency::ALL.iter().filter(|u| !covered.contains(*u)).map(|u| u.as_str()).collect();
            if !missing.is_empty() {
                errors.add(
                    "defaults",
                    FieldErrorCode::Required,
                    format!("a default is needed for every urgency; missing: {}", missing.join(", ")),
                );
            }
        }

        errors.finish(|| SlaTable { rules, default_by_urgency: defaults })
    }
}

/// `Some(None)` for any category, `Some(Some(code))` for a prefix, `None` when refused.
fn parse_category(raw: Option<&str>, path: &str, errors: &mut FieldErrors) -> Option<Option<String>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(code) => match CategoryCode::parse(code) {
            Some(code) => Some(Some(code.as_str().to_owned())),
            None => {
                errors.add(
                    &format!("{path}.category"),
                    FieldErrorCode::InvalidFormat,
                    "a category code looks like 11, 11.01 or 11.01.01",
                );
                None
            }
        },
    }
}

/// `Some(None)` for any urgency, `Some(Some(u))` for one, `None` when refused.
fn parse_urgency(raw: Option<&str>, path: &str, errors: &mut FieldErrors) -> Option<Option<Urgency>> {
    match raw.map(str::trim).filter(|s| !s.is_empty()) {
        None => Some(None),
        Some(name) => match Urgency::parse(name) {
            Some(u) => Some(Some(u)),
            None => {
                errors.add(&format!("{path}.urgency"), FieldErrorCode::UnknownValue, "normal, urgent or very_urgent");
                None
            }
        },
    }
}

fn parse_sla(raw: &SlaRuleInput, path: &str, errors: &mut FieldErrors) -> Option<Sla> {
    let response_hours =
        bounded(raw.response_hours, &format!("{path}.response_hours"), MAX_RESPONSE_HOURS, "hours", errors);
    let resolution_days =
        bounded(raw.resolution_days, &format!("{path}.resolution_days"), MAX_RESOLUTION_DAYS, "working days", errors);
    Some(Sla { response_hours: response_hours?, resolution_days: resolution_days? })
}

fn bounded(value: Option<i64>, field: &str, max: u32, unit: &str, errors: &mut FieldErrors) -> Option<u32> {
    let Some(value) = value else {
        errors.add(field, FieldErrorCode::Required, format!("between 1 and {max} {unit}"));
        return None;
    };
    match u32::try_from(value) {
        Ok(v) if (1..=max).contains(&v) => Some(v),
        _ => {
            let limit = if value < 1 { 1 } else { max };
            errors.add_with_limit(
                field,
                FieldErrorCode::OutOfRange,
                format!("between 1 and {max} {unit}"),
                Some(limit),
            );
            None
        }
    }
}

/// When a ticket's response and resolution fall due.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Deadlines {
    pub response_due: DateTime<Utc>,
    pub resolution_due: DateTime<Utc>,
}

impl Deadlines {
    /// `response_due` = start + response_hours (wall-clock hours); `resolution_due` =
    /// `calendar.add_working_days(start, resolution_days + extension_days, offset)`: the end of
    /// that local working day.
    pub fn compute(
        start: DateTime<Utc>,
        sla: Sla,
        extension_days: u32,
        calendar: &WorkCalendar,
        offset: FixedOffset,
    ) -> Self {
        let response_due = start
            .checked_add_signed(Duration::hours(i64::from(sla.response_hours)))
            .unwrap_or(DateTime::<Utc>::MAX_UTC);
        let resolution_due =
            calendar.add_working_days(start, sla.resolution_days.saturating_add(extension_days), offset);
        Self { response_due, resolution_due }
    }
}

/// The admin's edit of the table, as sent.
#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SlaTableInput {
    #[serde(default)]
    pub rules: Option<Vec<SlaRuleInput>>,
    /// One per urgency, category empty.
    #[serde(default)]
    pub defaults: Option<Vec<SlaRuleInput>>,
}

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct SlaRuleInput {
    #[serde(default)]
    pub category: Option<String>,
    #[serde(default)]
    pub urgency: Option<String>,
    #[serde(default)]
    pub response_hours: Option<i64>,
    #[serde(default)]
    pub resolution_days: Option<i64>,
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn rule(category: Option<&str>, urgency: Option<Urgency>, response_hours: u32, resolution_days: u32) -> SlaRule {
        SlaRule { category: category.map(str::to_owned), urgency, response_hours, resolution_days }
    }

    fn sla(response_hours: u32, resolution_days: u32) -> Sla {
        Sla { response_hours, resolution_days }
    }

    fn input(category: &str, urgency: &str, hours: i64, days: i64) -> SlaRuleInput {
        SlaRuleInput {
            category: Some(category.to_owned()),
            urgency: Some(urgency.to_owned()),
            response_hours: Some(hours),
            resolution_days: Some(days),
        }
    }

    #[test]
    fn the_most_specific_rule_wins() {
        let table = SlaTable {
            rules: vec![
                rule(Some("11"), None, 48, 15),
                rule(Some("11.01"), None, 24, 10),
                rule(Some("11.01"), Some(Urgency::Urgent), 6, 2),
                rule(None, Some(Urgency::VeryUrgent), 1, 1),
                rule(Some("11.01"), None, 99, 99),
            ],
            ..SlaTable::standard()
        };
        assert_eq!(table.resolve("11.01.01", Urgency::Normal), sla(24, 10), "longer prefix; earlier of a tie");
        assert_eq!(table.resolve("11.01.01", Urgency::Urgent), sla(6, 2), "exact urgency beats any");
        assert_eq!(table.resolve("11.01.01", Urgency::VeryUrgent), sla(24, 10), "a longer prefix beats urgency");
        assert_eq!(table.resolve("11.02.01", Urgency::Normal), sla(48, 15));
        assert_eq!(table.resolve("11", Urgency::Normal), sla(48, 15), "a rule covers its own code");
        assert_eq!(table.resolve("12.01.01", Urgency::VeryUrgent), sla(1, 1));
        assert_eq!(table.resolve("12.01.01", Urgency::Urgent), sla(12, 3), "no rule: the urgency's default");
        assert_eq!(table.resolve("", Urgency::Normal), sla(24, 10));
        // A prefix matches whole segments only.
        let narrow = SlaTable { rules: vec![rule(Some("11.0"), None, 5, 5)], ..SlaTable::standard() };
        assert_eq!(narrow.resolve("11.01.01", Urgency::Normal), sla(24, 10));
    }

    #[test]
    fn standard_defaults_cover_every_urgency() {
        let table = SlaTable::standard();
        assert_eq!(table.resolve("04.02.03", Urgency::VeryUrgent), sla(2, 1));
        assert_eq!(table.resolve("04.02.03", Urgency::Urgent), sla(12, 3));
        assert_eq!(table.resolve("04.02.03", Urgency::Normal), sla(24, 10));
        assert_eq!(SlaTable::default(), table);
        assert_eq!(SlaTable::parse(&SlaTableInput::default()).unwrap(), table);
        assert_eq!(SlaTable::parse(&table.to_input()).unwrap(), table);
    }

    #[test]
    fn parse_builds_the_table() {
        let parsed = SlaTable::parse(&SlaTableInput {
            rules: Some(vec![input(" 11.01 ", "", 4, 5), input("11.01", "urgent", 2, 2)]),
            defaults: Some(vec![
                input("", "normal", 48, 15),
                input("", "urgent", 24, 5),
                SlaRuleInput { category: None, ..input("", "very_urgent", 2, 1) },
            ]),
        })
        .unwrap();
        assert_eq!(parsed.rules[0], rule(Some("11.01"), None, 4, 5));
        assert_eq!(parsed.rules[1], rule(Some("11.01"), Some(Urgency::Urgent), 2, 2));
        assert_eq!(parsed.default_by_urgency.normal, sla(48, 15));
        assert_eq!(parsed.resolve("20.01", Urgency::Normal), sla(48, 15));
        assert_eq!(SlaTable::parse(&parsed.to_input()).unwrap(), parsed);
    }

    #[test]
    fn parse_names_the_refused_fields() {
        let errors = SlaTable::parse(&SlaTableInput {
            rules: Some(vec![
                input("11.1", "normal", 0, 91),
                input("11", "soon", 721, 0),
                input("11", "", 24, 10),
                input("11", "", 12, 5),
                SlaRuleInput::default(),
            ]),
            defaults: Some(vec![input("11", "normal", 24, 10), input("", "normal", 24, 10), input("", "", 1, 1)]),
        })
        .unwrap_err();
        let code = |f: &str| errors.get(f).map(|e| e.code);
        let limit = |f: &str| errors.get(f).and_then(|e| e.limit);
        assert_eq!(code("rules[0].category"), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(limit("rules[0].response_hours"), Some(1));
        assert_eq!(limit("rules[0].resolution_days"), Some(90));
        assert_eq!(code("rules[1].urgency"), Some(FieldErrorCode::UnknownValue));
        assert_eq!(limit("rules[1].response_hours"), Some(720));
        assert_eq!(limit("rules[1].resolution_days"), Some(1));
        assert_eq!(code("rules[2].category"), None);
        assert_eq!(code("rules[3].category"), Some(FieldErrorCode::Taken), "same (11, any) pair");
        assert_eq!(code("rules[4].response_hours"), Some(FieldErrorCode::Required));
        assert_eq!(code("rules[4].resolution_days"), Some(FieldErrorCode::Required));
        assert_eq!(code("rules[4].category"), None, "empty category means any");
        assert_eq!(code("defaults[0].category"), Some(FieldErrorCode::InvalidFormat));
        assert_eq!(code("defaults[1].urgency"), Some(FieldErrorCode::Taken));
        assert_eq!(code("defaults[2].urgency"), Some(FieldErrorCode::Required));
        assert_eq!(code("defaults"), Some(FieldErrorCode::Required));
        assert!(errors.get("defaults").unwrap().message.contains("urgent, very_urgent"));

        let too_many = SlaTableInput { rules: Some(vec![input("", "", 1, 1); MAX_RULES + 1]), defaults: None };
        assert_eq!(SlaTable::parse(&too_many).unwrap_err().get("rules").map(|e| e.code), Some(FieldErrorCode::TooLong));
    }

    #[test]
    fn deadlines_skip_the_spring_festival() {
        let cst = FixedOffset::east_opt(8 * 3600).unwrap();
        let cal = WorkCalendar::china();
        let local = |m, d, h, mi, s| cst.with_ymd_and_hms(2026, m, d, h, mi, s).unwrap().with_timezone(&Utc);
        // Friday 13 February 2026, 10:00 in Beijing, a normal ticket: 24 h / 10 working days.
        let start = local(2, 13, 10, 0, 0);
        let due = Deadlines::compute(start, sla(24, 10), 0, &cal, cst);
        assert_eq!(due.response_due, local(2, 14, 10, 0, 0), "response is wall-clock hours");
        // 14 (make-up Sat) | 24 25 26 27 28 (make-up Sat) | 2 3 4 5 March.
        assert_eq!(due.resolution_due, local(3, 5, 23, 59, 59));
        let extended = Deadlines::compute(start, sla(24, 10), 2, &cal, cst);
        assert_eq!(extended.resolution_due, local(3, 9, 23, 59, 59));
        // Without the holidays the same ticket would be due on 27 February.
        let plain = Deadlines::compute(start, sla(24, 10), 0, &WorkCalendar::default(), cst);
        assert_eq!(plain.resolution_due, local(2, 27, 23, 59, 59));
        let json = serde_json::to_string(&SlaRule { urgency: Some(Urgency::VeryUrgent), ..rule(None, None, 1, 1) });
        assert!(json.unwrap().contains("\"very_urgent\""));
    }
}
