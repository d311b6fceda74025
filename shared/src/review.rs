//! Unreasonable requests (不合理诉求) and consultation (会商) before dispatch.
//!
//! A department may propose that a request is unreasonable (a malicious repeat, a demand
//! outside government's remit); until a reviewer confirms it, the request counts against the
//! department like any other, so proposing is no way to dodge assessment. Consultation lets
//! the dispatcher ask departments whose a request is before guessing and causing a dispute.

use crate::error::{FieldErrorCode, FieldErrors};
use crate::text;
use crate::whistle::department_list;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreasonableReason {
    RepeatedMalicious,
    BeyondGovernmentScope,
    IllegalDemand,
    /// Settled by a court, arbitration or another statutory route.
    AlreadyResolvedByLaw,
    Other,
}

impl UnreasonableReason {
    pub const ALL: [UnreasonableReason; 5] = [
        UnreasonableReason::RepeatedMalicious,
        UnreasonableReason::BeyondGovernmentScope,
        UnreasonableReason::IllegalDemand,
        UnreasonableReason::AlreadyResolvedByLaw,
        UnreasonableReason::Other,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            UnreasonableReason::RepeatedMalicious => "repeated_malicious",
            UnreasonableReason::BeyondGovernmentScope => "beyond_government_scope",
            UnreasonableReason::IllegalDemand => "illegal_demand",
            UnreasonableReason::AlreadyResolvedByLaw => "already_resolved_by_law",
            UnreasonableReason::Other => "other",
        }
    }

    pub fn parse(raw: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|r| r.as_str() == raw)
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct UnreasonableInput {
    #[serde(default)]
    pub reason_code: Option<String>,
    #[serde(default)]
    pub note: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Unreasonable {
    pub reason_code: UnreasonableReason,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub note: Option<String>,
}

impl Unreasonable {
    /// "Other" says nothing by itself, so it needs a note.
    pub fn parse(input: &UnreasonableInput) -> Result<Unreasonable, FieldErrors> {
        let mut errors = FieldErrors::new();
        let reason_code = match input.reason_code.as_deref().map(str::trim).filter(|r| !r.is_empty()) {
            None => {
                errors.add("reason_code", FieldErrorCode::Required, "reason_code is required");
                None
            }
            Some(raw) => UnreasonableReason::parse(raw).or_else(|| {
                errors.add("reason_code", FieldErrorCode::UnknownValue, format!("unknown reason {raw}"));
                None
            }),
        };
        let note = text::optional(&mut errors, "note", input.note.as_deref(), 500);
        if reason_code == Some(UnreasonableReason::Other) && note.is_none() && errors.get("note").is_none() {
            errors.add("note", FieldErrorCode::Required, "say why when the reason is other");
        }
        match reason_code {
            Some(reason_code) if errors.is_empty() => Ok(Unreasonable { reason_code, note }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum UnreasonableState {
    Proposed,
    Confirmed,
    Rejected,
}

/// Only a proposal is decided; a decision is final (a new proposal starts a new record).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct AlreadyDecided {
    pub state: UnreasonableState,
}

impl UnreasonableState {
    pub fn confirm(self) -> Result<Self, AlreadyDecided> {
        match self {
            UnreasonableState::Proposed => Ok(UnreasonableState::Confirmed),
            state => Err(AlreadyDecided { state }),
        }
    }

    pub fn reject(self) -> Result<Self, AlreadyDecided> {
        match self {
            UnreasonableState::Proposed => Ok(UnreasonableState::Rejected),
            state => Err(AlreadyDecided { state }),
        }
    }
}

/// Whether the request leaves the department's satisfaction and timeliness figures.
pub fn excluded_from_assessment(state: UnreasonableState) -> bool {
    state == UnreasonableState::Confirmed
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationInput {
    #[serde(default)]
    pub departments: Option<Vec<String>>,
    #[serde(default)]
    pub question: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Consultation {
    pub departments: Vec<String>,
    pub question: String,
}

impl Consultation {
    pub fn parse(
        input: &ConsultationInput,
        department_exists: &dyn Fn(&str) -> bool,
    ) -> Result<Consultation, FieldErrors> {
        let mut errors = FieldErrors::new();
        let departments =
            department_list(&mut errors, "departments", input.departments.as_deref(), None, department_exists);
        let question = text::bounded(&mut errors, "question", input.question.as_deref(), 5, 1000);
        match question {
            Some(question) if errors.is_empty() => Ok(Consultation { departments, question }),
            _ => Err(errors),
        }
    }
}

#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConsultationReplyInput {
    #[serde(default)]
    pub department: Option<String>,
    #[serde(default)]
    pub text: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ConsultationReply {
    pub department: String,
    pub text: String,
}

impl ConsultationReply {
    /// Only a department asked may answer.
    pub fn parse(input: &ConsultationReplyInput, asked: &Consultation) -> Result<ConsultationReply, FieldErrors> {
        let mut errors = FieldErrors::new();
        let department = match input.department.as_deref().map(str::trim).filter(|d| !d.is_empty()) {
            None => {
                errors.add("department", FieldErrorCode::Required, "department is required");
                None
            }
            Some(d) if !asked.departments.iter().any(|a| a == d) => {
                errors.add("department", FieldErrorCode::OutOfRange, format!("{d} was not asked"));
                None
            }
            Some(d) => Some(d.to_owned()),
        };
        let text = text::bounded(&mut errors, "text", input.text.as_deref(), 2, 1000);
        match (department, text) {
            (Some(department), Some(text)) if errors.is_empty() => Ok(ConsultationReply { department, text }),
            _ => Err(errors),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reasons_round_trip_and_other_needs_a_note() {
        for r in UnreasonableReason::ALL {
            assert_eq!(UnreasonableReason::parse(r.as_str()), Some(r));
            assert_eq!(serde_json::to_value(r).unwrap(), r.as_str());
        }
        let ok = Unreasonable::parse(&UnreasonableInput {
            reason_code: Some("beyond_government_scope".into()),
            note: Some("  ".into()),
        })
        .unwrap();
        assert_eq!(ok, Unreasonable { reason_code: UnreasonableReason::BeyondGovernmentScope, note: None });
        let e = Unreasonable::parse(&UnreasonableInput { reason_code: Some("other".into()), note: None }).unwrap_err();
        assert_eq!(e.get("note").map(|e| e.code), Some(FieldErrorCode::Required));
        let e =
            Unreasonable::parse(&UnreasonableInput { reason_code: Some("rude".into()), note: Some("字".repeat(501)) })
                .unwrap_err();
        assert_eq!(e.get("reason_code").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
        assert_eq!(e.get("note").map(|e| e.code), Some(FieldErrorCode::TooLong));
        let e = Unreasonable::parse(&UnreasonableInput::default()).unwrap_err();
        assert_eq!(e.get("reason_code").map(|e| e.code), Some(FieldErrorCode::Required));
    }

    #[test]
    fn only_a_confirmed_proposal_leaves_assessment() {
        use UnreasonableState::*;
        assert_eq!(Proposed.confirm(), Ok(Confirmed));
        assert_eq!(Proposed.reject(), Ok(Rejected));
        assert_eq!(Confirmed.reject(), Err(AlreadyDecided { state: Confirmed }));
        assert_eq!(Rejected.confirm(), Err(AlreadyDecided { state: Rejected }));
        assert_eq!(Confirmed.confirm(), Err(AlreadyDecided { state: Confirmed }));
        assert!(excluded_from_assessment(Confirmed));
        assert!(!excluded_from_assessment(Proposed) && !excluded_from_assessment(Rejected));
    }

    fn exists(d: &str) -> bool {
        ["city.ecology", "city.urban-management"].contains(&d)
    }

    #[test]
    fn consultations_ask_known_departments_a_real_question() {
        let input = ConsultationInput {
            departments: Some(vec!["city.ecology".into(), "city.urban-management".into()]),
            question: Some("餐饮油烟归生态环境还是城管？".into()),
        };
        let c = Consultation::parse(&input, &exists).unwrap();
        assert_eq!(c.departments.len(), 2);
        let bad = ConsultationInput { departments: Some(vec!["mars".into()]), question: Some("归谁".into()) };
        let e = Consultation::parse(&bad, &exists).unwrap_err();
        assert_eq!(e.get("departments[0]").map(|e| e.code), Some(FieldErrorCode::UnknownValue));
        assert_eq!(e.get("question").map(|e| e.code), Some(FieldErrorCode::TooShort));
        let e = Consultation::parse(&ConsultationInput::default(), &exists).unwrap_err();
        assert_eq!(e.get("departments").map(|e| e.code), Some(FieldErrorCode::Required));

        let reply = |d: &str, t: &str| ConsultationReplyInput { department: Some(d.into()), text: Some(t.into()) };
        let r = ConsultationReply::parse(&reply("city.ecology", "属于城管职责"), &c).unwrap();
        assert_eq!(r.department, "city.ecology");
        let e = ConsultationReply::parse(&reply("city.housing", "好"), &c).unwrap_err();
        assert_eq!(e.get("department").map(|e| e.code), Some(FieldErrorCode::OutOfRange));
        assert_eq!(e.get("text").map(|e| e.code), Some(FieldErrorCode::TooShort));
    }
}
