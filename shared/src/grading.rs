//! Deputies' and observers' grades (两代表一委员、民生观察员评议) of sampled closed tickets, and how
//! often they agree with the citizen's own rating.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::evaluation::Satisfaction;
use crate::text::optional;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

#[derive(Debug, Clone, Default, Deserialize, Serialize)]
pub struct GradeInput {
    pub resolution: Option<i64>,
    pub quality: Option<i64>,
    pub timeliness: Option<i64>,
    pub comment: Option<String>,
}

/// Real resolution, reply quality and timeliness, 1 (poor) to 5 (very good).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Grade {
    pub resolution: u8,
    pub quality: u8,
    pub timeliness: u8,
    pub comment: Option<String>,
}

impl Grade {
    pub const MAX_COMMENT: usize = 1000;

    pub fn parse(input: &GradeInput) -> Result<Self, FieldErrors> {
        let mut errors = FieldErrors::new();
        let mut score = |field: &str, value: Option<i64>| match value {
            None => {
                errors.add(field, FieldErrorCode::Required, "1 to 5");
                0
            }
            Some(v) if (1..=5).contains(&v) => v as u8,
            Some(v) => {
                errors.add_with_limit(field, FieldErrorCode::OutOfRange, "1 to 5", Some(if v < 1 { 1 } else { 5 }));
                0
            }
        };
        let resolution = score("resolution", input.resolution);
        let quality = score("quality", input.quality);
        let timeliness = score("timeliness", input.timeliness);
        let comment = optional(&mut errors, "comment", input.comment.as_deref(), Self::MAX_COMMENT);
        errors.finish(|| Grade { resolution, quality, timeliness, comment })
    }

    pub fn mean(&self) -> f64 {
        f64::from(u16::from(self.resolution) + u16::from(self.quality) + u16::from(self.timeliness)) / 3.0
    }

    /// The observer finds the case handled: a mean of 3 ("acceptable") or better.
    pub fn approves(&self) -> bool {
        self.mean() >= 3.0
    }
}

/// A published grade: the ticket's public facts and the observer's judgement, never the
/// reporter's data (the comment goes through `redact::public_text`).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PublicGrade {
    pub tracking_no: String,
    pub title: String,
    pub category: String,
    pub department: Option<String>,
    pub resolution: u8,
    pub quality: u8,
    pub timeliness: u8,
    pub comment: Option<String>,
    /// The observer's role title ("人大代表", "民生观察员"), not their name.
    pub observer_kind: String,
    pub at: chrono::DateTime<chrono::Utc>,
}

/// A ticket both the citizen rated and an observer graded.
#[derive(Debug, Clone, PartialEq)]
pub struct RatedPair {
    pub department: String,
    pub citizen: Satisfaction,
    pub observer_approves: bool,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Agreement {
    pub department: String,
    pub pairs: u32,
    /// Both content, or both not: the citizen's satisfied / basically satisfied against a mean
    /// observer grade of 3 or more.
    pub agreeing: u32,
    pub rate: Option<f64>,
}

pub fn agreement(pairs: &[RatedPair]) -> Vec<Agreement> {
    let mut by_department: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for pair in pairs {
        let entry = by_department.entry(pair.department.as_str()).or_default();
        entry.0 += 1;
        if pair.citizen.is_content() == pair.observer_approves {
            entry.1 += 1;
        }
    }
    by_department
        .into_iter()
        .map(|(department, (n, agreeing))| Agreement {
            department: department.to_owned(),
            pairs: n,
            agreeing,
            rate: (n > 0).then(|| f64::from(agreeing) / f64::from(n)),
        })
        .collect()
}

/// What an observer sees of one sampled ticket.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleItem {
    pub tracking_no: String,
    pub title: String,
    pub description: String,
    pub category: String,
    pub department: Option<String>,
    pub reply: Option<String>,
    pub replied_at: Option<chrono::DateTime<chrono::Utc>>,
    pub resolution_due: Option<chrono::DateTime<chrono::Utc>>,
    pub grade: Option<Grade>,
}

/// One observer's sample for one week, with the seed that reproduces it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SampleView {
    pub id: i64,
    pub week: String,
    pub seed: String,
    pub size: u32,
    pub drawn_at: chrono::DateTime<chrono::Utc>,
    pub items: Vec<SampleItem>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_score_is_required_and_named() {
        let e = Grade::parse(&GradeInput { resolution: Some(0), quality: None, timeliness: Some(6), comment: None })
            .unwrap_err();
        assert_eq!(e.get("resolution").unwrap().limit, Some(1));
        assert_eq!(e.get("quality").unwrap().code, FieldErrorCode::Required);
        assert_eq!(e.get("timeliness").unwrap().limit, Some(5));
        let ok = Grade::parse(&GradeInput {
            resolution: Some(4),
            quality: Some(3),
            timeliness: Some(2),
            comment: Some("  ok  ".into()),
        })
        .unwrap();
        assert_eq!(ok.mean(), 3.0);
        assert!(ok.approves());
        assert_eq!(ok.comment.as_deref(), Some("ok"));
    }

    #[test]
    fn agreement_counts_matching_judgements_per_department() {
        let pair = |d: &str, c, o| RatedPair { department: d.into(), citizen: c, observer_approves: o };
        let pairs = [
            pair("a", Satisfaction::Satisfied, true),
            pair("a", Satisfaction::BasicallySatisfied, false),
            pair("a", Satisfaction::Unsatisfied, false),
            pair("b", Satisfaction::Unsatisfied, true),
        ];
        let table = agreement(&pairs);
        assert_eq!(table[0], Agreement { department: "a".into(), pairs: 3, agreeing: 2, rate: Some(2.0 / 3.0) });
        assert_eq!(table[1].rate, Some(0.0));
        assert!(agreement(&[]).is_empty());
    }
}
